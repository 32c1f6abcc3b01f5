package e2e

import (
	"encoding/json"
	"html"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// page is one URL of the site as the Worker answers it directly.
type page struct {
	Path      string
	Status    int
	Cacheable bool
}

var (
	linkAttr = regexp.MustCompile(`(?:href|src)="([^"]*)"`)
	locElem  = regexp.MustCompile(`<loc>([^<]*)</loc>`)
	maxAge   = regexp.MustCompile(`(?:s-maxage|max-age)=(\d+)`)
	noStore  = regexp.MustCompile(`(?i)(^|[\s,])(private|no-store|no-cache)\b`)
)

// cacheable says whether a shared cache may store a response with these
// headers (the same rule as the Worker's policy.isCacheable).
func cacheable(h http.Header) bool {
	cc := h.Get("Cache-Control")
	if noStore.MatchString(cc) || h.Get("Set-Cookie") != "" {
		return false
	}
	m := maxAge.FindStringSubmatch(cc)
	return m != nil && m[1] != "0"
}

// seeds lists the URLs a bucket implies, read from the pulled dir-store:
// every collection's listing pages, feed, archives and manifest, every entry,
// tag and asset, plus a 404 and redirects (unknown query, page=1, no slash).
func seeds(t testing.TB, bucket string) []string {
	t.Helper()
	var site struct {
		Collections []struct{ Name, Route string }
	}
	readJSON(t, filepath.Join(bucket, "metadata", "site.json"), &site)
	out := []string{"/", "/robots.txt", "/sitemap.xml", "/feed.xml", "/tags/", "/tags",
		"/no-such-page", "/?utm_source=e2e", "/tags/?ref=e2e"}
	for _, c := range site.Collections {
		r := c.Route
		out = append(out, r, r+"/", r+"/feed.xml", "/metadata/"+c.Name+".json", r+"/?page=1", r+"/?ref=e2e", r+"/no-such-entry")
		var index struct{ Shards []struct{ Key string } }
		readJSON(t, filepath.Join(bucket, "metadata", c.Name+".json"), &index)
		for i, s := range index.Shards {
			if i > 0 {
				out = append(out, r+"/?page="+strconv.Itoa(i+1))
			}
			var shard struct {
				Records []struct{ URL, Date string }
			}
			readJSON(t, filepath.Join(bucket, filepath.FromSlash(s.Key)), &shard)
			for _, rec := range shard.Records {
				out = append(out, rec.URL)
				if len(rec.Date) >= 7 {
					out = append(out, r+"/"+rec.Date[:4]+"/", r+"/"+rec.Date[:4]+"/"+rec.Date[5:7]+"/")
				}
			}
		}
	}
	pages, _ := filepath.Glob(filepath.Join(bucket, "metadata", "tags", "[0-9][0-9][0-9][0-9].json"))
	for _, p := range pages {
		var page struct{ Tags []struct{ Slug string } }
		readJSON(t, p, &page)
		for _, tag := range page.Tags {
			out = append(out, "/tags/"+tag.Slug)
		}
	}
	chunks, _ := filepath.Glob(filepath.Join(bucket, "metadata", "sitemaps", "*", "[0-9][0-9][0-9][0-9].json"))
	for _, p := range chunks {
		n, _ := strconv.Atoi(strings.TrimSuffix(filepath.Base(p), ".json"))
		out = append(out, "/sitemaps/"+filepath.Base(filepath.Dir(p))+"-"+strconv.Itoa(n)+".xml")
	}
	out = append(out, "/sitemaps/pages.xml")
	assets, _ := os.ReadDir(filepath.Join(bucket, "assets"))
	for _, a := range assets {
		out = append(out, "/assets/"+a.Name())
	}
	return out
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// crawl fetches the seeds and every same-site link they lead to, directly
// from the Worker, and returns the pages sorted by path.
func crawl(t testing.TB, origin string, start []string) []page {
	t.Helper()
	c := newClient()
	seen := map[string]bool{}
	queue := slices.Clone(start)
	var pages []page
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] || strings.HasPrefix(p, "/__internal/") {
			continue
		}
		seen[p] = true
		r := get(t, c, origin, p)
		if r.Status >= 500 {
			t.Fatalf("crawl: GET %s → %d\n%s", p, r.Status, r.Body)
		}
		pages = append(pages, page{Path: p, Status: r.Status, Cacheable: cacheable(r.Header)})
		if loc := r.Header.Get("Location"); loc != "" && strings.HasPrefix(loc, "/") {
			queue = append(queue, loc)
		}
		ct := r.Header.Get("Content-Type")
		if !strings.Contains(ct, "html") && !strings.Contains(ct, "xml") {
			continue
		}
		var links []string
		for _, m := range linkAttr.FindAllStringSubmatch(r.Body, -1) {
			links = append(links, m[1])
		}
		for _, m := range locElem.FindAllStringSubmatch(r.Body, -1) {
			links = append(links, m[1])
		}
		for _, l := range links {
			l = html.UnescapeString(l)
			if i := strings.IndexByte(l, '#'); i >= 0 {
				l = l[:i]
			}
			if after, ok := strings.CutPrefix(l, "https://fixture.example"); ok {
				l = after
			}
			if strings.HasPrefix(l, "/") && !strings.HasPrefix(l, "//") && !seen[l] {
				queue = append(queue, l)
			}
		}
	}
	slices.SortFunc(pages, func(a, b page) int { return strings.Compare(a.Path, b.Path) })
	return pages
}

// traceRequest is one GET of the replayed trace.
type traceRequest struct {
	Page   page
	Path   string // Page.Path, or with _rsc added
	Header []string
	Bypass bool // carries rsc / _rsc: the cache must pass it to the Worker
}

// zipfTrace draws n requests over pages with a Zipf(s=1.1) popularity, the
// ranks shuffled by the same seed; three in every 1,000 requests are a React Server
// Component fetch (rsc or next-router-prefetch header, or _rsc query) that no cache may answer.
func zipfTrace(pages []page, n int, seed uint64) []traceRequest {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	ranked := slices.Clone(pages)
	rng.Shuffle(len(ranked), func(i, j int) { ranked[i], ranked[j] = ranked[j], ranked[i] })
	z := rand.NewZipf(rng, 1.1, 1, uint64(len(ranked)-1))
	out := make([]traceRequest, n)
	for i := range out {
		p := ranked[z.Uint64()]
		r := traceRequest{Page: p, Path: p.Path}
		switch i % 1000 {
		case 499:
			r.Header, r.Bypass = []string{"rsc", "1"}, true
		case 749:
			r.Header, r.Bypass = []string{"next-router-prefetch", "1"}, true
		case 999:
			sep := "?"
			if strings.Contains(p.Path, "?") {
				sep = "&"
			}
			r.Path, r.Bypass = p.Path+sep+"_rsc=e2e", true
		}
		out[i] = r
	}
	return out
}

// replayStats is what a replay saw.
type replayStats struct {
	Requests, Hits, Misses, Bypass int
	DistinctCacheable              int
	BypassHits, Mismatches         int
	FirstMismatch                  string
}

// replay sends the trace through the cache with `workers` clients in
// parallel and counts X-Cache answers.
func replay(t testing.TB, cache string, trace []traceRequest, workers int) replayStats {
	t.Helper()
	var mu sync.Mutex
	var st replayStats
	distinct := map[string]bool{}
	c := newClient()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(trace); i += workers {
				tr := trace[i]
				r, err := fetch(c, cache+tr.Path, tr.Header...)
				if err != nil {
					errs <- err
					return
				}
				hit := r.Header.Get("X-Cache") == "HIT"
				mu.Lock()
				st.Requests++
				if hit {
					st.Hits++
				} else {
					st.Misses++
				}
				if tr.Bypass {
					st.Bypass++
					if hit {
						st.BypassHits++
					}
				} else if tr.Page.Cacheable {
					distinct[tr.Path] = true
				}
				if r.Status != tr.Page.Status && !(tr.Bypass && r.Status < 500) {
					st.Mismatches++
					if st.FirstMismatch == "" {
						st.FirstMismatch = tr.Path + ": " + strconv.Itoa(r.Status) + " want " + strconv.Itoa(tr.Page.Status)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("replay: %v", err)
	}
	st.DistinctCacheable = len(distinct)
	return st
}
