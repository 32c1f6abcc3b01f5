package purge

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The real Cloudflare API and Workers Cache cannot be reached from here:
// these tests stand up local servers that check each request's shape and
// authentication the way the documented APIs do.

type recorder struct {
	mu    sync.Mutex
	calls []call
	reply func(n int, w http.ResponseWriter)
}

type call struct {
	Method, Path, Auth, XKey string
	Body                     map[string]any
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	c := call{Method: req.Method, Path: req.URL.Path, Auth: req.Header.Get("Authorization"), XKey: req.Header.Get("xkey-purge")}
	_ = json.Unmarshal(b, &c.Body)
	r.mu.Lock()
	r.calls = append(r.calls, c)
	n := len(r.calls)
	r.mu.Unlock()
	if r.reply != nil {
		r.reply(n, w)
		return
	}
	_, _ = io.WriteString(w, `{"success":true,"errors":[]}`)
}

func noSleep(context.Context, time.Duration) error { return nil }

func tags(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "t:tag-" + strings.Repeat("x", i%3) + string(rune('a'+i%26))
	}
	return out
}

func TestZoneBatchesAndAuth(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	z := &Zone{API: srv.URL, ZoneID: "zone123", Token: "tok-secret", Retry: Retry{Sleep: noSleep}}
	if err := z.Purge(context.Background(), tags(250), false); err != nil {
		t.Fatal(err)
	}
	if len(rec.calls) != 3 {
		t.Fatalf("calls = %d, want 3 batches (100+100+50)", len(rec.calls))
	}
	for i, c := range rec.calls {
		if c.Method != http.MethodPost || c.Path != "/zones/zone123/purge_cache" || c.Auth != "Bearer tok-secret" {
			t.Errorf("call %d = %+v", i, c)
		}
		got := len(c.Body["tags"].([]any))
		if want := []int{100, 100, 50}[i]; got != want {
			t.Errorf("call %d carries %d tags, want %d", i, got, want)
		}
	}
}

func TestZoneEverything(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	z := &Zone{API: srv.URL, ZoneID: "z", Token: "t"}
	if err := z.Purge(context.Background(), nil, true); err != nil {
		t.Fatal(err)
	}
	if len(rec.calls) != 1 || rec.calls[0].Body["purge_everything"] != true {
		t.Fatalf("calls = %+v", rec.calls)
	}
}

func TestZoneRetriesRateLimit(t *testing.T) {
	rec := &recorder{reply: func(n int, w http.ResponseWriter) {
		if n <= 2 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = io.WriteString(w, `{"success":true}`)
	}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	var waits []time.Duration
	z := &Zone{API: srv.URL, ZoneID: "z", Token: "t", Retry: Retry{Sleep: func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}}}
	if err := z.Purge(context.Background(), []string{"site"}, false); err != nil {
		t.Fatal(err)
	}
	if len(rec.calls) != 3 || len(waits) != 2 || waits[0] != 7*time.Second {
		t.Fatalf("calls %d waits %v", len(rec.calls), waits)
	}
}

func TestZoneGivesUpAndReportsAPIErrors(t *testing.T) {
	rec := &recorder{reply: func(n int, w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) }}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	z := &Zone{API: srv.URL, ZoneID: "z", Token: "secret-token", Retry: Retry{Attempts: 3, Sleep: noSleep}}
	err := z.Purge(context.Background(), []string{"site"}, false)
	if err == nil || len(rec.calls) != 3 {
		t.Fatalf("err %v after %d calls", err, len(rec.calls))
	}
	if strings.Contains(err.Error(), "secret-token") {
		t.Fatal("error message leaks the token")
	}
	rec2 := &recorder{reply: func(_ int, w http.ResponseWriter) {
		_, _ = io.WriteString(w, `{"success":false,"errors":[{"message":"bad tag"}]}`)
	}}
	srv2 := httptest.NewServer(rec2)
	defer srv2.Close()
	z.API = srv2.URL
	if err := z.Purge(context.Background(), []string{"site"}, false); err == nil || !strings.Contains(err.Error(), "bad tag") {
		t.Fatalf("err = %v", err)
	}
}

func TestWorkerRoute(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	w := &Worker{URL: srv.URL + "/", Secret: "s3cret"}
	if err := w.Purge(context.Background(), []string{"site", "e:blog/x"}, false); err != nil {
		t.Fatal(err)
	}
	c := rec.calls[0]
	if c.Path != "/__internal/purge" || c.Auth != "Bearer s3cret" || len(c.Body["tags"].([]any)) != 2 {
		t.Fatalf("call = %+v", c)
	}
	rec.reply = func(_ int, w http.ResponseWriter) { w.WriteHeader(http.StatusForbidden) }
	if err := w.Purge(context.Background(), []string{"site"}, false); err == nil {
		t.Fatal("403 must be an error")
	}
	if err := (&Worker{URL: srv.URL}).Purge(context.Background(), []string{"x"}, false); err == nil {
		t.Fatal("missing secret must be an error")
	}
}

func TestXKey(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	x := &XKey{URL: srv.URL}
	if err := x.Purge(context.Background(), []string{"c:blog", "t:go"}, false); err != nil {
		t.Fatal(err)
	}
	if c := rec.calls[0]; c.Method != "PURGE" || c.XKey != "c:blog t:go" {
		t.Fatalf("call = %+v", c)
	}
}
