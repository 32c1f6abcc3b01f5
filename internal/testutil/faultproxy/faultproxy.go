// Package faultproxy is an HTTP proxy for reliability tests: it forwards
// requests to a server (MinIO) and, at a seeded rate, answers 503 SlowDown,
// resets the connection (before or after forwarding) or stalls.
//
// Point an S3 client's endpoint at Proxy.URL. The Host header is passed
// through unchanged, so SigV4 signatures stay valid.
package faultproxy

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Fault is one kind of injected failure.
type Fault int

const (
	// SlowDown answers 503 with S3's SlowDown error; nothing is forwarded.
	SlowDown Fault = iota
	// ResetBefore resets the TCP connection; nothing is forwarded.
	ResetBefore
	// ResetAfter forwards the request, then resets the connection instead
	// of answering: the server applied it, the client does not know.
	ResetAfter
	// Stall waits Config.StallFor, then forwards.
	Stall
	numFaults
)

func (f Fault) String() string {
	return [...]string{"SlowDown", "ResetBefore", "ResetAfter", "Stall"}[f]
}

// Config chooses what to inject.
type Config struct {
	Seed     uint64
	Rate     float64       // probability that a request gets a fault
	Faults   []Fault       // kinds to draw from; nil means SlowDown, ResetBefore, Stall
	StallFor time.Duration // 0 means 200ms
}

// Proxy is a running fault-injecting proxy.
type Proxy struct {
	URL string

	target *url.URL
	cfg    Config
	srv    *httptest.Server

	mu     sync.Mutex
	rng    *rand.Rand
	counts map[string]int // fault name or "ok" → requests
}

// Start runs a proxy to target (http://host:port) until the test ends.
func Start(t testing.TB, target string, cfg Config) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("faultproxy: target %q: %v", target, err)
	}
	if cfg.Faults == nil {
		cfg.Faults = []Fault{SlowDown, ResetBefore, Stall}
	}
	if cfg.StallFor == 0 {
		cfg.StallFor = 200 * time.Millisecond
	}
	p := &Proxy{target: u, cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)), counts: map[string]int{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.srv.URL
	t.Cleanup(p.srv.Close)
	return p
}

// Counts returns how many requests got each fault ("ok": none).
func (p *Proxy) Counts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return out
}

// SetRate changes the fault rate (e.g. to 0 to check the final state).
func (p *Proxy) SetRate(r float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg.Rate = r
}

func (p *Proxy) draw() (Fault, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rng.Float64() >= p.cfg.Rate {
		p.counts["ok"]++
		return 0, false
	}
	f := p.cfg.Faults[p.rng.IntN(len(p.cfg.Faults))]
	p.counts[f.String()]++
	return f, true
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	f, faulty := p.draw()
	if !faulty {
		p.forward(w, r)
		return
	}
	switch f {
	case SlowDown:
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`)
	case ResetBefore:
		reset(w)
	case ResetAfter:
		if resp, err := p.roundTrip(r); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		reset(w)
	case Stall:
		select {
		case <-time.After(p.cfg.StallFor):
			p.forward(w, r)
		case <-r.Context().Done():
		}
	}
}

func (p *Proxy) roundTrip(r *http.Request) (*http.Response, error) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Scheme = p.target.Scheme
	out.URL.Host = p.target.Host
	out.Host = r.Host // signed by the client
	return http.DefaultTransport.RoundTrip(out)
}

func (p *Proxy) forward(w http.ResponseWriter, r *http.Request) {
	resp, err := p.roundTrip(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// reset closes the client connection with a TCP RST.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
}
