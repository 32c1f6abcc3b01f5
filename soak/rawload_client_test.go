package soak

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// serveRaw answers on a local socket with answer(conn, n, req) for the nth
// request (from 0) of each connection; answer returns false to drop the
// connection.
func serveRaw(t *testing.T, answer func(c net.Conn, n int, req *http.Request) bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				in := bufio.NewReader(c)
				for n := 0; ; n++ {
					req, err := http.ReadRequest(in)
					if err != nil || !answer(c, n, req) {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func ok(c net.Conn, body string) bool {
	_, err := fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	return err == nil
}

// A reused connection closed (FIN, or RST as workerd's closes sometimes
// arrive) before any byte of the answer is resent on a new one and
// counted, not an error (finding 6).
func TestRawLoadRetriesKeepAliveCloses(t *testing.T) {
	for _, reset := range []bool{false, true} {
		t.Run(fmt.Sprintf("reset=%v", reset), func(t *testing.T) {
			addr := serveRaw(t, func(c net.Conn, n int, req *http.Request) bool {
				if n == 3 {
					// The fourth request on every connection: dropped unanswered.
					if reset {
						_ = c.(*net.TCPConn).SetLinger(0)
					}
					return false
				}
				return ok(c, "page "+req.URL.Path)
			})
			r := rawLoad(addr, []string{"/a", "/b"}, 300*time.Millisecond, 2)
			if r.Errors != 0 || r.Status5xx != 0 {
				t.Fatalf("%s (%s)", r, r.ErrorKinds)
			}
			// Each connection answers three requests; the fourth is resent on
			// a new one and answered there as its first.
			if r.Retried == 0 || r.Requests-3*r.Retried > 6 || 3*r.Retried-r.Requests > 6 {
				t.Fatalf("want one resend per 3 answers: %s", r)
			}
		})
	}
}

// Closing a fresh connection unanswered is an error, and so is closing a
// reused one after part of the answer (nothing to resend); 5xx are counted.
func TestRawLoadCountsWhatIsNotAnHTTPRule(t *testing.T) {
	for name, tc := range map[string]struct {
		answer         func(c net.Conn, n int, req *http.Request) bool
		errors, fivexx bool
		kind           string
	}{
		"fresh connection closed":      {answer: func(net.Conn, int, *http.Request) bool { return false }, errors: true, kind: "no answer (0 bytes of it)"},
		"body cut short":               {answer: secondCut("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b"), errors: true, kind: "body cut after 10 bytes"},
		"closed after the status line": {answer: secondCut("HTTP/1.1 200 OK\r\n"), errors: true, kind: "no answer (17 bytes of it)"},
		"503": {answer: func(c net.Conn, _ int, _ *http.Request) bool {
			_, err := fmt.Fprint(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
			return err == nil
		}, fivexx: true},
	} {
		t.Run(name, func(t *testing.T) {
			r := rawLoad(serveRaw(t, tc.answer), []string{"/a"}, 200*time.Millisecond, 1)
			if (r.Errors > 0) != tc.errors || (r.Status5xx > 0) != tc.fivexx || r.Retried != 0 {
				t.Fatalf("%s, %d retried (%s)", r, r.Retried, r.ErrorKinds)
			}
			if !strings.Contains(r.ErrorKinds, tc.kind) {
				t.Fatalf("error kinds %q lack %q", r.ErrorKinds, tc.kind)
			}
		})
	}
}

// secondCut answers each connection's first request, then writes partial
// for the second and drops the connection.
func secondCut(partial string) func(net.Conn, int, *http.Request) bool {
	return func(c net.Conn, n int, _ *http.Request) bool {
		if n == 1 {
			fmt.Fprint(c, partial)
			return false
		}
		return ok(c, "fine")
	}
}
