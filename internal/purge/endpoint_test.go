package purge

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCheckEndpoint(t *testing.T) {
	for _, ok := range []string{
		"https://example.com", "https://example.com/base/", "http://127.0.0.1:8787", "http://127.9.9.9",
		"http://[::1]:80/x", "http://localhost:8787", "http://LOCALHOST",
	} {
		if err := CheckEndpoint(ok); err != nil {
			t.Errorf("CheckEndpoint(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{
		"http://example.com", "http://10.0.0.1", "http://169.254.169.254", "http://localhost.evil.example",
		"http://127.0.0.1.nip.io", "ftp://example.com", "https://user:pw@example.com", "example.com", "", "https://",
		"//example.com", "http://[::ffff:10.0.0.1]",
	} {
		if err := CheckEndpoint(bad); err == nil {
			t.Errorf("CheckEndpoint(%q) = nil, want an error", bad)
		}
	}
}

func TestSameEndpoint(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"https://Site.example/", "https://site.example", true},
		{"https://site.example/base", "https://site.example/base/", true},
		{"https://site.example", "http://site.example", false},
		{"https://site.example", "https://evil.example", false},
		{"https://site.example:8443", "https://site.example", false},
		{"https://site.example/a", "https://site.example/b", false},
	} {
		if got := SameEndpoint(tc.a, tc.b); got != tc.same {
			t.Errorf("SameEndpoint(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

// noNetwork fails the test if a request is ever sent.
type noNetwork struct{ t *testing.T }

func (n noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.t.Errorf("request sent to %s", r.URL)
	return nil, errors.New("no network")
}

// TestWorkerRefusesPlainHTTP: the secret is never sent over plain http to
// a host that is not loopback; nothing goes on the wire.
func TestWorkerRefusesPlainHTTP(t *testing.T) {
	w := &Worker{URL: "http://site.example", Secret: "s3cret-value", Client: &http.Client{Transport: noNetwork{t}}, Retry: Retry{Sleep: noSleep}}
	err := w.Purge(context.Background(), []string{"site"}, false)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("Purge = %v, want a refusal of plain http", err)
	}
	if strings.Contains(err.Error(), "s3cret-value") {
		t.Errorf("the error shows the secret: %v", err)
	}
}

// TestZoneTokenOnlyToCloudflare: CLOUDFLARE_API_URL (environment only) may
// point at a loopback test server but at no other host than
// api.cloudflare.com.
func TestZoneTokenOnlyToCloudflare(t *testing.T) {
	for _, api := range []string{"https://api.cloudflare.com.evil.example/client/v4", "https://evil.example", "http://api.cloudflare.com/client/v4"} {
		z := &Zone{API: api, ZoneID: "z", Token: "tok-secret", Client: &http.Client{Transport: noNetwork{t}}, Retry: Retry{Sleep: noSleep}}
		if err := z.Purge(context.Background(), []string{"site"}, false); err == nil {
			t.Errorf("zone purge with API %q: no error", api)
		}
	}
}

// TestPurgeDoesNotFollowRedirects: a purge answered with a redirect
// (to another host, or to the same host over http) fails at once, and the
// redirect's target never sees a request, let alone the secret.
func TestPurgeDoesNotFollowRedirects(t *testing.T) {
	var reached []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = append(reached, r.Header.Get("Authorization"))
	}))
	defer target.Close()
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		calls := 0
		origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls++
			http.Redirect(w, r, target.URL+"/steal", code)
		}))
		w := &Worker{URL: origin.URL, Secret: "s3cret-value", Retry: Retry{Sleep: noSleep}}
		err := w.Purge(context.Background(), []string{"site"}, false)
		origin.Close()
		if err == nil || !strings.Contains(err.Error(), "do not follow redirects") {
			t.Errorf("%d: Purge = %v, want a redirect error", code, err)
		}
		if calls != 1 {
			t.Errorf("%d: %d requests to the origin, want 1 (no retry)", code, calls)
		}
		x := &XKey{URL: origin.URL, Retry: Retry{Sleep: noSleep}}
		_ = x.Purge(context.Background(), []string{"site"}, false)
	}
	if len(reached) > 0 {
		t.Errorf("the redirect target got %d requests (Authorization %q)", len(reached), reached)
	}
}

// TestSecretNeverInErrors: a server that echoes the request (headers
// included) in its error body does not put the secret into axctl's output.
func TestSecretNeverInErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "bad token: "+r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	w := &Worker{URL: srv.URL, Secret: "s3cret-value", Retry: Retry{Sleep: noSleep}}
	err := w.Purge(context.Background(), []string{"site"}, false)
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), "s3cret-value") {
		t.Errorf("error shows the secret: %v", err)
	}
}
