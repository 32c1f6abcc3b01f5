package soak

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// workerdPipelineTimeout is how long workerd's HTTP server (KJ's
// HttpServerSettings.pipelineTimeout) waits for the next request on a
// keep-alive connection once a response is done.
const workerdPipelineTimeout = 5 * time.Second

// TestWorkerdClosesKeepAliveAfterStall pins the runtime behaviour behind
// finding 6 (docs/reliability.md), on bare workerd with a three-line
// Worker: when the event loop is blocked for longer than the keep-alive
// timeout, a connection whose next request arrived during the block is
// closed without an answer (wrk counts a "read" error); a shorter block
// loses nothing. The load campaign tolerates read errors only in runs
// whose slowest request took that long; if workerd stops doing this, this
// test fails and that allowance must go.
func TestWorkerdClosesKeepAliveAfterStall(t *testing.T) {
	parallel(t)
	root := repoRoot(t)
	requireTools(t, root)
	port := freePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	wd := start(t, "workerd", filepath.Join(root, "soak", "testdata", "stall"),
		filepath.Join(root, "worker", "node_modules", ".bin", "workerd"), "serve", "-s", "http="+addr, "workerd.capnp")
	wd.WaitHTTP(t, "http://"+addr+"/", 30*time.Second)

	for _, tc := range []struct {
		block    time.Duration
		answered bool
	}{{workerdPipelineTimeout - time.Second, true}, {workerdPipelineTimeout + time.Second, false}} {
		a, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		ra := bufio.NewReader(a)
		if st := roundTrip(t, a, ra, "/"); st != 200 {
			t.Fatalf("first request: status %d", st)
		}
		b, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(b, "GET /busy?ms=%d HTTP/1.1\r\nHost: x\r\n\r\n", tc.block.Milliseconds())
		time.Sleep(300 * time.Millisecond) // the loop is blocked now
		_ = a.SetDeadline(time.Now().Add(tc.block + 10*time.Second))
		st := roundTrip(t, a, ra, "/")
		if got := st == 200; got != tc.answered {
			t.Errorf("event loop blocked %s: request sent 0.3 s after the previous answer: answered %v (status %d), want %v",
				tc.block, got, st, tc.answered)
		}
		if st := roundTrip(t, b, bufio.NewReader(b), ""); st != 200 {
			t.Errorf("/busy: status %d", st)
		}
		a.Close()
		b.Close()
	}
}

// roundTrip writes GET path on c (none when path is "") and reads one
// response: its status, or 0 when the connection closed first.
func roundTrip(t *testing.T, c net.Conn, r *bufio.Reader, path string) int {
	t.Helper()
	if path != "" {
		if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path); err != nil {
			return 0
		}
	}
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
