package manifest

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/axctl/axctl/internal/contract"
)

// Collection names a collection and where the Worker serves it.
type Collection struct {
	Name  string // [a-z0-9-]+, the folder under content/ and in every key
	Route string // e.g. "/blog"; entry URLs are Route + "/" + slug
	Title string
	// SortBy is "" (or "date"): entries are dated, newest first; or
	// contract.SortWeight: entries need no date and list by weight (0 =
	// none, last), then title, then slug (docs/bucket.md, "Undated
	// collections").
	SortBy string
	// FullFeed puts entry bodies in the collection's feeds (site.json fullFeed).
	FullFeed bool
}

// undated reports whether c lists its entries by weight, without dates.
func (c Collection) undated() bool { return c.SortBy == contract.SortWeight }

// Site holds the site-wide fields of metadata/site.json.
type Site struct {
	Title   string
	BaseURL string
	Lang    string // BCP 47; site.json carries it unless it is "" or "en"
	// Now is when the schedule is judged: entries with a publishDate after
	// it, or with any expires, are listed in site.json's schedule. Zero
	// lists every entry with a publishDate or expires.
	Now time.Time
}

// Index is metadata/<collection>.json. Field order is the JSON key order.
type Index struct {
	Version    int        `json:"version"`
	Collection string     `json:"collection"`
	Route      string     `json:"route"`
	Title      string     `json:"title"`
	Total      int        `json:"total"`
	PageSize   int        `json:"pageSize"`
	Shards     []ShardRef `json:"shards"` // newest shard first; page p is Shards[p-1]
}

// ShardRef locates one shard and bounds the entries it holds.
type ShardRef struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
	First string `json:"first"` // "<date> <slug>" of the newest entry in the shard
	Last  string `json:"last"`  // "<date> <slug>" of the oldest entry in the shard
}

// Shard is metadata/<collection>/<NNNN>.json: one listing page.
type Shard struct {
	Version    int    `json:"version"`
	Collection string `json:"collection"`
	// SortBy is "weight" in an undated collection's shards (whose records
	// have no date), omitted otherwise: a reader can tell a record that
	// lost its date from an undated one.
	SortBy  string   `json:"sortBy,omitempty"`
	Index   int      `json:"index"` // 0 holds the oldest entries
	Records []Record `json:"records"`
}

// SiteManifest is metadata/site.json.
type SiteManifest struct {
	Version int    `json:"version"`
	Title   string `json:"title"`
	BaseURL string `json:"baseURL"`
	// Lang is <html lang> on every page; omitted means "en".
	Lang        string           `json:"lang,omitempty"`
	PageSize    int              `json:"pageSize"`
	Collections []SiteCollection `json:"collections"`
	// TagTotal is the number of distinct tags (the tags index has
	// Pages(TagTotal) pages of them, in metadata/tags/<NNNN>.json).
	TagTotal int `json:"tagTotal"`
	// PagedTags counts the entries of each tag with more than one page
	// (pagedTags); a tag absent here has one page, its chunk 0.
	PagedTags map[string]int `json:"pagedTags"`
	Latest    []Record       `json:"latest"` // Collection set on each
	// Schedule lists the entries the Worker shows only inside their window
	// (a publishDate after the build, or an expires), so it can leave them
	// out of counts, tags and the public index until they appear, without
	// reading shards. Omitted when empty.
	Schedule []Scheduled `json:"schedule,omitempty"`
	// Aliases maps an old site path to the URL of the entry that now
	// answers it: the Worker redirects (301). Omitted when empty.
	Aliases map[string]string `json:"aliases,omitempty"`
}

// Scheduled is one entry of site.json's schedule: where it sits (its
// collection and its "<date> <slug>" order key), the tag slugs it counts
// for, and its window.
type Scheduled struct {
	Collection string `json:"collection"`
	Slug       string `json:"slug"`
	Date       string `json:"date,omitempty"`
	// Weight and Title place an entry of an undated collection (which
	// has no Date) in its order, as the shard bounds do.
	Weight      int      `json:"weight,omitempty"`
	Title       string   `json:"title,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	PublishDate string   `json:"publishDate,omitempty"`
	Expires     string   `json:"expires,omitempty"`
}

// SiteCollection is one collection as site.json lists it.
type SiteCollection struct {
	Name  string `json:"name"`
	Route string `json:"route"`
	Title string `json:"title"`
	// SortBy is "weight" for an undated collection, omitted otherwise.
	SortBy string `json:"sortBy,omitempty"`
	Total  int    `json:"total"`
	// Months counts the entries per "YYYY-MM" of their date (omitted when
	// none): the year and month archives, their pages and the archive
	// sitemap come from it without another read.
	Months map[string]int `json:"months,omitempty"`
	// FullFeed (omitted when false) asks the Worker for full-content feeds.
	FullFeed bool `json:"fullFeed,omitempty"`
}

// TagCount is a tag and the number of entries, across collections, that carry it.
type TagCount struct {
	Name  string `json:"name"`
	Slug  string `json:"slug"`
	Count int    `json:"count"`
}

// latestCount is how many entries site.json's latest holds.
const latestCount = 10

// Build returns every manifest object, key → bytes, for the given records
// (collection name → its published entries, in any order). pageSize 0 means
// DefaultPageSize. The bytes depend only on the arguments' values, not on
// record order, so an unchanged site rebuilds to identical objects.
//
// A record's Key and URL may be empty (they are derived); if set, they must
// match the collection and slug. Collections are listed in site.json in the
// order given.
func Build(site Site, cols []Collection, records map[string][]Record, pageSize int) (map[string][]byte, error) {
	out := make(map[string][]byte)
	err := BuildEach(site, cols, records, pageSize, func(key string, b []byte) error {
		out[key] = bytes.Clone(b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// BuildEach builds what Build does and hands each object to emit as soon
// as it is encoded (site.json last), holding none of them: at a million
// entries the objects total more than the records. b is only valid until
// emit returns (its buffer is reused for the next object). The records are
// read, never copied or modified.
func BuildEach(site Site, cols []Collection, records map[string][]Record, pageSize int, emit func(key string, b []byte) error) error {
	if pageSize == 0 {
		pageSize = DefaultPageSize
	}
	if pageSize < 0 {
		return fmt.Errorf("page size %d: must be positive", pageSize)
	}
	if err := checkCollections(cols, records); err != nil {
		return err
	}
	b := &builder{cols: cols, size: pageSize, emit: emit}
	if err := b.load(records); err != nil {
		return err
	}
	// The listing order of every entry (tag chunks, latest, schedule) does
	// not depend on related entries: sorted while the walks run, it is off
	// the build's critical path at a million entries.
	listing := make(chan []int32, 1)
	go func(byCol [][]int32) {
		// A dated collection is already in this order (newestFirst; the
		// collection name only breaks ties between collections): merged,
		// not sorted again. An undated one is sorted by slug first.
		lists := make([][]int32, len(byCol))
		for ci, recs := range byCol {
			lists[ci] = recs
			if b.cols[ci].undated() {
				lists[ci] = slices.Clone(recs)
				slices.SortFunc(lists[ci], b.allOrder)
			}
		}
		listing <- mergeAll(lists, b.allOrder)
	}(b.byCol)
	b.related()
	sm := SiteManifest{
		Version: Version, Title: site.Title, BaseURL: site.BaseURL, PageSize: pageSize,
		Collections: []SiteCollection{}, Latest: []Record{},
	}
	if site.Lang != "en" {
		sm.Lang = site.Lang
	}
	all := make([]int32, 0, len(b.ents))
	for ci, c := range cols {
		recs := b.byCol[ci]
		if err := b.collection(ci, recs); err != nil {
			return err
		}
		if err := b.sitemaps(ci, recs); err != nil {
			return err
		}
		sm.Collections = append(sm.Collections, SiteCollection{Name: c.Name, Route: c.Route, Title: c.Title, SortBy: sortByField(c), Total: len(recs), Months: b.months(recs), FullFeed: c.FullFeed})
		all = append(all, recs...)
	}
	b.byCol = nil
	for _, i := range all {
		r := b.ents[i].r
		for _, a := range r.Aliases {
			url := b.url(i)
			if prev, dup := sm.Aliases[a]; dup && prev != url {
				return fmt.Errorf("alias %q of %s is also an alias of %s", a, url, prev)
			}
			if sm.Aliases == nil {
				sm.Aliases = map[string]string{}
			}
			sm.Aliases[a] = url
		}
	}
	tags := b.countTags(all)
	all = <-listing
	if err := b.tags(all, tags); err != nil {
		return err
	}
	sm.TagTotal, sm.PagedTags = len(tags), pagedTags(tags, pageSize)
	sm.Latest = append(sm.Latest, b.latest(all, site.Now)...)
	sm.Schedule = b.schedule(all, site.Now)
	if err := emitObjects(emit, &sm); err != nil {
		return err
	}
	return emitJSON(emit, SiteKey, sm)
}

// Windowed reports whether the Worker may hide r at some time after now
// (what site.json's schedule lists); the only way Build's output depends
// on Site.Now.
func Windowed(r *Record, now time.Time) bool { return windowed(r, now) }

// windowed reports whether the Worker may hide r at some time after now:
// it has an expires, or a publishDate after now (zero now: any publishDate).
func windowed(r *Record, now time.Time) bool {
	if r.Expires != "" {
		return true
	}
	return r.PublishDate != "" && (now.IsZero() || r.PublishDate > now.UTC().Format(time.RFC3339))
}

// latest is the newest entries up to and including the latestCount-th that
// is not windowed, so the home page and the site feed still have
// latestCount entries while scheduled ones are hidden; undated entries
// (last in all) are never among them. They are records as site.json lists
// them: collection, key and URL set, no related.
func (b *builder) latest(all []int32, now time.Time) []Record {
	var out []Record
	for n, plain := 0, 0; n < len(all) && plain < latestCount && b.ents[all[n]].r.Date != ""; n++ {
		e := &b.ents[all[n]]
		if !windowed(e.r, now) {
			plain++
		}
		r := *e.r
		c := b.cols[e.col]
		r.Collection, r.Key, r.URL = c.Name, EntryKey(c.Name, r.Slug), EntryURL(c.Route, r.Slug)
		r.Features, r.Related = e.feats, nil
		out = append(out, r)
	}
	return out
}

// schedule lists the windowed entries of all (newest first).
func (b *builder) schedule(all []int32, now time.Time) []Scheduled {
	var out []Scheduled
	for _, i := range all {
		r := b.ents[i].r
		if !windowed(r, now) {
			continue
		}
		var tags []string
		for _, t := range r.Tags {
			if !slices.Contains(tags, t.Slug) {
				tags = append(tags, t.Slug)
			}
		}
		s := Scheduled{Collection: b.cols[b.ents[i].col].Name, Slug: r.Slug, Date: r.Date, Tags: tags, PublishDate: r.PublishDate, Expires: r.Expires}
		if r.Date == "" {
			s.Weight, s.Title = r.Weight, r.Title
		}
		out = append(out, s)
	}
	return out
}

// checkCollections rejects bad or repeated names, bad routes, and records
// for a collection that is not configured.
func checkCollections(cols []Collection, records map[string][]Record) error {
	seen := make(map[string]bool, len(cols))
	for _, c := range cols {
		if err := CheckCollection(c.Name); err != nil {
			return err
		}
		if seen[c.Name] {
			return fmt.Errorf("collection %q: listed twice", c.Name)
		}
		seen[c.Name] = true
		if err := checkRoute(c.Name, c.Route); err != nil {
			return err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(records)) {
		if !seen[name] && len(records[name]) > 0 {
			return fmt.Errorf("collection %q: has records but is not configured", name)
		}
	}
	return nil
}

// checkEntry validates r as an entry of c: its slug, and its collection,
// key and URL when set.
func checkEntry(c Collection, r *Record) error {
	if err := checkSlug(r.Slug); err != nil {
		return err
	}
	if r.Collection != "" && r.Collection != c.Name {
		return fmt.Errorf("record names collection %q", r.Collection)
	}
	if want := EntryKey(c.Name, r.Slug); r.Key != "" && r.Key != want {
		return fmt.Errorf("key %q: want %q", r.Key, want)
	}
	if want := EntryURL(c.Route, r.Slug); r.URL != "" && r.URL != want {
		return fmt.Errorf("url %q: want %q", r.URL, want)
	}
	switch {
	case c.undated() && r.Date != "":
		return fmt.Errorf("date %q: the collection is sorted by weight, its entries carry none", r.Date)
	case !c.undated() && r.Date == "":
		return fmt.Errorf("%s: missing", contract.MetaDate)
	case !c.undated() && r.Weight != 0:
		return fmt.Errorf("weight %d: only an undated collection (sortBy: weight) has weights", r.Weight)
	}
	return checkRecord(r)
}

// order is the listing order of c's records.
func (c Collection) order() func(a, b *Record) int {
	if c.undated() {
		return byWeight
	}
	return newestFirst
}

// byWeight orders the records of an undated collection: weight ascending
// with 0 (none) last, as Hugo does, then title by FoldTitle, then slug.
func byWeight(a, b *Record) int {
	return cmp.Or(cmp.Compare(weightKey(a.Weight), weightKey(b.Weight)),
		strings.Compare(FoldTitle(a.Title), FoldTitle(b.Title)), strings.Compare(a.Slug, b.Slug))
}

// weightKey puts weight 0 (none) after every set weight.
func weightKey(w int) int {
	if w == 0 {
		return contract.MaxWeight + 1
	}
	return w
}

// FoldTitle is a title as byWeight compares it: ASCII letters lowercased,
// everything else as it is, compared by code point (Go's string order; the
// Worker compares the same way, schedule.js). Unicode case folding is left
// out because Go and JavaScript do not lowercase every letter alike.
func FoldTitle(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// sortByField is site.json's sortBy for c: "weight" or omitted.
func sortByField(c Collection) string {
	if c.undated() {
		return contract.SortWeight
	}
	return ""
}

// mergeAll merges lists, each sorted by the total order cmp, into one
// sorted list of its own, two at a time (log₂ of the lists' count passes).
func mergeAll(lists [][]int32, cmp func(x, y int32) int) []int32 {
	if len(lists) == 0 {
		return nil
	}
	if len(lists) == 1 {
		return slices.Clone(lists[0])
	}
	for len(lists) > 1 {
		next := lists[:0:0]
		for i := 0; i < len(lists); i += 2 {
			if i+1 == len(lists) {
				next = append(next, lists[i])
				break
			}
			a, c := lists[i], lists[i+1]
			out := make([]int32, 0, len(a)+len(c))
			for len(a) > 0 && len(c) > 0 {
				if cmp(c[0], a[0]) < 0 {
					out, c = append(out, c[0]), c[1:]
				} else {
					out, a = append(out, a[0]), a[1:]
				}
			}
			next = append(next, append(append(out, a...), c...))
		}
		lists = next
	}
	return slices.Clip(lists[0])
}

// newestFirst orders records by date descending, then slug ascending. Dates
// have one fixed-width form (checkDate), so string order is time order.
func newestFirst(a, b *Record) int {
	return cmp.Or(strings.Compare(b.Date, a.Date), strings.Compare(a.Slug, b.Slug))
}

// bound is the "<date> <slug>" form of a shard's first and last fields;
// in an undated collection "<weight> <slug> <title>" (weight 0 when none):
// the fields byWeight orders by, split at the first two spaces.
func bound(r *Record) string {
	if r.Date == "" {
		return strconv.Itoa(r.Weight) + " " + r.Slug + " " + r.Title
	}
	return r.Date + " " + r.Slug
}

// Diff compares stored manifest objects with built ones: put lists the keys
// whose bytes are new or changed, del the keys no longer produced. Both are
// sorted.
func Diff(old, new map[string][]byte) (put, del []string) {
	for k, b := range new {
		if ob, ok := old[k]; !ok || !bytes.Equal(ob, b) {
			put = append(put, k)
		}
	}
	for k := range old {
		if _, ok := new[k]; !ok {
			del = append(del, k)
		}
	}
	slices.Sort(put)
	slices.Sort(del)
	return put, del
}
