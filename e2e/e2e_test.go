package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/testutil/minio"
)

const (
	traceSize = 20000
	traceSeed = 20261122
)

// site is the running stack: MinIO → pull → serve.mjs → Varnish.
type site struct {
	top                                  *testing.T // owns the long-lived processes
	root, axctl, content, bucket, target string
	s3                                   string // the bucket's URL, read by the Worker
	ref                                  string // a Worker that revalidates every read (fresh_test.go)
	workerPort                           int
	worker                               *proc
	cache                                *varnish
	origin                               string // the Worker, bypassing Varnish
	client                               *http.Client
}

// TestEndToEnd proves the product as a whole: content synced into a real S3
// server, pulled into the real Worker in workerd, Varnish in front.
func TestEndToEnd(t *testing.T) {
	root := repoRoot(t)
	requireTools(t, root)
	s := &site{top: t, root: root, client: newClient()}

	// The faulty origin (R2 always fails) takes a few seconds to start:
	// start it now, in parallel with the rest of the set-up.
	faultPort := freePort(t)
	var faulty *proc
	var faultyReady sync.WaitGroup
	faultyReady.Add(1)
	go func() {
		defer faultyReady.Done()
		faulty = start(t, "origin.mjs", root, nil, "node", "e2e/testdata/origin.mjs", "--port", strconv.Itoa(faultPort))
	}()

	s.setUp(t)

	t.Run("trace", s.testTrace)
	t.Run("edit-purge", s.testEditPurge)
	t.Run("ttl", s.testTTL)
	t.Run("fresh-at-once", s.testFreshAtOnce)
	t.Run("fresh-under-readers", s.testFreshUnderReaders)
	t.Run("schedule-boundary", s.testScheduleBoundary)
	t.Run("dot-segments", s.testDotSegments)
	t.Run("reader", s.testReader)
	t.Run("search-hit", s.testSearchHit)

	faultyReady.Wait()
	if faulty == nil {
		t.Fatal("faulty origin did not start")
	}
	faulty.WaitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d/__internal/version", faultPort), 90*time.Second)
	t.Run("errors-not-stored", func(t *testing.T) { s.testErrors(t, faultPort) })
}

func (s *site) setUp(t *testing.T) {
	srv := minio.Start(t)
	srv.SetEnv(t)
	s.target = srv.Target("")
	s.axctl = buildAxctl(t, s.root)

	work := t.TempDir()
	s.content = filepath.Join(work, "site")
	copyTree(t, filepath.Join(s.root, "testdata", "fixture"), s.content)
	_ = os.RemoveAll(filepath.Join(s.content, "bucket")) // the fixture's own file:// bucket is not used here
	axctl(t, s.axctl, s.content, "sync", "--target", s.target)
	s.bucket = filepath.Join(work, "pulled")
	axctl(t, s.axctl, s.content, "pull", "--target", s.target, s.bucket)

	// The Worker reads the bucket itself (anonymous reads of this test's
	// bucket), so a sync reaches it without a restart, as on Cloudflare.
	s.s3 = allowAnonymousReads(t, srv)
	s.workerPort = freePort(t)
	s.origin = fmt.Sprintf("http://127.0.0.1:%d", s.workerPort)
	s.worker = liveWorker(t, s.root, s.s3, s.workerPort, "")
	s.cache = startVarnish(t, s.root, s.workerPort)
}

// version reads the Worker's /__internal/version directly (not through Varnish).
type version struct {
	Runs      int    `json:"runs"`
	ColdStart string `json:"coldStart"`
}

func (s *site) version(t testing.TB) version {
	t.Helper()
	r := get(t, s.client, s.origin, "/__internal/version")
	var v version
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil || r.Status != 200 {
		t.Fatalf("/__internal/version: %d %v\n%s", r.Status, err, r.Body)
	}
	return v
}

func (s *site) testTrace(t *testing.T) {
	pages := crawl(t, s.origin, seeds(t, s.bucket))
	byStatus := map[int]int{}
	cacheableURLs := 0
	for _, p := range pages {
		byStatus[p.Status]++
		if p.Cacheable {
			cacheableURLs++
		}
	}
	t.Logf("crawl: %d URLs (%d cacheable), by status %v", len(pages), cacheableURLs, byStatus)
	for _, want := range []int{200, 301, 404} {
		if byStatus[want] == 0 {
			t.Errorf("crawl found no %d", want)
		}
	}
	if len(pages) < 30 {
		t.Fatalf("crawl found only %d URLs: %v", len(pages), pages)
	}

	trace := zipfTrace(pages, traceSize, traceSeed)
	before := s.version(t)
	vs0 := s.cache.stats(t, "MAIN.cache_hit", "MAIN.cache_miss", "MAIN.backend_req", "MAIN.s_pass")
	t0 := time.Now()
	st := replay(t, s.cache.URL, trace, 8)
	elapsed := time.Since(t0)
	vs1 := s.cache.settledStats(t, vs0, int64(st.Requests))
	after := s.version(t)

	if after.ColdStart != before.ColdStart {
		t.Fatalf("the Worker's isolate restarted during the trace (%s → %s): its runs counter is not comparable", before.ColdStart, after.ColdStart)
	}
	runs := after.Runs - before.Runs - 1 // the second /__internal/version read counts itself
	bound := st.DistinctCacheable + st.Bypass
	ratio := float64(st.Hits) / float64(st.Requests)
	t.Logf("trace: %d GETs (seed %d, Zipf s=1.1 over %d URLs) in %s (%.0f req/s)", st.Requests, traceSeed, len(pages), elapsed.Round(time.Millisecond), float64(st.Requests)/elapsed.Seconds())
	t.Logf("trace: %d distinct cacheable URLs requested, %d uncacheable requests (rsc, next-router-prefetch, _rsc); Worker runs %d (bound %d)", st.DistinctCacheable, st.Bypass, runs, bound)
	t.Logf("trace: X-Cache HIT %d, MISS %d → hit ratio %.4f%%", st.Hits, st.Misses, 100*ratio)
	t.Logf("trace: varnishstat cache_hit +%d, cache_miss +%d, s_pass +%d, backend_req +%d",
		vs1["MAIN.cache_hit"]-vs0["MAIN.cache_hit"], vs1["MAIN.cache_miss"]-vs0["MAIN.cache_miss"],
		vs1["MAIN.s_pass"]-vs0["MAIN.s_pass"], vs1["MAIN.backend_req"]-vs0["MAIN.backend_req"])

	if st.Requests != traceSize {
		t.Errorf("replayed %d requests, want %d", st.Requests, traceSize)
	}
	if st.Mismatches > 0 {
		t.Errorf("%d responses through Varnish differ in status from the Worker's, first %s", st.Mismatches, st.FirstMismatch)
	}
	if st.BypassHits > 0 {
		t.Errorf("%d rsc/next-router-prefetch/_rsc requests were answered from the cache", st.BypassHits)
	}
	if runs > bound {
		t.Errorf("the Worker ran %d times, more than %d distinct cacheable URLs + %d uncacheable requests", runs, st.DistinctCacheable, st.Bypass)
	}
	if be := vs1["MAIN.backend_req"] - vs0["MAIN.backend_req"]; be > int64(bound) {
		t.Errorf("Varnish made %d backend requests, more than the bound %d", be, bound)
	}
	if ratio < 0.99 {
		t.Errorf("hit ratio %.4f < 0.99", ratio)
	}
}

// through fetches path through Varnish.
func (s *site) through(t testing.TB, path string, hdr ...string) result {
	t.Helper()
	return get(t, s.client, s.cache.URL, path, hdr...)
}

// recordingPurger forwards PURGE requests to Varnish and records their xkey-purge headers.
type recordingPurger struct {
	mu   sync.Mutex
	tags []string
}

func (s *site) purgeRecorder(t *testing.T) (*httptest.Server, *recordingPurger) {
	rec := &recordingPurger{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.tags = append(rec.tags, strings.Fields(r.Header.Get("xkey-purge"))...)
		rec.mu.Unlock()
		req, _ := http.NewRequest(r.Method, s.cache.URL+r.URL.RequestURI(), nil)
		req.Header = r.Header.Clone()
		resp, err := s.client.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

var titleLine = regexp.MustCompile(`(?m)^title: .*$`)

func (s *site) testEditPurge(t *testing.T) {
	const (
		entry     = "/notes/hello"
		unrelated = "/guides/overview"
		newTitle  = "Hello again, edited end to end"
		newBody   = "This sentence was added by the end-to-end test."
	)
	// Seven notes, one scheduled (hidden): two pages of three visible entries.
	listings := []string{"/notes/", "/notes/?page=2"}
	tagPages := []string{"/tags/caf%C3%A9", "/tags/intro", "/tags/cache-policy"}
	feeds := []string{"/notes/feed.xml", "/feed.xml"}
	changed := append(append(append([]string{entry}, listings...), tagPages...), feeds...)

	// Everything checked below is in the cache before the edit; note
	// which pages list the entry.
	var lists []string
	for _, p := range append(slices.Clone(changed), unrelated) {
		s.through(t, p)
		r := s.through(t, p)
		if r.Header.Get("X-Cache") != "HIT" || r.Status != 200 {
			t.Fatalf("before the edit: %s → %d X-Cache %q, want 200 HIT", p, r.Status, r.Header.Get("X-Cache"))
		}
		if strings.Contains(r.Body, newTitle) {
			t.Fatalf("before the edit: %s already shows the new title", p)
		}
		if p != entry && (strings.Contains(r.Body, entry+`"`) || strings.Contains(r.Body, entry+"<")) {
			lists = append(lists, p)
		}
	}
	t.Logf("pages listing %s before the edit: %v", entry, lists)
	for _, p := range append(slices.Clone(tagPages), "/feed.xml") {
		if !slices.Contains(lists, p) {
			t.Errorf("before the edit: %s does not list %s", p, entry)
		}
	}

	path := filepath.Join(s.content, "content", "notes", "hello.md")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := titleLine.ReplaceAllLiteral(src, []byte(`title: "`+newTitle+`"`))
	edited = append(edited, []byte("\n"+newBody+"\n")...)
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}

	purger, rec := s.purgeRecorder(t)
	out := axctl(t, s.axctl, s.content, "sync", "--target", s.target, "--purge", "--purge-via", "xkey", "--purge-url", purger.URL+"/")
	t.Logf("sync --purge: %s", strings.TrimSpace(out))
	rec.mu.Lock()
	purged := slices.Clone(rec.tags)
	rec.mu.Unlock()
	t.Logf("sync --purge sent xkey-purge tags: %v", purged)
	if len(purged) == 0 {
		t.Fatal("sync --purge sent no PURGE to Varnish")
	}

	// Nothing restarts: the Worker reads the bucket the sync wrote.
	for _, p := range changed {
		r := s.through(t, p)
		if r.Status != 200 || r.Header.Get("X-Cache") != "MISS" {
			t.Errorf("after the purge: %s → %d X-Cache %q, want 200 MISS", p, r.Status, r.Header.Get("X-Cache"))
		}
		if again := s.through(t, p); again.Header.Get("X-Cache") != "HIT" {
			t.Errorf("after the purge: second GET %s → X-Cache %q, want HIT", p, again.Header.Get("X-Cache"))
		}
	}
	// The new title shows on the entry, the listing page that holds it, its tags' pages and the feeds.
	for _, p := range append([]string{entry}, lists...) {
		if r := s.through(t, p); !strings.Contains(r.Body, newTitle) {
			t.Errorf("after the edit: %s does not show the new title", p)
		}
	}
	if !slices.ContainsFunc(listings, func(p string) bool { return strings.Contains(s.through(t, p).Body, newTitle) }) {
		t.Errorf("after the edit: no listing page of %v shows the new title", listings)
	}
	if r := s.through(t, entry); !strings.Contains(r.Body, newBody) {
		t.Errorf("after the edit: %s does not show the new body", entry)
	}

	if slices.Contains(purged, "site") {
		t.Errorf("an entry edit purged the site tag (every page carries it): %v", purged)
	}
	if r := s.through(t, unrelated); r.Header.Get("X-Cache") != "HIT" {
		t.Errorf("unrelated entry %s → X-Cache %q, want HIT", unrelated, r.Header.Get("X-Cache"))
	}
	s.testPurgeOneTag(t)
}

// testPurgeOneTag checks the cache half of purging directly: PURGE with one
// entry's tag evicts the pages naming it and nothing else.
func (s *site) testPurgeOneTag(t *testing.T) {
	const target, other = "/guides/setup/install", "/notes/highlighted"
	for _, p := range []string{target, other, "/guides/overview"} {
		s.through(t, p)
	}
	req, _ := http.NewRequest("PURGE", s.cache.URL+"/", nil)
	req.Header.Set("xkey-purge", "e:guides/setup/install")
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PURGE: %d", resp.StatusCode)
	}
	for p, want := range map[string]string{
		target:             "MISS", // its own page
		"/guides/overview": "MISS", // links to it as a neighbour, so names its tag
		other:              "HIT",
	} {
		if got := s.through(t, p).Header.Get("X-Cache"); got != want {
			t.Errorf("after PURGE e:guides/setup/install: %s X-Cache %q, want %q", p, got, want)
		}
	}
}

// testDotSegments: every spelling of a real page with dot segments or a
// backslash is a 404 at the cache (varnish/axctl.vcl), never a second cached
// copy of the page: workerd resolves them before the Worker can redirect.
func (s *site) testDotSegments(t *testing.T) {
	if r := s.through(t, "/notes/"); r.Status != 200 {
		t.Fatalf("/notes/: %d", r.Status)
	}
	for _, p := range []string{
		"/notes/./", "/x/../notes/", "/notes/.", "/./notes/", "/%2e/notes/", "/x/%2E%2E/notes/",
		"/notes/%2e", "/x/.%2e/notes/", "/notes/..", "/notes/\\",
	} {
		for i := 0; i < 2; i++ { // the second would be a HIT if the first were stored
			if r := s.through(t, p); r.Status != 404 && r.Status != 301 {
				t.Errorf("GET %s (try %d): %d %s, want 404 (or 301)", p, i+1, r.Status, r.Header.Get("X-Cache"))
			}
		}
	}
}
