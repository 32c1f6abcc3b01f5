package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// sandboxCSP is the CSP of every answer that is not one of the Worker's HTML
// pages (docs/caching.md, "Security headers"), the cache's own included.
const sandboxCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox"

// rawDo sends one request to addr (host:port) with the method, target and
// Host exactly as given, bytes that Go's client would refuse or escape
// included, and reads the answer.
func rawDo(t *testing.T, addr, method, target, host string) result {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(conn, method+" "+target+" HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %q: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return result{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// sandboxed fails unless r carries the sandbox CSP and nosniff.
func sandboxed(t *testing.T, what string, r result) {
	t.Helper()
	if got := r.Header.Get("Content-Security-Policy"); got != sandboxCSP {
		t.Errorf("%s: %d with Content-Security-Policy %q, want the sandbox CSP", what, r.Status, got)
	}
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: %d with X-Content-Type-Options %q", what, r.Status, got)
	}
}

// testReader sends, through Varnish, what an anonymous reader can send and
// the Worker alone cannot answer right, because workerd rewrites it first or
// answers it itself (docs/security.md, "The reader"): each must be one cache
// object per page, and every answer of the cache's own must carry the
// Worker's security headers.
func (s *site) testReader(t *testing.T) {
	addr := strings.TrimPrefix(s.cache.URL, "http://")
	const host = "fixture.example"
	for _, p := range []string{"/tags/caf%C3%A9", "/notes/hello", "/search?q=hello", "/static/site.css"} {
		if r := rawDo(t, addr, "GET", p, host); r.Status != 200 {
			t.Fatalf("GET %s: %d", p, r.Status)
		}
	}

	t.Run("rewritten-targets", func(t *testing.T) {
		// Targets workerd turns into a canonical URL (bytes percent-encoded,
		// the fragment dropped) or that it would reject: never a second
		// cached copy, always the sandbox headers.
		for _, target := range []string{
			"/tags/caf\xc3\xa9", "/tags/CAF\xc3\xa9", "/tags/caf\xc3\xa9?", "/notes/\xef\xbd\x88ello", "/notes/hello\x80",
			"/notes/hello#x", "/notes/hello#", "/notes/#/../hello", "/#", "/notes/?page=2#x", "/search?q=hello#frag",
			"/search?q=caf\xc3\xa9", "/search?q=\xe6\x97\xa5\xe6\x9c\xac", "/search?q=hello\xff",
			"/tags/\"x\"", "/tags/<x>", "/tags/`x`", "/tags/{x}", "/tags/x^y", "/notes/hello\"",
			"/notes/./hello", "/x/%2e%2e/notes/hello", "/notes\\hello", "/\\evil.example", "/.//evil.example",
		} {
			for try := 1; try <= 2; try++ {
				r := rawDo(t, addr, "GET", target, host)
				if r.Status != 404 && r.Status != 400 {
					t.Errorf("GET %q (try %d): %d %s, want 404", target, try, r.Status, r.Header.Get("X-Cache"))
				}
				sandboxed(t, "GET "+target, r)
				if !noStore.MatchString(r.Header.Get("Cache-Control")) {
					t.Errorf("GET %q: Cache-Control %q, want no-store", target, r.Header.Get("Cache-Control"))
				}
				if strings.Contains(r.Body, "<") {
					t.Errorf("GET %q: an HTML body %q", target, r.Body)
				}
			}
		}
	})

	t.Run("host-does-not-split-the-cache", func(t *testing.T) {
		// The Worker's answers do not depend on Host: one object, whatever name a client makes up.
		for _, h := range []string{"a.example", "EVIL.EXAMPLE", "fixture.example:80", "x" + strings.Repeat("y", 200) + ".example", "127.0.0.1"} {
			for _, p := range []string{"/notes/hello", "/static/site.css"} {
				if r := rawDo(t, addr, "GET", p, h); r.Status != 200 || r.Header.Get("X-Cache") != "HIT" {
					t.Errorf("GET %s, Host %q: %d X-Cache %s, want the one cached copy (HIT)", p, h, r.Status, r.Header.Get("X-Cache"))
				}
			}
		}
		if r := rawDo(t, addr, "GET", "http://evil.example/notes/hello", host); r.Header.Get("X-Cache") != "HIT" {
			t.Errorf("absolute-form target: %d X-Cache %s, want HIT", r.Status, r.Header.Get("X-Cache"))
		}
	})

	t.Run("bad-host", func(t *testing.T) {
		// workerd builds request.url from Host: these got its bare 500. Now
		// the cache's 400, sandboxed, and the page's one object is untouched.
		for _, h := range []string{"a/b", "a/notes", "a?b", "a#b", "a@b", "a:99999", "a b", "a\\b", "%2F", "a:80/x", "x/..", "a;b", ""} {
			r := rawDo(t, addr, "GET", "/notes/hello", h)
			if r.Status != 400 {
				t.Errorf("Host %q: %d, want 400", h, r.Status)
			}
			sandboxed(t, fmt.Sprintf("Host %q", h), r)
			if r := rawDo(t, addr, "GET", "/notes/hello", host); r.Status != 200 || r.Header.Get("X-Cache") != "HIT" {
				t.Errorf("after Host %q: %d X-Cache %s, want the cached 200", h, r.Status, r.Header.Get("X-Cache"))
			}
		}
	})

	t.Run("static-query", func(t *testing.T) {
		// Static files ignore the query: one object, not one per ?v=.
		for _, q := range []string{"?v=1", "?v=2", "?", "?utm_source=x&x=" + strings.Repeat("z", 500)} {
			if r := rawDo(t, addr, "GET", "/static/site.css"+q, host); r.Status != 200 || r.Header.Get("X-Cache") != "HIT" {
				t.Errorf("GET /static/site.css%s: %d X-Cache %s, want HIT", q, r.Status, r.Header.Get("X-Cache"))
			}
		}
	})

	t.Run("static-redirects", func(t *testing.T) {
		// The assets layer's 307 for another spelling of a static file carries
		// _headers' day-long Cache-Control: never stored, one object per
		// spelling otherwise.
		for _, p := range []string{"/static//site.css", "/static///site.css", "/static/%73ite.css", "/static/%73%69te.css"} {
			for try := 1; try <= 2; try++ {
				r := rawDo(t, addr, "GET", p, host)
				if r.Status < 300 || r.Status > 399 || r.Header.Get("Location") != "/static/site.css" || r.Header.Get("X-Cache") == "HIT" || !noStore.MatchString(r.Header.Get("Cache-Control")) {
					t.Errorf("GET %s (try %d): %d Location %q X-Cache %s Cache-Control %q, want a redirect to /static/site.css never stored",
						p, try, r.Status, r.Header.Get("Location"), r.Header.Get("X-Cache"), r.Header.Get("Cache-Control"))
				}
			}
		}
	})

	t.Run("methods", func(t *testing.T) {
		for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BAN", "FOO", "get", "Get", "PROPFIND", "MKCOL"} {
			for _, p := range []string{"/notes/hello", "/nope", "/static/site.css"} {
				r := rawDo(t, addr, m, p, host)
				if r.Status != 405 || r.Header.Get("Allow") != "GET, HEAD" {
					t.Errorf("%s %s: %d Allow %q, want 405 GET, HEAD", m, p, r.Status, r.Header.Get("Allow"))
				}
				sandboxed(t, m+" "+p, r)
			}
		}
		// Targets that are not a path: workerd's bare 500 before; now the cache's 400.
		for _, mt := range [][2]string{{"OPTIONS", "*"}, {"GET", "*"}, {"GET", "fixture.example:443"}} {
			r := rawDo(t, addr, mt[0], mt[1], host)
			if r.Status != 400 {
				t.Errorf("%s %s: %d, want 400", mt[0], mt[1], r.Status)
			}
			sandboxed(t, mt[0]+" "+mt[1], r)
		}
		// The cache's own PURGE answers (this client is a purger: it lacks the header).
		r := rawDo(t, addr, "PURGE", "/notes/hello", host)
		if r.Status != 400 {
			t.Errorf("PURGE without xkey-purge: %d, want 400", r.Status)
		}
		sandboxed(t, "PURGE", r)
	})

	t.Run("backend-down", func(t *testing.T) {
		// A cache whose origin does not answer: its own 503, sandboxed, never stored.
		down := startVarnish(t, s.root, freePort(t))
		for try := 1; try <= 2; try++ {
			r := rawDo(t, strings.TrimPrefix(down.URL, "http://"), "GET", "/notes/hello", host)
			if r.Status != 503 || !noStore.MatchString(r.Header.Get("Cache-Control")) || strings.Contains(r.Body, "<") {
				t.Errorf("origin down (try %d): %d Cache-Control %q body %q, want a plain 503 no-store", try, r.Status, r.Header.Get("Cache-Control"), r.Body)
			}
			sandboxed(t, "origin down", r)
		}
	})
}
