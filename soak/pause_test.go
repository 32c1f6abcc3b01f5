package soak

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/testutil/minio"
	"github.com/axctl/axctl/internal/testutil/purgeoracle"
)

// pauser is a reverse proxy in front of MinIO for one axctl process: the
// first time a request matching its rule has been applied by MinIO, it
// stops the process (SIGSTOP) before handing it the answer, as a laptop
// lid, a suspended VM or a preempted CI runner would.
type pauser struct {
	match   func(*http.Request) bool
	mu      sync.Mutex
	pid     int
	stopped chan string // the request it stopped after
	done    bool
	after   []string // writes (not the lease's) that reached it after the stop
}

func (p *pauser) modify(resp *http.Response) error {
	r := resp.Request
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done || p.pid == 0 || resp.StatusCode/100 != 2 || !p.match(r) {
		return nil
	}
	p.done = true
	if err := syscall.Kill(p.pid, syscall.SIGSTOP); err != nil {
		return err
	}
	// Wait until every thread has stopped, before the answer is written.
	for t0 := time.Now(); !stopped(p.pid); time.Sleep(time.Millisecond) {
		if time.Since(t0) > 10*time.Second {
			return fmt.Errorf("pid %d did not stop", p.pid)
		}
	}
	p.stopped <- r.Method + " " + r.URL.Path
	return nil
}

func startPauser(t testing.TB, srv *minio.Server, match func(*http.Request) bool) (*pauser, string) {
	t.Helper()
	u, err := url.Parse(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	p := &pauser{match: match, stopped: make(chan string, 1)}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = p.modify
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		if p.done && r.Method != http.MethodGet && r.Method != http.MethodHead && !strings.HasSuffix(r.URL.Path, "/"+contract.LeaseKey) {
			p.after = append(p.after, r.Method+" "+r.URL.RequestURI())
		}
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	return p, "http://" + ln.Addr().String()
}

// TestLeaseHolderPaused: a sync holding the bucket's lease is stopped
// (SIGSTOP) for longer than the lease's TTL, at a seeded point of its
// writes: after its first entry body, or after its last manifest write
// (site.json) just before its deletes. Another checkout's sync waits,
// takes the lease over, and exits 0 with its tree. Then the first resumes.
// It holds no lease any more, so it must write nothing: the bucket must
// stay exactly the second tree (no body of the first tree under the
// second's records, no record of the second whose body the first deleted),
// and the proxy must see no write from it but its lease's (a failed
// conditional renewal). The proxy waits until every thread of the process
// is stopped before it hands over the answer. AXCTL_SEED replays the edits.
func TestLeaseHolderPaused(t *testing.T) {
	parallel(t)
	seed := purgeoracle.Seed(t)
	r := rand.New(rand.NewPCG(seed, 0x9a05e))
	rounds := pick(4, 12)
	n := pick(60, 400)
	base := genCorpus(t, n, 13)
	phases := []struct {
		name  string
		args  []string
		match func(*http.Request) bool
	}{
		// One upload at a time, so that bodies are still to send when it resumes.
		{"after its first entry body", []string{"--concurrency", "1"}, func(r *http.Request) bool {
			return r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/entries/")
		}},
		{"after site.json, before its deletes", nil, func(r *http.Request) bool {
			return r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/metadata/site.json")
		}},
	}
	var wrote int
	for round := range rounds {
		// Mostly before the deletes: there, on the code before the fence, a
		// resumed sync's deletes won the race with its renewal loop in about
		// half the rounds; queued bodies lost it nearly always.
		ph := phases[min(round%4, 1)]
		a, st := editTree(t, base, r.Uint64(), 0.2+0.3*r.Float64())
		b := checkout(t, base, fmt.Sprintf("b%d", round), 3)
		refB := reference(t, b)
		srv := minio.Start(t)
		storage := s3Store(t, srv)
		mustSync(t, base, srv.Target(""), s3Env(srv, srv.Endpoint))

		p, endpoint := startPauser(t, srv, ph.match)
		envA := append(s3Env(srv, endpoint), "AXCTL_LEASE_TTL=2s")
		cmdA, errA := axctlCmd(t, a, envA, append([]string{"sync", "--target", srv.Target("")}, ph.args...)...)
		if err := cmdA.Start(); err != nil {
			t.Fatal(err)
		}
		p.mu.Lock()
		p.pid = cmdA.Process.Pid
		p.mu.Unlock()
		exitedA := make(chan outcome, 1)
		go func() { exitedA <- finish(cmdA, errA, time.Now()) }()
		t.Cleanup(func() { // if the round ends early: never leave it stopped
			_ = syscall.Kill(cmdA.Process.Pid, syscall.SIGCONT)
			_ = cmdA.Process.Kill()
		})
		var at string
		select {
		case at = <-p.stopped:
		case o := <-exitedA:
			t.Fatalf("round %d: the first sync ended (exit %d) before the point to stop it %s:\n%s", round, o.Code, ph.name, tail(o.Stderr, 1500))
		}
		// The second waits for a lease unchanged for 3 s (its TTL; its own
		// renewals have 2 s, on a loaded machine).
		envB := append(s3Env(srv, srv.Endpoint), "AXCTL_LEASE_TTL=3s")
		ob := runAxctl(t, b, envB, "sync", "--wait", "60s", "--target", srv.Target(""))
		if ob.Code != 0 || !strings.Contains(ob.Stderr, "waiting for another sync") {
			_ = syscall.Kill(cmdA.Process.Pid, syscall.SIGCONT)
			t.Fatalf("round %d: the second sync: exit %d, want 0 after waiting for the stopped one:\n%s", round, ob.Code, tail(ob.Stderr, 1500))
		}
		if d := bucketDiff(snapshot(t, storage), refB); d != "" {
			t.Errorf("round %d: after the takeover the bucket is not the second tree: %s", round, d)
		}
		if err := syscall.Kill(cmdA.Process.Pid, syscall.SIGCONT); err != nil {
			t.Fatal(err)
		}
		oa := <-exitedA
		snap := snapshot(t, storage)
		recs, missing, err := named(snap)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		p.mu.Lock()
		after := slices.Clone(p.after)
		p.mu.Unlock()
		if d := bucketDiff(snap, refB); d != "" || len(after) > 0 {
			wrote++
			t.Errorf("round %d (stopped %s, at %s; edits %+v): the resumed sync, which no longer held the lease, sent %d write(s) %q and changed the bucket (exit %d): %d records, %d without a body; vs the second tree: %s\n%s",
				round, ph.name, at, st, len(after), after[:min(len(after), 5)], oa.Code, recs, missing, d, tail(oa.Stderr, 800))
		}
		t.Logf("round %d: first sync stopped %s (%s); second waited and synced in %s, exit %d; first resumed: %d writes, exit %d: %s", round, ph.name, at, ob.Elapsed.Round(time.Millisecond), ob.Code, len(after), oa.Code, lastLine(oa.Stderr))
	}
	report(t, row{
		Campaign: "lease holder paused (SIGSTOP past the TTL)",
		Runs:     rounds,
		Faults:   fmt.Sprintf("the lease holder stopped after its first entry body or after site.json, past a 2 s TTL, while another checkout's sync took over (%d-entry base, seed %d)", n, seed),
		Survived: fmt.Sprintf("%d/%d rounds: the resumed sync sent no write and the bucket stayed the second tree", rounds-wrote, rounds),
		Crashes:  wrote,
		Lost:     wrote,
	})
}

// stopped reports whether every thread of pid is stopped (state T).
func stopped(pid int) bool {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return false
	}
	for _, task := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/stat", pid, task.Name()))
		if err != nil {
			return false
		}
		i := bytes.LastIndexByte(b, ')')
		if i < 0 || i+2 >= len(b) || b[i+2] != 'T' {
			return false
		}
	}
	return true
}

// TestLeaseTTLsDiffer: a sync holding the lease with a long TTL (30 s: it
// renews every 10 s) is alive and writing, slowed by a proxy, while a
// second sync with a short TTL (2 s) waits for it. The second must wait for
// the first to finish, not take the lease over after its own 2 s: the
// first is no more gone than its own TTL says. Both must exit 0 and the
// bucket must be the second's tree, every record with its body.
func TestLeaseTTLsDiffer(t *testing.T) {
	parallel(t)
	n := pick(60, 400)
	base := genCorpus(t, n, 14)
	trees := [2]string{checkout(t, base, "a", 5), checkout(t, base, "b", 5)}
	refB := reference(t, trees[1])
	srv := minio.Start(t)
	storage := s3Store(t, srv)
	u, err := url.Parse(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	slow := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/entries/") {
			time.Sleep(40 * time.Millisecond) // an upload on a slow link
		}
		rp.ServeHTTP(w, r)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = slow.Serve(ln) }()
	t.Cleanup(func() { _ = slow.Close() })

	envA := append(s3Env(srv, "http://"+ln.Addr().String()), "AXCTL_LEASE_TTL=30s")
	a, ae := axctlCmd(t, trees[0], envA, "sync", "--concurrency", "1", "--target", srv.Target(""))
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Process.Kill() })
	exited := make(chan outcome, 1)
	go func() { exited <- finish(a, ae, time.Now()) }()
	for {
		if _, _, err := storage.Head(t.Context(), contract.LeaseKey); err == nil {
			break
		}
		select {
		case o := <-exited:
			t.Fatalf("the first sync ended (exit %d) before its lease was seen", o.Code)
		case <-time.After(2 * time.Millisecond):
		}
	}
	envB := append(s3Env(srv, srv.Endpoint), "AXCTL_LEASE_TTL=2s")
	ob := runAxctl(t, trees[1], envB, "sync", "--wait", "60s", "--target", srv.Target(""))
	oa := <-exited
	if oa.Code != 0 {
		t.Errorf("the first sync, alive and renewing its 30 s lease, exit %d (%.1f s):\n%s", oa.Code, oa.Elapsed.Seconds(), tail(oa.Stderr, 600))
	}
	if ob.Code != 0 {
		t.Errorf("the second sync: exit %d:\n%s", ob.Code, tail(ob.Stderr, 600))
	}
	snap := snapshot(t, storage)
	recs, missing, err := named(snap)
	if err != nil || missing > 0 {
		t.Errorf("manifests: %d records, %d without a body (%v)", recs, missing, err)
	}
	if d := bucketDiff(snap, refB); d != "" {
		t.Errorf("the bucket is not the second tree (which synced last): %s", d)
	}
	t.Logf("first sync (TTL 30 s) exit %d after %s; second (TTL 2 s) exit %d after %s", oa.Code, oa.Elapsed.Round(time.Millisecond), ob.Code, ob.Elapsed.Round(time.Millisecond))
}
