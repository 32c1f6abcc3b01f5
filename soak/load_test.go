package soak

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// heapGrowthBound is how much the Worker isolate's live JS heap (after a
// full collection) may grow during the second half of the direct load that
// made n requests: 64 KiB plus 32 bytes a request. The warm-up requests
// every path first, so the memoised manifests are in place before the
// load: what grows after that is a leak. Measured: +2 KiB over 10,188
// requests (full) and +6 KiB over 740 (short); a Worker keeping 330 bytes
// a request grew 156 KiB over ~700 (short), which this bound catches.
// workerd's process RSS is reported, not bounded: it grows the same with a
// three-line Worker (finding 2, docs/reliability.md).
func heapGrowthBound(n int) int64 { return 64<<10 + 32*int64(n) }

// workerConns is the closed-loop concurrency straight at the Worker. Local
// workerd saturates two cores at ~340 req/s with 8 or 16 connections alike;
// 16 only doubled the queueing (fixture: p99 1.70 s against 0.63 s at the
// same 131 req/s).
const workerConns = 8

// maxResent bounds the requests rawLoad may resend after workerd closed a
// keep-alive connection unanswered (finding 6): two such events, each
// closing every connection, plus 1% of the requests. Observed: 0–16 per
// 4,700–19,000 requests.
func maxResent(requests int) int { return 2*workerConns + requests/100 }

// loadResult is one load run's figures.
type loadResult struct {
	Tool              string
	Requests          int
	RPS               float64
	P50, P99, Max     time.Duration
	Status5xx, Errors int
	ErrorKinds        string // wrk's "Socket errors:" breakdown, or rawLoad's first errors
	Retried           int    // rawLoad: requests resent after a keep-alive close (finding 6)
}

func (r loadResult) String() string {
	return fmt.Sprintf("%s: %d requests, %.0f req/s, p50 %s, p99 %s, max %s, %d 5xx, %d errors, %d resent after a keep-alive close",
		r.Tool, r.Requests, r.RPS, r.P50, r.P99, r.Max, r.Status5xx, r.Errors, r.Retried)
}

// TestWorkerUnderLoad drives the Worker (workerd, R2 seeded from a synced
// corpus) through Varnish with wrk when installed (make soak installs it),
// and directly with rawLoad (wrk counts workerd's keep-alive closes under
// saturation as errors, finding 6): zero 5xx, zero socket errors, p99
// reported, the Worker's live heap within heapGrowthBound. Then R2 fails mid-load: the Worker
// answers 503 no-store, Varnish stores none of it, and once R2 is back
// every page is 200 again through Varnish, without a restart.
func TestWorkerUnderLoad(t *testing.T) {
	parallel(t)
	root := repoRoot(t)
	requireTools(t, root)
	dur := pick(5*time.Second, 60*time.Second)
	dir := genCorpus(t, pick(150, 1000), 31)
	bucket := filepath.Join(t.TempDir(), "bucket")
	if o := runAxctl(t, dir, os.Environ(), "sync", "--quiet", "--target", "file://"+bucket); o.Code != 0 {
		t.Fatalf("sync: exit %d\n%s", o.Code, o.Stderr)
	}
	paths := sitePaths(t, bucket)
	pathFile := filepath.Join(t.TempDir(), "paths.txt")
	if err := os.WriteFile(pathFile, []byte(strings.Join(paths, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	wport, iport := freePort(t), freePort(t)
	worker := fmt.Sprintf("http://127.0.0.1:%d", wport)
	node := start(t, "serve-flaky.mjs", root, "node", "soak/testdata/serve-flaky.mjs", "--port", strconv.Itoa(wport),
		"--inspector-port", strconv.Itoa(iport), bucket)
	node.WaitHTTP(t, worker+"/__internal/version", 90*time.Second)
	cache := startVarnish(t, root, wport)
	workerd := descendant(node.Cmd.Process.Pid, "workerd")
	if workerd == 0 {
		t.Fatal("no workerd process under serve-flaky.mjs")
	}
	client := &http.Client{Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, base := range []string{worker, cache} {
		for _, p := range paths {
			if st, _, _ := fetch(client, base+p); st >= 500 {
				t.Fatalf("warm-up: %s%s answered %d", base, p, st)
			}
		}
	}
	rss := func() int64 { return procKB(workerd, "VmRSS:") << 10 }
	heap := func() int64 { return workerHeap(t, root, iport) }
	rss0, heap0 := rss(), heap()
	isolate0 := isolateStart(client, worker)
	results := map[string]loadResult{}
	var rssMid, heapMid int64
	for _, tgt := range []struct {
		name, url string
		dur       time.Duration
		conns     int
		wrk       bool
	}{{"varnish", cache, dur, 32, true}, {"worker", worker, dur / 2, workerConns, false}, {"worker (second half)", worker, dur / 2, workerConns, false}} {
		r := load(t, root, tgt.url, paths, pathFile, tgt.dur, tgt.conns, tgt.wrk)
		results[tgt.name] = r
		if r.Status5xx > 0 || r.Errors > 0 {
			// Whether the isolate was replaced meanwhile, and what workerd
			// and Miniflare printed, tell a runtime fault from the Worker's.
			t.Errorf("%s under load: %d 5xx, %d socket errors (%s); isolate started %s, now %s; serve-flaky.mjs output (tail):\n%s",
				tgt.name, r.Status5xx, r.Errors, r.ErrorKinds, isolate0, isolateStart(client, worker), tail(node.Out.String(), 4000))
		}
		if tgt.name == "worker" {
			rssMid, heapMid = rss(), heap()
		}
		t.Logf("%s → %s; workerd VmRSS %d MiB", tgt.name, r, rss()>>20)
	}
	rss1, heap1 := rss(), heap()
	bound := heapGrowthBound(results["worker (second half)"].Requests)
	t.Logf("Worker live heap %d KiB after warm-up, %d KiB after the first half, %d KiB at the end (bound +%d KiB in the second half); workerd VmRSS %d → %d → %d MiB",
		heap0>>10, heapMid>>10, heap1>>10, bound>>10, rss0>>20, rssMid>>20, rss1>>20)
	crashes := 0
	if heap1-heapMid > bound {
		crashes++
		t.Errorf("the Worker's live heap grew %d KiB during the second half of the direct load (bound %d KiB): a leak", (heap1-heapMid)>>10, bound>>10)
	}
	w2 := results["worker (second half)"]
	w1 := results["worker"]
	results["worker"] = loadResult{Tool: w1.Tool, Requests: w1.Requests + w2.Requests, RPS: (w1.RPS + w2.RPS) / 2,
		P50: max(w1.P50, w2.P50), P99: max(w1.P99, w2.P99), Max: max(w1.Max, w2.Max), Status5xx: w1.Status5xx + w2.Status5xx, Errors: w1.Errors + w2.Errors, Retried: w1.Retried + w2.Retried}
	v, w := results["varnish"], results["worker"]
	if lim := maxResent(w.Requests); w.Retried > lim {
		crashes++
		t.Errorf("%d of %d direct requests had to be resent after a keep-alive close (at most %d): more than workerd's occasional closes under saturation (finding 6)", w.Retried, w.Requests, lim)
	}
	report(t, row{
		Campaign: "Worker under load",
		Runs:     2,
		Faults:   fmt.Sprintf("%s × 2 (%s, 32 connections to Varnish; %s, %d to the Worker; %d paths)", dur, v.Tool, w.Tool, workerConns, len(paths)),
		Survived: fmt.Sprintf("Varnish→Worker %.0f req/s p99 %s; Worker %.0f req/s p99 %s (max %s); %d 5xx, %d socket errors; %d resent after workerd closed a keep-alive connection unanswered (finding 6)", v.RPS, v.P99.Round(time.Millisecond), w.RPS, w.P99.Round(time.Millisecond), w.Max.Round(time.Millisecond), v.Status5xx+w.Status5xx, v.Errors+w.Errors, w.Retried),
		Crashes:  crashes + v.Status5xx + w.Status5xx + v.Errors + w.Errors,
		Lost:     0,
		Notes: fmt.Sprintf("Worker live heap %d → %d → %d KiB (warm, mid-load, end; after a full GC); workerd RSS %d → %d → %d MiB (runtime, finding 2)",
			heap0>>10, heapMid>>10, heap1>>10, rss0>>20, rssMid>>20, rss1>>20),
	})
	injectR2Failure(t, client, worker, cache, paths, pick(3*time.Second, 20*time.Second))
}

// injectR2Failure switches R2 off mid-load and back on; see TestWorkerUnderLoad.
func injectR2Failure(t *testing.T, client *http.Client, worker, cache string, paths []string, phase time.Duration) {
	var mu sync.Mutex
	var during, stored, bad5xx, ok int
	var samples []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				for _, base := range []string{cache, worker} {
					st, h, _ := fetch(client, base+paths[i%len(paths)])
					mu.Lock()
					if st >= 500 {
						during++
						if !strings.Contains(h.Get("Cache-Control"), "no-store") || h.Get("Cache-Tag") != "" {
							bad5xx++
							if len(samples) < 3 {
								src := "Worker"
								if base == cache {
									src = "Varnish"
								}
								samples = append(samples, fmt.Sprintf("%d via %s: Cache-Control %q, Cache-Tag %q, Via %q, X-Varnish %q, Retry-After %q",
									st, src, h.Get("Cache-Control"), h.Get("Cache-Tag"), h.Get("Via"), h.Get("X-Varnish"), h.Get("Retry-After")))
							}
						}
						if age, _ := strconv.Atoi(h.Get("Age")); age > 0 {
							stored++ // Varnish served a stored 5xx
						}
					} else {
						ok++
					}
					mu.Unlock()
				}
			}
		}()
	}
	toggle := func(state string) {
		if st, _, _ := fetch(client, worker+"/__soak/r2/"+state); st != 200 {
			t.Fatalf("switch R2 %s: status %d", state, st)
		}
	}
	time.Sleep(phase)
	toggle("down")
	// Empty the cache so requests reach the failing origin.
	req, _ := http.NewRequest("PURGE", cache+"/", nil)
	req.Header.Set("xkey-purge", "site")
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
	}
	time.Sleep(phase)
	toggle("up")
	time.Sleep(phase)
	close(stop)
	wg.Wait()

	wrong := 0
	for _, p := range paths {
		st, _, body := fetch(client, cache+p)
		dst, _, dbody := fetch(client, worker+p)
		if st >= 400 || st != dst || (st == 200 && !bytes.Equal(body, dbody)) {
			wrong++
			if wrong <= 5 {
				t.Errorf("after R2 recovered: %s is %d through Varnish, %d from the Worker", p, st, dst)
			}
		}
	}
	t.Logf("R2 injection: %d 5xx while down (%d not no-store, %d served from cache), %d ok; %d pages wrong after recovery", during, bad5xx, stored, ok, wrong)
	if during == 0 {
		t.Error("R2 failure injection produced no 5xx: the switch did not reach the Worker")
	}
	if bad5xx+stored > 0 {
		t.Errorf("%d 5xx responses were not no-store (or carried a Cache-Tag) and %d came from the cache; e.g.\n%s", bad5xx, stored, strings.Join(samples, "\n"))
	}
	report(t, row{
		Campaign: "R2 failure mid-load",
		Runs:     1,
		Faults:   fmt.Sprintf("R2 down for %s under load; Varnish purged while down", phase),
		Survived: fmt.Sprintf("%d 5xx while down, %d of them not no-store; %d pages wrong after recovery (no restart)", during, bad5xx, wrong),
		Crashes:  bad5xx + stored,
		Lost:     wrong,
		Notes:    fmt.Sprintf("%d pages checked through Varnish after recovery", len(paths)),
	})
}

// isolateStart is the serving isolate's coldStart (/__internal/version):
// it changes when workerd replaces the isolate.
func isolateStart(c *http.Client, worker string) string {
	st, _, body := fetch(c, worker+"/__internal/version")
	var v struct {
		ColdStart string `json:"coldStart"`
	}
	if st != 200 || json.Unmarshal(body, &v) != nil {
		return fmt.Sprintf("unknown (status %d)", st)
	}
	return v.ColdStart
}

// workerHeap is the Worker isolate's live JS heap in bytes after a full
// garbage collection (soak/testdata/heap.mjs, through workerd's inspector).
func workerHeap(t *testing.T, root string, inspectorPort int) int64 {
	t.Helper()
	cmd := exec.Command("node", filepath.Join(root, "soak", "testdata", "heap.mjs"), strconv.Itoa(inspectorPort))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("heap.mjs: %v\n%s", err, stderr.Bytes())
	}
	var u struct {
		UsedSize int64 `json:"usedSize"`
	}
	if err := json.Unmarshal(out, &u); err != nil || u.UsedSize <= 0 {
		t.Fatalf("heap.mjs printed %q (%v)", out, err)
	}
	return u.UsedSize
}

// fetch GETs url: status, headers, body (status 0 on a transport error).
func fetch(c *http.Client, url string) (int, http.Header, []byte) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, nil, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// sitePaths lists the pages of a synced bucket: home, listings, feeds,
// tags, sitemap and every entry.
func sitePaths(t *testing.T, bucket string) []string {
	t.Helper()
	paths := []string{"/", "/tags/", "/sitemap.xml", "/feed.xml"}
	cols, _ := os.ReadDir(filepath.Join(bucket, "entries"))
	for _, c := range cols {
		paths = append(paths, "/"+c.Name()+"/", "/"+c.Name()+"/feed.xml")
	}
	root := filepath.Join(bucket, "entries")
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(root, p)
			paths = append(paths, "/"+strings.TrimSuffix(filepath.ToSlash(rel), ".html"))
		}
		return nil
	})
	slices.Sort(paths)
	return paths
}

// load runs wrk (when installed and withWrk) or rawLoad for dur.
func load(t *testing.T, root, base string, paths []string, pathFile string, dur time.Duration, conns int, withWrk bool) loadResult {
	t.Helper()
	if wrk, err := exec.LookPath("wrk"); err == nil && withWrk {
		cmd := exec.Command(wrk, "-t2", fmt.Sprintf("-c%d", conns), fmt.Sprintf("-d%ds", int(dur.Seconds())), "--latency", "--timeout", "10s",
			"-s", filepath.Join(root, "soak", "testdata", "paths.lua"), base)
		cmd.Env = append(os.Environ(), "SOAK_PATHS="+pathFile)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("wrk: %v\n%s", err, out)
		}
		return parseWrk(t, string(out))
	}
	return rawLoad(strings.TrimPrefix(base, "http://"), paths, dur, conns)
}

var wrkErrors = regexp.MustCompile(`Socket errors: connect \d+, read \d+, write \d+, timeout \d+`)

var wrkLine = regexp.MustCompile(`SOAK requests=(\d+) rps=([\d.]+) p50_us=(\d+) p99_us=(\d+) max_us=(\d+) status5xx=(\d+) errors=(\d+)`)

func parseWrk(t *testing.T, out string) loadResult {
	m := wrkLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("wrk printed no SOAK line:\n%s", out)
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	rps, _ := strconv.ParseFloat(m[2], 64)
	return loadResult{Tool: "wrk", Requests: n(1), RPS: rps, P50: time.Duration(n(3)) * time.Microsecond,
		P99: time.Duration(n(4)) * time.Microsecond, Max: time.Duration(n(5)) * time.Microsecond, Status5xx: n(6), Errors: n(7), ErrorKinds: wrkErrors.FindString(out)}
}
