package e2e

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The generated site of the scale crawl (scale_test.go): its entries are
// written as Markdown and kept here, and the oracle below says what every
// list page must show from them alone, never from the manifests a sync
// writes.

// genTag is a tag as an entry spells it and the slug the contract gives it
// (docs/bucket.md, "Tag slugs"), written out here rather than computed.
type genTag struct{ Name, Slug string }

// genEntry is one generated entry.
type genEntry struct {
	Col, Route, Slug, Title, Date string
	Tags                          []genTag
	PublishDate, Expires          string // RFC 3339 UTC or ""
	Draft                         bool
}

func (e *genEntry) URL() string { return e.Route + "/" + e.Slug }

// inBucket says whether a sync publishes the entry at all (drafts and
// entries expired at the sync are not).
func (e *genEntry) inBucket(now string) bool {
	return !e.Draft && (e.Expires == "" || e.Expires > now)
}

// shownAt says whether the Worker shows a published entry at now.
func (e *genEntry) shownAt(now string) bool {
	return (e.PublishDate == "" || e.PublishDate <= now) && (e.Expires == "" || e.Expires > now)
}

type genCol struct{ Name, Route, Title, Template string }

var scaleCols = []genCol{
	{"blog", "/blog", "Blog", "post"},
	{"docs", "/docs", "Docs", "doc"},
	{"notes", "/notes", "Notes", "post"},
	{"changelog", "/changelog", "Changelog", "post"},
}

const (
	scalePageSize = 25
	scaleBaseURL  = "https://scale.example"
	farFuture     = "2099-01-01T00:00:00Z"
	farExpiry     = "2098-06-01T00:00:00Z"
	longExpired   = "2016-01-01T00:00:00Z"
)

// Tags with a fixed role: each is a class of case the crawl must get right.
var (
	tagIndexing = genTag{"Indexing", "indexing"} // on 30% of entries: > 700, every collection
	tagCafe     = genTag{"café", "caf%C3%A9"}    // percent-encoded slug
	tagCpp      = genTag{"C++ Tips", "c-tips"}   // punctuation in the name
	tagGo       = genTag{"Go", "go"}             // spelled "go" by a few entries: the most used name wins
	tagGoLower  = genTag{"go", "go"}
	tagHidden   = genTag{"Embargoed", "embargoed"} // only on entries not yet published: hidden everywhere
	tagEdges    = []genTag{{"Edge 49", "edge-49"}, {"Edge 50", "edge-50"}, {"Edge 51", "edge-51"}, {"Edge 75", "edge-75"}}
)

// genScaleSite draws n entries with seed: collections by share, Zipf tags
// over a vocabulary of "topic" tags, and the fixed-role tags above; dates
// over ten years with exact ties (within and across collections); drafts,
// embargoed (publishDate far ahead), expiring (expires far ahead, shown) and
// expired entries; a month and a year of notes holding only embargoed ones.
func genScaleSite(n int, seed uint64) []*genEntry {
	r := rand.New(rand.NewPCG(seed, seed^0x2545f4914f6cdd1d))
	vocab := make([]genTag, 150)
	for i := range vocab {
		vocab[i] = genTag{fmt.Sprintf("Topic %d", i), fmt.Sprintf("topic-%d", i)}
	}
	zipf := rand.NewZipf(r, 1.2, 2, uint64(len(vocab)-1))
	start := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	span := int64(10 * 365 * 24 * time.Hour / time.Second)
	var out []*genEntry
	edges := make([]int, len(tagEdges))
	for i := 0; i < n; i++ {
		x := r.Float64()
		c := scaleCols[3]
		for k, share := range []float64{0.45, 0.25, 0.2} {
			if x < share {
				c = scaleCols[k]
				break
			}
			x -= share
		}
		e := &genEntry{Col: c.Name, Route: c.Route, Slug: fmt.Sprintf("entry-%04d", i), Title: fmt.Sprintf("Entry %d <%s> & “more”", i, c.Name)}
		if c.Name == "docs" {
			e.Slug = fmt.Sprintf("section-%d/entry-%04d", i%3, i)
		}
		e.Date = start.Add(time.Duration(r.Int64N(span)) * time.Second).Format(time.RFC3339)
		if i > 0 && r.IntN(25) == 0 { // the same second as an earlier entry, perhaps of another collection
			e.Date = out[r.IntN(len(out))].Date
		}
		if i%10 < 3 {
			e.Tags = append(e.Tags, tagIndexing)
		}
		for k := r.IntN(4); k > 0; k-- {
			t := vocab[zipf.Uint64()]
			if !slices.Contains(e.Tags, t) {
				e.Tags = append(e.Tags, t)
			}
		}
		switch {
		case i%31 == 0:
			e.Tags = append(e.Tags, tagCafe)
		case i%37 == 1:
			e.Tags = append(e.Tags, tagCpp)
		case i%29 == 2:
			e.Tags = append(e.Tags, tagGo)
		case i%97 == 3:
			e.Tags = append(e.Tags, tagGoLower)
		}
		for k, t := range tagEdges { // exactly 49, 50, 50 (+1 embargoed below) and 75 published
			if want := []int{49, 50, 50, 75}[k]; i%(n/(want+5)) == 5 && edges[k] < want && !slices.Contains([]int{11, 37, 71}, i%100) {
				e.Tags = append(e.Tags, t)
				edges[k]++
			}
		}
		switch i % 100 {
		case 11: // embargoed
			e.PublishDate = farFuture
		case 23: // expiring, shown until then
			e.Expires = farExpiry
		case 37: // expired before the sync: never published
			e.Expires = longExpired
		case 53: // published at a past publishDate
			e.PublishDate = "2016-01-02T00:00:00Z"
		case 71:
			e.Draft = true
		}
		out = append(out, e)
	}
	// Notes of June 2014, before any other entry, all embargoed: the month
	// and the year are hidden until 2099, one carries a tag nothing else does.
	for i := 0; i < 3; i++ {
		out = append(out, &genEntry{Col: "notes", Route: "/notes", Slug: fmt.Sprintf("embargoed-%d", i), Title: "Embargoed",
			Date: fmt.Sprintf("2014-06-0%dT10:00:00Z", i+1), PublishDate: farFuture, Tags: []genTag{tagHidden, tagIndexing}})
	}
	out[len(out)-1].Tags = append(out[len(out)-1].Tags, tagEdges[2])
	// The same slug and second in two collections, with a shared tag: a tag
	// page orders them by collection.
	for _, c := range scaleCols[:2] {
		out = append(out, &genEntry{Col: c.Name, Route: c.Route, Slug: "twin", Title: "Twin in " + c.Name,
			Date: "2020-02-29T12:00:00Z", Tags: []genTag{tagIndexing, tagCafe}})
	}
	return out
}

// writeScaleSite writes axctl.yaml and one Markdown file per entry into dir.
func writeScaleSite(t testing.TB, dir string, entries []*genEntry) {
	t.Helper()
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "site:\n  title: Scale crawl\n  baseURL: %s\ncontent: content\npageSize: %d\ncollections:\n", scaleBaseURL, scalePageSize)
	for _, c := range scaleCols {
		fmt.Fprintf(&cfg, "  - name: %s\n    title: %s\n    route: %s\n    template: %s\n", c.Name, c.Title, c.Route, c.Template)
	}
	write := func(rel, s string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("axctl.yaml", cfg.String())
	for _, e := range entries {
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: %q\ndate: %s\n", e.Title, e.Date)
		if len(e.Tags) > 0 {
			names := make([]string, len(e.Tags))
			for i, t := range e.Tags {
				names[i] = fmt.Sprintf("%q", t.Name)
			}
			fmt.Fprintf(&b, "tags: [%s]\n", strings.Join(names, ", "))
		}
		if e.PublishDate != "" {
			fmt.Fprintf(&b, "publishDate: %s\n", e.PublishDate)
		}
		if e.Expires != "" {
			fmt.Fprintf(&b, "expires: %s\n", e.Expires)
		}
		if e.Draft {
			b.WriteString("draft: true\n")
		}
		fmt.Fprintf(&b, "---\n\nThe body of %s, one short paragraph.\n", e.Slug)
		write("content/"+e.Col+"/"+e.Slug+".md", b.String())
	}
}

// scaleOracle says what each list page shows, by brute force over the
// generated entries: every entry the sync publishes, sorted, cut into pages
// by the arithmetic of docs/bucket.md, then filtered to what is shown now.
type scaleOracle struct {
	now   string
	byCol map[string][]*genEntry // published, newest first then slug
	byTag map[string][]*genEntry // published, newest first, slug, collection
	names map[string]string      // tag slug → the name pages show
	slugs []string               // every published tag slug, in slug order
	all   []*genEntry            // published, newest first, slug, collection
}

func newestFirst(a, b *genEntry) int {
	return cmp.Or(-strings.Compare(a.Date, b.Date), strings.Compare(a.Slug, b.Slug), strings.Compare(a.Col, b.Col))
}

func newScaleOracle(entries []*genEntry, syncedAt, now time.Time) *scaleOracle {
	o := &scaleOracle{now: now.UTC().Format(time.RFC3339), byCol: map[string][]*genEntry{}, byTag: map[string][]*genEntry{}, names: map[string]string{}}
	spellings := map[string]map[string]int{}
	at := syncedAt.UTC().Format(time.RFC3339)
	for _, e := range entries {
		if !e.inBucket(at) {
			continue
		}
		o.all = append(o.all, e)
		o.byCol[e.Col] = append(o.byCol[e.Col], e)
		for _, t := range e.Tags {
			if spellings[t.Slug] == nil {
				spellings[t.Slug] = map[string]int{}
			}
			spellings[t.Slug][t.Name]++
			o.byTag[t.Slug] = append(o.byTag[t.Slug], e)
		}
	}
	for slug, names := range spellings {
		best := ""
		for name, k := range names {
			if best == "" || k > names[best] || (k == names[best] && name < best) {
				best = name
			}
		}
		o.names[slug] = best
		o.slugs = append(o.slugs, slug)
		slices.SortFunc(o.byTag[slug], newestFirst)
	}
	slices.Sort(o.slugs)
	for _, l := range o.byCol {
		slices.SortFunc(l, newestFirst)
	}
	slices.SortFunc(o.all, newestFirst)
	return o
}

func (o *scaleOracle) shown(l []*genEntry) []*genEntry {
	var out []*genEntry
	for _, e := range l {
		if e.shownAt(o.now) {
			out = append(out, e)
		}
	}
	return out
}

// pagesOf is how many pages n entries fill (the newest page holds S…2S−1).
func pagesOf(n int) int { return max(1, n/scalePageSize) }

// pageOf is page p (1-based, newest first) of list, before hiding anything.
func pageOf(list []*genEntry, p int) []*genEntry {
	n := len(list)
	i := pagesOf(n) - p
	hi, lo := n-i*scalePageSize, 0
	if i < pagesOf(n)-1 {
		lo = n - (i+1)*scalePageSize
	}
	return list[lo:hi]
}

// pageAt is the page holding position x (0 = newest) of n entries.
func pageAt(n, x int) int {
	top := n - (pagesOf(n)-1)*scalePageSize
	if x < top {
		return 1
	}
	return 2 + (x-top)/scalePageSize
}

func paged(base string, p int) string {
	if p == 1 {
		return base
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return fmt.Sprintf("%s%spage=%d", base, sep, p)
}

// urls are the entries' site paths.
func urls(l []*genEntry) []string {
	out := make([]string, len(l))
	for i, e := range l {
		out[i] = e.URL()
	}
	return out
}

// months are a collection's published months ("YYYY-MM"), newest first.
func (o *scaleOracle) months(col string) []string {
	var ms []string
	for _, e := range o.byCol[col] {
		if m := e.Date[:7]; !slices.Contains(ms, m) {
			ms = append(ms, m)
		}
	}
	return ms
}

// visibleTagCount is a tag's count as the tags index shows it.
func (o *scaleOracle) visibleTagCount(slug string) int { return len(o.shown(o.byTag[slug])) }
