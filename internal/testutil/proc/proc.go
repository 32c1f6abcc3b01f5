// Package proc runs the helper processes of end-to-end tests (the Worker in
// workerd, Varnish, axctl itself): each in its own process group, so that
// stopping it also stops what it started, with its output kept for failure
// messages.
package proc

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Proc is a child process in its own process group.
type Proc struct {
	Name string
	Cmd  *exec.Cmd
	Out  *Buffer       // stdout and stderr, interleaved
	Done chan struct{} // closed when the process has exited
	Err  error         // Wait's result, once Done is closed
}

// Buffer is a concurrency-safe output buffer that keeps at most about the
// last megabyte.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		b.buf.Reset()
	}
	return b.buf.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Start runs args in dir with env added to the environment, in a new
// process group that dies with the test binary; Stop is registered with
// t.Cleanup.
func Start(t testing.TB, name, dir string, env []string, args ...string) *Proc {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out := &Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &Proc{Name: name, Cmd: cmd, Out: out, Done: make(chan struct{})}
	go func() { p.Err = cmd.Wait(); close(p.Done) }()
	t.Cleanup(p.Stop)
	return p
}

// Stop sends SIGTERM to the process group, SIGKILL after 10 s, and then
// SIGKILL again for children that outlived the leader (workerd).
func (p *Proc) Stop() {
	pgid := p.Cmd.Process.Pid
	select {
	case <-p.Done:
	default:
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-p.Done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-p.Done
		}
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// WaitHTTP polls url until it answers with any HTTP status; it fails the
// test if the process exits first or timeout passes.
func (p *Proc) WaitHTTP(t testing.TB, url string, timeout time.Duration) {
	t.Helper()
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-p.Done:
			t.Fatalf("%s exited before answering (%v):\n%s", p.Name, p.Err, p.Out)
		default:
		}
		resp, err := c.Get(url)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer %s within %s: %v\n%s", p.Name, url, timeout, err, p.Out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	port, err := Port()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// Port returns a TCP port on 127.0.0.1 that was free a moment ago: the one
// helper for test servers, MinIO (internal/testutil/minio) and the benchmark.
func Port() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
