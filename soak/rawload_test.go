package soak

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// rawLoad is the closed-loop client the load test aims straight at the
// Worker: conns keep-alive HTTP/1.1 connections on raw sockets, each
// GETting paths round robin for dur. It hides nothing: every request is
// answered completely with a status below 500, or counted.
//
// One case is an HTTP rule rather than a failure: a server may close an
// idle keep-alive connection at any time, and a client whose request on a
// reused connection got no byte of answer before the close may send it
// again on a new one (RFC 9112 §9.3.1 — browsers, Go's net/http and
// Varnish's backend fetches do). Local workerd does exactly that under
// saturation (finding 6 in docs/reliability.md), which wrk counts as a
// read error. rawLoad retries such a request once on a new connection and
// counts it in Retried; the retry must be answered, and its latency runs
// from the first send. Anything else — no answer on a fresh connection, a
// close or reset after part of an answer, a refused parse, a timeout —
// is an error.
func rawLoad(addr string, paths []string, dur time.Duration, conns int) loadResult {
	deadline := time.Now().Add(dur)
	began := time.Now()
	var mu sync.Mutex
	var lat []time.Duration
	r := loadResult{Tool: "raw HTTP/1.1 client"}
	var kinds []string
	var wg sync.WaitGroup
	for g := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var c *rawConn
			defer func() {
				if c != nil {
					c.Close()
				}
			}()
			var mine []time.Duration
			var e5, errs, retried int
			var why []string
			fail := func(format string, a ...any) {
				errs++
				if len(why) < 5 {
					why = append(why, fmt.Sprintf(format, a...))
				}
			}
			// Connections start spread over the paths (as wrk's random
			// start per thread does), not on neighbouring ones.
			for i := g * len(paths) / conns; time.Now().Before(deadline); i++ {
				p := paths[i%len(paths)]
				t0 := time.Now()
				if c == nil {
					var err error
					if c, err = dialRaw(addr); err != nil {
						fail("dial: %v", err)
						time.Sleep(50 * time.Millisecond)
						continue
					}
				}
				status, unanswered, err := c.get(p)
				if err != nil && unanswered && c.served > 0 {
					// The server closed this reused connection before
					// answering: retry once on a new one.
					retried++
					if err = c.reopen(); err != nil {
						c = nil
						fail("%s: redial after a keep-alive close: %v", p, err)
						continue
					}
					status, _, err = c.get(p)
				}
				if err != nil {
					fail("%s: %v", p, err)
					c.Close()
					c = nil
					continue
				}
				mine = append(mine, time.Since(t0))
				if status >= 500 {
					e5++
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			r.Status5xx += e5
			r.Errors += errs
			r.Retried += retried
			kinds = append(kinds, why...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	r.Requests = len(lat)
	r.RPS = float64(len(lat)) / time.Since(began).Seconds()
	if len(lat) > 0 {
		r.P50 = lat[len(lat)/2]
		r.P99 = lat[len(lat)*99/100]
		r.Max = lat[len(lat)-1]
	}
	if len(kinds) > 0 {
		r.ErrorKinds = strings.Join(kinds[:min(len(kinds), 10)], "; ")
	}
	return r
}

// rawConn is one keep-alive connection and how many answers it gave.
type rawConn struct {
	net.Conn
	in     *bufio.Reader
	n      *countingReader
	addr   string
	served int
}

func dialRaw(addr string) (*rawConn, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	n := &countingReader{r: c}
	return &rawConn{Conn: c, in: bufio.NewReader(n), n: n, addr: addr}, nil
}

// get sends one GET and reads the whole answer. unanswered reports that
// the connection ended (EOF or reset) before any byte of the answer.
func (c *rawConn) get(path string) (status int, unanswered bool, err error) {
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	before := c.n.n
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, c.addr); err != nil {
		return 0, closedBeforeAnswer(err), fmt.Errorf("write: %w", err)
	}
	resp, err := http.ReadResponse(c.in, nil)
	if err != nil {
		return 0, c.n.n == before && closedBeforeAnswer(err), fmt.Errorf("no answer (%d bytes of it): %w", c.n.n-before, err)
	}
	got, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, false, fmt.Errorf("status %d, body cut after %d bytes: %w", resp.StatusCode, got, err)
	}
	if resp.ContentLength >= 0 && got != resp.ContentLength {
		return 0, false, fmt.Errorf("status %d, %d body bytes of %d", resp.StatusCode, got, resp.ContentLength)
	}
	c.served++
	if resp.Close {
		if err := c.reopen(); err != nil {
			return resp.StatusCode, false, fmt.Errorf("redial after Connection: close: %w", err)
		}
	}
	return resp.StatusCode, false, nil
}

// reopen closes the connection and dials a new one in its place.
func (c *rawConn) reopen() error {
	c.Close()
	d, err := dialRaw(c.addr)
	if err != nil {
		return err
	}
	*c = *d
	return nil
}

// closedBeforeAnswer tells a peer's close or reset from other failures
// (timeouts, refused parses).
func closedBeforeAnswer(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
