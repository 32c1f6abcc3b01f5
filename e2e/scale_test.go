package e2e

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/testutil/minio"
	"github.com/axctl/axctl/internal/testutil/purgeoracle"
)

// scaleEntries is the size of the crawled site: past 1,000 entries the
// Worker once truncated tag pages and the sitemap (issue 17).
const scaleEntries = 2500

// TestScaleCrawl syncs a generated 2,500-entry site with the real `axctl
// sync` into MinIO, serves it through the Worker in workerd behind Varnish,
// crawls every list page over HTTP by following links from /, /tags/ and
// /sitemap.xml, and compares each with what the generated entries say it
// must list (scale_gen_test.go): every listing page, year and month
// archive, tag page (all pages), tags index page, feed, the sitemap index
// and every sitemap. AXCTL_SEED replays a seed.
func TestScaleCrawl(t *testing.T) {
	root := repoRoot(t)
	requireTools(t, root)
	seed := purgeoracle.Seed(t) // AXCTL_SEED replays a run
	entries := genScaleSite(scaleEntries, seed)
	dir := t.TempDir()
	writeScaleSite(t, dir, entries)

	srv := minio.Start(t)
	srv.SetEnv(t)
	bin := buildAxctl(t, root)
	syncedAt := time.Now()
	t0 := time.Now()
	axctl(t, bin, dir, "sync", "--target", srv.Target(""))
	t.Logf("sync of %d entries: %s", len(entries), time.Since(t0).Round(time.Millisecond))
	port := freePort(t)
	liveWorker(t, root, allowAnonymousReads(t, srv), port, "")
	cache := startVarnish(t, root, port)

	o := newScaleOracle(entries, syncedAt, time.Now())
	want := o.pages()
	t0 = time.Now()
	got := scaleCrawl(t, cache.URL, []string{"/", "/tags/", "/sitemap.xml"})
	t.Logf("crawl: %d list pages in %s; the oracle expects %d; tag %q on %d entries", len(got), time.Since(t0).Round(time.Millisecond), len(want), tagIndexing.Slug, len(o.byTag[tagIndexing.Slug]))
	if len(o.byTag[tagIndexing.Slug]) <= 700 {
		t.Errorf("the generator put %q on %d entries, want > 700", tagIndexing.Slug, len(o.byTag[tagIndexing.Slug]))
	}

	var problems []string
	for _, p := range slices.Sorted(mapKeys(want)) {
		r, ok := got[p]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: never linked (the crawl did not reach it)", p))
			continue
		}
		if r.Status != 200 {
			problems = append(problems, fmt.Sprintf("%s: status %d", p, r.Status))
			continue
		}
		if err := want[p](r.Body); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", p, err))
		}
	}
	for _, p := range slices.Sorted(mapKeys(got)) {
		if _, ok := want[p]; !ok {
			problems = append(problems, fmt.Sprintf("%s: linked (status %d) but not a page the entries imply", p, got[p].Status))
		}
	}
	// Addresses nothing links to: hidden tags and archives are 404s.
	for _, p := range []string{"/tags/" + tagHidden.Slug, "/notes/2014/", "/notes/2014/06/", paged("/tags/", o.tagsPages()+1), paged("/blog/", pagesOf(len(o.byCol["blog"]))+1)} {
		if r := get(t, newClient(), cache.URL, p); r.Status != 404 {
			problems = append(problems, fmt.Sprintf("%s: status %d, want 404", p, r.Status))
		}
	}
	for i, p := range problems {
		if i == 30 {
			t.Errorf("… and %d more", len(problems)-30)
			break
		}
		t.Error(p)
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// listKind says whether the crawl follows path: list pages, archives,
// feeds and sitemaps; not entries, search, assets or static files.
func listKind(path string) bool {
	p, _, _ := strings.Cut(path, "?")
	switch {
	case p == "/" || p == "/feed.xml" || p == "/sitemap.xml" || p == "/tags/":
		return true
	case strings.HasPrefix(p, "/sitemaps/") || strings.HasPrefix(p, "/tags/"):
		return true
	}
	for _, c := range scaleCols {
		if p == c.Route+"/" || p == c.Route+"/feed.xml" || archivePath.MatchString(strings.TrimPrefix(p, c.Route)) && strings.HasPrefix(p, c.Route+"/") {
			return true
		}
	}
	return false
}

var (
	archivePath = regexp.MustCompile(`^/\d{4}/(\d{2}/)?$`)
	scaleLink   = regexp.MustCompile(`href="([^"]*)"|<loc>([^<]*)</loc>`)
)

// scaleCrawl fetches start and every list page linked from the pages it
// fetches, through base, eight at a time; it returns them by path.
func scaleCrawl(t *testing.T, base string, start []string) map[string]result {
	c := newClient()
	got := map[string]result{}
	seen := map[string]bool{}
	frontier := start
	for _, p := range start {
		seen[p] = true
	}
	for len(frontier) > 0 {
		var mu sync.Mutex
		var next []string
		work := make(chan string)
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for p := range work {
					r, err := fetch(c, base+p)
					mu.Lock()
					if err != nil {
						t.Errorf("GET %s: %v", p, err)
						mu.Unlock()
						continue
					}
					got[p] = r
					for _, m := range scaleLink.FindAllStringSubmatch(r.Body, -1) {
						l := html.UnescapeString(m[1] + m[2])
						l = strings.TrimPrefix(l, scaleBaseURL)
						if strings.HasPrefix(l, "/") && !seen[l] && listKind(l) {
							seen[l] = true
							next = append(next, l)
						}
					}
					mu.Unlock()
				}
			}()
		}
		for _, p := range frontier {
			work <- p
		}
		close(work)
		wg.Wait()
		frontier = next
	}
	return got
}
