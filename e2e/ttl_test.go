package e2e

import (
	"strconv"
	"strings"
	"testing"
)

// ttlOf reads X-Cache-TTL (the seconds Varnish has left on the object).
func ttlOf(t testing.TB, r result) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(r.Header.Get("X-Cache-TTL"), 64)
	if err != nil {
		t.Fatalf("X-Cache-TTL %q: %v", r.Header.Get("X-Cache-TTL"), err)
	}
	return v
}

// testTTL checks the policy table's lifetimes as Varnish applies them:
// fetched twice, a cacheable response is a HIT the second time with the
// table's TTL left on it.
func (s *site) testTTL(t *testing.T) {
	cases := []struct {
		name, path string
		status     int
		cc         string  // Cache-Control the Worker sends
		min, max   float64 // X-Cache-TTL on the second (HIT) answer
	}{
		{"404", "/ttl-check-no-such-page", 404, "public, max-age=60", 55, 60},
		{"404 in a collection", "/notes/ttl-check-missing", 404, "public, max-age=60", 55, 60},
		// Respellings of the request: kept as briefly as a 404 (docs/caching.md, "Bypass and query strings").
		{"301 unknown query", "/notes/hello?ttl=check", 301, "public, max-age=60", 55, 60},
		{"301 no slash", "/guides?page=93", 301, "public, max-age=60", 55, 60},
		{"200 page", "/guides/setup/install", 200, "public, max-age=60, s-maxage=86400", 86300, 86400},
	}
	assets := seeds(t, s.bucket)
	for _, p := range assets {
		if strings.HasPrefix(p, "/assets/") {
			cases = append(cases, struct {
				name, path string
				status     int
				cc         string
				min, max   float64
			}{"asset", p, 200, "public, max-age=31536000, immutable", 31535900, 31536000})
			break
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			first := s.through(t, c.path)
			second := s.through(t, c.path)
			if first.Status != c.status || second.Status != c.status {
				t.Fatalf("%s → %d, %d; want %d", c.path, first.Status, second.Status, c.status)
			}
			if got := first.Header.Get("Cache-Control"); got != c.cc {
				t.Errorf("Cache-Control %q, want %q", got, c.cc)
			}
			if second.Header.Get("X-Cache") != "HIT" {
				t.Fatalf("second GET %s: X-Cache %q, want HIT", c.path, second.Header.Get("X-Cache"))
			}
			if second.Header.Get("Age") == "" {
				t.Errorf("a HIT without Age")
			}
			if ttl := ttlOf(t, second); ttl < c.min || ttl > c.max {
				t.Errorf("TTL left %.1f s, want %.0f–%.0f", ttl, c.min, c.max)
			}
			if second.Header.Get("Cache-Tag") != "" || second.Header.Get("xkey") != "" {
				t.Errorf("Cache-Tag/xkey reached the client: %q %q", second.Header.Get("Cache-Tag"), second.Header.Get("xkey"))
			}
			t.Logf("%s %s: %d, Cache-Control %q, Varnish TTL %s s, Age %s", c.name, c.path, c.status, c.cc, second.Header.Get("X-Cache-TTL"), second.Header.Get("Age"))
		})
	}
}

// testErrors puts a second Varnish in front of the Worker with a broken R2
// binding (e2e/testdata/origin.mjs): 5xx, 302 and 307 must reach the origin
// every time.
func (s *site) testErrors(t *testing.T, faultPort int) {
	cache := startVarnish(t, s.root, faultPort)
	origin := "http://127.0.0.1:" + strconv.Itoa(faultPort)
	runs := func() int {
		r := get(t, s.client, origin, "/__internal/version")
		i := strings.Index(r.Body, `"runs":`)
		if i < 0 {
			t.Fatalf("/__internal/version: %s", r.Body)
		}
		n, _ := strconv.Atoi(strings.TrimRight(strings.SplitN(r.Body[i+7:], ",", 2)[0], "}\n "))
		return n
	}
	for _, p := range []string{"/", "/notes/hello", "/feed.xml"} {
		before := runs()
		for i := range 2 {
			r := get(t, s.client, cache.URL, p)
			if r.Status != 503 || r.Header.Get("X-Cache") != "MISS" {
				t.Errorf("R2 down, GET #%d %s → %d X-Cache %q, want 503 MISS", i+1, p, r.Status, r.Header.Get("X-Cache"))
			}
			if cc := r.Header.Get("Cache-Control"); cc != "private, no-store" {
				t.Errorf("R2 down, %s: Cache-Control %q", p, cc)
			}
		}
		n := runs() - before - 1
		if n != 2 {
			t.Errorf("R2 down, two GETs of %s through Varnish ran the Worker %d times, want 2", p, n)
		}
		t.Logf("R2 down: two GETs of %s through Varnish → 503 private, no-store, both MISS, Worker ran %d times", p, n)
	}
	// Statuses no content route produces, and 5xx that claim to be
	// cacheable (the VCL's own floor), counted by the probe route.
	for _, p := range []string{"/__e2e/status/302", "/__e2e/status/307", "/__e2e/status/500", "/__e2e/raw/500", "/__e2e/raw/502", "/__e2e/raw/503"} {
		var seen []string
		for range 2 {
			r := get(t, s.client, cache.URL, p)
			seen = append(seen, r.Header.Get("X-Probe-Runs"))
			if r.Header.Get("X-Cache") != "MISS" {
				t.Errorf("%s: X-Cache %q, want MISS", p, r.Header.Get("X-Cache"))
			}
		}
		if seen[0] == "" || seen[0] == seen[1] {
			t.Errorf("%s: the second GET did not reach the origin (X-Probe-Runs %v)", p, seen)
		}
		t.Logf("%s twice through Varnish: both MISS, both reached the origin (probe counter %v)", p, seen)
	}
	// A 308 from the policy is kept a day.
	get(t, s.client, cache.URL, "/__e2e/status/308")
	r := get(t, s.client, cache.URL, "/__e2e/status/308")
	if r.Header.Get("X-Cache") != "HIT" || ttlOf(t, r) < 86300 {
		t.Errorf("308: X-Cache %q TTL %s, want a HIT kept ~86400 s", r.Header.Get("X-Cache"), r.Header.Get("X-Cache-TTL"))
	}
	t.Logf("308: Cache-Control %q, second GET %s with %s s left", r.Header.Get("Cache-Control"), r.Header.Get("X-Cache"), r.Header.Get("X-Cache-TTL"))
}
