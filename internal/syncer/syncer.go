// Package syncer runs a sync: load and validate the content, build every
// object it produces, list the bucket, plan, and apply.
package syncer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/search"
	"github.com/axctl/axctl/internal/store"
)

// ErrRefused is returned (wrapped) when a guard refuses the plan.
var ErrRefused = plan.ErrRefused

// AssetCacheControl is sent with every content-addressed asset.
const AssetCacheControl = "public, max-age=31536000, immutable"

// Options tune Publish, Rebuild and Pull.
type Options struct {
	// Now is the time expiry and the schedule are judged by (zero: the
	// clock), for Rebuild; Publish takes Validate's.
	Now         time.Time
	DryRun      bool
	MaxDeletes  int // <0: no limit
	Concurrency int
	Progress    func(done, total int)
	// Lease tunes the lease a sync that writes holds (lease.go).
	Lease LeaseOptions
	// Purge says the caller purges the plan's tags after applying it: the
	// plan then records them first in the pending-purge record (pending.go).
	Purge bool
	// Verify HEADs every object the listing shows unchanged and rewrites
	// those whose attributes differ from the content's (verify.go).
	Verify bool
	// Listing, when set, is the first plan's listing, started before the
	// content was validated (Prefetch). A plan that writes lists again
	// under the lease.
	Listing *Listing
	// LeaseFirst takes the lease before listing, so the bucket is listed
	// once, under it, rather than before and again under it: for a caller
	// that nearly always writes (`axctl dev`: every save). A plan that
	// writes nothing then still takes and releases the lease. Not with
	// Listing; a dry run takes no lease either way.
	LeaseFirst bool
}

// Report is what a sync found and did.
type Report struct {
	Entries  int               `json:"entries"` // published entries
	Drafts   int               `json:"drafts"`
	Expired  int               `json:"expired"`
	Problems []content.Problem `json:"-"`
	Plan     *plan.Plan        `json:"plan,omitempty"`
	Result   *plan.Result      `json:"result,omitempty"`
	// Requests made to read the bucket before planning.
	Lists, ManifestGets int `json:"-"`
	// Heads counts the HEADs of --verify; Drift lists what they found.
	Heads int     `json:"heads,omitempty"`
	Drift []Drift `json:"drift,omitempty"`
	// Purge holds the Cache-Tag names the applied plan touched.
	Purge []string `json:"purge,omitempty"`
	// Pending holds the tags earlier syncs recorded and did not purge
	// (contract.PurgePendingKey), as the listing found them.
	Pending []string `json:"pending,omitempty"`
	// Unpurged holds the tags a failed purge left recorded (set by the CLI).
	Unpurged []string `json:"unpurged,omitempty"`
	// Applied is when the last write or delete of the plan was acknowledged
	// (zero when nothing was applied): the second purge is timed from it.
	Applied time.Time `json:"-"`
}

// ValidateOptions tune Validate.
type ValidateOptions struct {
	// Cache, when set, is the render cache: unchanged entries are not
	// rendered again and bodies stay on disk. It is saved when the whole
	// tree is valid.
	Cache *content.Cache
	// Now is the time expiry is judged by and site.json is built at (zero:
	// the clock).
	Now time.Time
	// KeepLater leaves the render cache unsaved: the caller saves it with
	// Built.Keep when the time is its own. `axctl dev` saves after the
	// reload is sent, so gob-encoding every entry's record and search data
	// is not between a save and the reloaded page.
	KeepLater bool
	// Prepared, when set, keeps each search doc the render cache holds
	// prepared for the index (its keys and result data) from one Validate
	// to the next: `axctl dev` does not derive every entry's keys again
	// after a one-entry edit. It holds them in memory, so a one-off sync
	// leaves it nil.
	Prepared *PreparedDocs
	// Unchanged, when set, names the entry files known unchanged since the
	// last Validate with the same Cache started (content.Options.Unchanged):
	// `axctl dev` passes what its file events did not touch.
	Unchanged func(rel string) bool
}

// PreparedDocs are search docs prepared for the index, by the render
// cache's doc file (named by its content, so one name is one doc).
type PreparedDocs struct {
	mu   sync.Mutex
	docs map[string]*search.Prepared
	used map[string]bool // this build's, to forget the others after it
	// live keeps the index's posting lists from one build to the next: a
	// build re-ranks only the keys of the docs that changed.
	live search.Live
}

// get returns the prepared doc of file, reading and preparing it when new.
func (pd *PreparedDocs) get(file string) (*search.Prepared, error) {
	pd.mu.Lock()
	p, ok := pd.docs[file]
	if pd.used == nil {
		pd.used = map[string]bool{}
	}
	pd.used[file] = true
	pd.mu.Unlock()
	if ok {
		return p, nil
	}
	d, err := content.ReadSearchDoc(file)
	if err != nil {
		return nil, err
	}
	if p, err = search.Prepare(*d); err != nil {
		return nil, err
	}
	pd.mu.Lock()
	if pd.docs == nil {
		pd.docs = map[string]*search.Prepared{}
	}
	pd.docs[file] = p
	pd.mu.Unlock()
	return p, nil
}

// forget drops the docs the last build did not use.
func (pd *PreparedDocs) forget() {
	pd.mu.Lock()
	defer pd.mu.Unlock()
	for f := range pd.docs {
		if !pd.used[f] {
			delete(pd.docs, f)
		}
	}
	pd.used = nil
}

// Validate loads the content and builds every object it would produce,
// without touching a store.
func Validate(ctx context.Context, cfg *content.Config, opts ValidateOptions) (*Built, []content.Problem, error) {
	cache, now := opts.Cache, opts.Now
	renderAll := cache == nil || cache.Entries() == 0
	if renderAll {
		gcRenderAll()
	}
	if now.IsZero() {
		now = time.Now()
	}
	b := &Built{records: map[string]*chunks[manifest.Record]{}, cache: cache, now: now, prepared: opts.Prepared, keepLater: opts.KeepLater,
		loading: &loading{}, index: search.NewUnrankedBuilder()}
	warn := func(p content.Problem) { b.Warnings = append(b.Warnings, p) }
	lopts := content.Options{Cache: cache, Warn: warn, Unchanged: opts.Unchanged}
	if scheme, _, _ := strings.Cut(cfg.Target, "://"); strings.EqualFold(scheme, "file") {
		lopts.NameBytes = content.FileNameBytes // a folder on disk: each name is a file's or a folder's
	}
	if renderAll && opts.Prepared == nil {
		// Every entry is rendered, so the search index is built whatever
		// the render cache kept: each entry is indexed on the worker that
		// rendered it, beside the other renders, not in a phase after them.
		lopts.Rendered = b.indexRendered
	}
	problems, err := content.Load(ctx, cfg, lopts, func(e *content.Entry) error {
		switch published(e, now) {
		case isDraft:
			b.drafts++
			return nil
		case isExpired:
			b.expired++
			return nil
		}
		return b.add(e)
	})
	if err != nil || len(problems) > 0 {
		return nil, problems, err
	}
	if err := b.indexing.err; err != nil {
		return nil, nil, fmt.Errorf("build search index: %w", err)
	}
	b.loaded()
	if err := b.manifests(cfg); err != nil {
		return nil, nil, err
	}
	b.pending = chunks[pendingDoc]{} // read by the search index only
	if !opts.KeepLater {
		if err := b.Keep(); err != nil {
			return nil, nil, err
		}
		// Saved: the cache's records (~800 bytes an entry) need not live
		// through the plan and the uploads.
		b.cache = nil
	}
	return b, nil, nil
}

// Whether an entry is published: a draft never is; an expired entry is
// expired for good (never shown again, so not published, and deleted if it
// was). Future publishDates are the Worker's job.
const (
	isPublished = iota
	isDraft
	isExpired
)

func published(e *content.Entry, now time.Time) int {
	if e.Draft() {
		return isDraft
	}
	if exp := e.Front.Expires; !exp.IsZero() && !exp.After(now) {
		return isExpired
	}
	return isPublished
}

// indexRendered indexes a published entry for search as soon as it is
// rendered, on the worker that rendered it (content.Options.Rendered); the
// search index indexes the others after the load.
func (b *Built) indexRendered(e *content.Entry, body []byte) {
	if published(e, b.now) != isPublished {
		return
	}
	d := search.NewDoc(e.Collection.Name, e.Record, body)
	docsMade.Add(1)
	err := error(nil)
	if b.cache != nil {
		err = b.cache.RememberSearch(e.Path, &d)
	}
	if err == nil {
		err = b.index.AddUnranked(d)
	}
	x := &b.indexing
	x.mu.Lock()
	defer x.mu.Unlock()
	if err != nil {
		x.err = cmp.Or(x.err, err)
		return
	}
	if x.done == nil {
		x.done = map[*content.Entry]bool{}
	}
	x.done[e] = true
}

// Keep saves the render cache a valid Validate left in memory, and the
// search index it built (with ValidateOptions.KeepLater; Validate does both
// itself otherwise).
// Keep is KeepCache and KeepIndex.
func (b *Built) Keep() error {
	b.KeepIndex()
	return b.KeepCache()
}

// KeepCache saves the render cache (ValidateOptions.KeepLater). Once only:
// the saved state is the one the next Validate starts from.
func (b *Built) KeepCache() error {
	if b.cache == nil {
		return nil
	}
	return b.cache.Save()
}

// KeepIndex writes the search index a Validate with KeepLater built beside
// the render cache, for the next sync to reuse; `axctl dev` writes only its
// last one, when it stops. An index that cannot be kept is built again
// next time.
func (b *Built) KeepIndex() {
	if b.keepIndex != nil {
		_ = b.keepIndex()
		b.keepIndex = nil
	}
}

// Built is every object the content produces.
type Built struct {
	// parts hold every item (Items), each once: the entries' and assets'
	// in the chunks add appended them to, then the manifests', then the
	// search index's. Copied into one slice, they were ~20 MB more at a
	// 100,000-entry sync's peak; the plan reads them where they are.
	parts  [][]plan.Item
	nitems int
	// records are the published entries' records by collection, in the
	// chunks add appended them to: a no-op never needs them in one slice
	// (flatRecords), and copying 100,000 of them (~30 MB) was at its peak.
	records map[string]*chunks[manifest.Record]
	// pending are the published entries the search index reads (in the
	// chunks add appended them to, as the records).
	pending chunks[pendingDoc]
	// index is the search index, built from the docs indexRendered adds
	// while the entries load, then from the others (searchIndex);
	// indexing, what indexRendered did.
	index    *search.Builder
	indexing struct {
		mu   sync.Mutex
		done map[*content.Entry]bool // indexed, until add takes it
		err  error
	}
	// cache keeps each entry's search doc for the next sync (nil: none).
	cache *content.Cache
	now   time.Time
	// prepared keeps search docs prepared between Validates (dev).
	prepared *PreparedDocs
	// keepLater defers the writes that only speed up the next sync (the
	// render cache, the search index kept beside it) to Keep; keepIndex is
	// the index's.
	keepLater bool
	keepIndex func() error
	assets    map[string]bool
	drafts    int
	expired   int
	entries   int
	// local holds the MD5 of each produced manifest object by key (their
	// bytes are in a temporary file, spill.go); site the bytes of site.json.
	local map[string]string
	// loading holds what add appends until every entry is loaded (nil
	// after); loadedItems the entries' and assets' items from then until
	// manifests puts every item in parts.
	loading     *loading
	loadedItems chunks[plan.Item]
	// spill is the temporary file the manifests and a new search index
	// are kept in (nil before the manifests are built).
	spill *spill
	site  []byte
	// Warnings do not stop a sync: code blocks published plain because
	// their highlighting failed or ran out of time (validate shows them too).
	Warnings []content.Problem
}

// loading is what Built.add appends, in chunks: a slice of 100,000
// records or items grown by append is copied again and again (Go grows a
// large slice by a quarter: ~5× its final bytes allocated, each copy behind
// the collector's write barriers); chunks are copied once, by loaded.
type loading struct {
	items   chunks[plan.Item]
	pending chunks[pendingDoc]
	// bodies is the folder of the render cache's bodies, once an entry
	// named one (plan.Item.SrcByMD5).
	bodies string
}

func (b *Built) add(e *content.Entry) error {
	b.entries++
	l := b.loading
	// b.records only grows, and nothing reorders it in place (purge sorts
	// a clone); the item's Meta is set from it once every entry is loaded.
	col := e.Collection.Name
	recs := b.records[col]
	if recs == nil {
		recs = &chunks[manifest.Record]{}
		b.records[col] = recs
	}
	b.indexing.mu.Lock()
	indexed := b.indexing.done[e]
	delete(b.indexing.done, e)
	b.indexing.mu.Unlock()
	l.pending.add(pendingDoc{collection: col, record: int32(recs.n), item: int32(l.items.n),
		path: e.Path, docFile: e.SearchFile, indexed: indexed})
	recs.add(e.Record)
	it := plan.Item{
		Key: e.Record.Key, Kind: plan.KindEntry, Body: e.HTML, MD5: e.BodyMD5, Src: e.BodyFile,
		Attrs: store.Attrs{ContentType: "text/html; charset=utf-8"},
		Hash:  e.Record.Hash, Input: e.Record.Input,
	}
	if e.HTML != nil {
		it.MD5 = store.MD5Hex(e.HTML)
	} else if dir, ok := bodyFolder(e.BodyFile, e.BodyMD5, l.bodies); ok {
		it.Src, it.SrcByMD5, l.bodies = dir, true, dir
	}
	l.items.add(it)
	for _, a := range e.Assets {
		if b.assets == nil {
			b.assets = map[string]bool{}
		}
		if b.assets[a.Key] {
			continue
		}
		b.assets[a.Key] = true
		l.items.add(plan.Item{
			Key: a.Key, Kind: plan.KindAsset, Open: a.Open, Size: a.Size, MD5: a.MD5,
			Attrs: store.Attrs{ContentType: a.ContentType, CacheControl: AssetCacheControl},
		})
	}
	return nil
}

// bodyFolder returns the folder of file when file is <folder>/<md5>.html
// (a body the render cache keeps, plan.Item.SrcFile), and false when it is
// not. The folder is last when it is that one, so that every entry's item
// holds the same string.
func bodyFolder(file, md5, last string) (string, bool) {
	name := len(file) - len(md5) - len(".html")
	if md5 == "" || name < 2 || file[name-1] != os.PathSeparator || file[name:name+len(md5)] != md5 || file[name+len(md5):] != ".html" {
		return "", false
	}
	if dir := file[:name-1]; dir != last {
		return strings.Clone(dir), true
	}
	return last, true
}

// loaded moves what add appended into b.pending and b.loadedItems (until
// manifests knows every item), in their chunks, as the records are.
func (b *Built) loaded() {
	l := b.loading
	b.loading = nil
	b.loadedItems = l.items
	b.pending = l.pending
}

// record is the i-th record of collection col.
func (b *Built) record(col string, i int32) *manifest.Record {
	return b.records[col].at(int(i))
}

// recordSlices makes the records one slice per collection in place, for
// manifest.BuildEach (a sync whose records changed): copied once, the
// chunks left to the collector, so that the build does not run beside a
// second copy. Nothing may point into the chunks yet (the items' Meta is
// set after the manifests).
func (b *Built) recordSlices() map[string][]manifest.Record {
	out := make(map[string][]manifest.Record, len(b.records))
	for c, recs := range b.records {
		out[c] = recs.flatten()
	}
	return out
}

// flatRecords copies the records into one slice per collection, for the
// purge (a sync that writes).
func (b *Built) flatRecords() map[string][]manifest.Record {
	out := make(map[string][]manifest.Record, len(b.records))
	for c, recs := range b.records {
		out[c] = recs.flat()
	}
	return out
}

// chunkLen is the length of a chunk.
const chunkLen = 1024

// chunks is a list appended to in fixed-size chunks, so what it holds never
// moves until flat copies it once, or flatten moves it into one block.
type chunks[T any] struct {
	blocks [][]T
	n      int
	single bool // flatten made blocks one block of every value
}

func (c *chunks[T]) add(v T) {
	if k := len(c.blocks); k == 0 || len(c.blocks[k-1]) == chunkLen {
		c.blocks = append(c.blocks, make([]T, 0, chunkLen))
	}
	last := &c.blocks[len(c.blocks)-1]
	*last = append(*last, v)
	c.n++
}

// flat returns everything added, in order, in one slice of exactly that
// length.
func (c *chunks[T]) flat() []T {
	return c.appendTo(make([]T, 0, c.n))
}

// appendTo appends everything added, in order, to out.
func (c *chunks[T]) appendTo(out []T) []T {
	for _, b := range c.blocks {
		out = append(out, b...)
	}
	return out
}

// all yields every value added, in order, with its index.
func (c *chunks[T]) all() iter.Seq2[int, *T] {
	return func(yield func(int, *T) bool) {
		i := 0
		for _, b := range c.blocks {
			for j := range b {
				if !yield(i, &b[j]) {
					return
				}
				i++
			}
		}
	}
}

// at returns the i-th value added.
func (c *chunks[T]) at(i int) *T {
	if c.single {
		return &c.blocks[0][i]
	}
	return &c.blocks[i/chunkLen][i%chunkLen]
}

// flatten moves every value into one slice of exactly their number (a
// copy, unless they are in one already) and returns it; c holds that slice
// from then on. Nothing may be added after.
func (c *chunks[T]) flatten() []T {
	if !c.single {
		c.blocks, c.single = [][]T{c.flat()}, true
	}
	if len(c.blocks) == 0 {
		return nil
	}
	return c.blocks[0]
}

// manifests adds the manifests and the search index; with a render cache,
// both are kept beside it for the next sync (manifestcache.go,
// searchcache.go).
func (b *Built) manifests(cfg *content.Config) error {
	cols := Collections(cfg)
	var manifestDir, searchDir, fingerprint string
	if b.cache != nil {
		manifestDir = filepath.Join(b.cache.Dir(), "manifests")
		searchDir = filepath.Join(b.cache.Dir(), "search")
		fingerprint = b.cache.Fingerprint()
	}
	items, err := b.buildManifests(manifest.Site{Title: cfg.Site.Title, BaseURL: cfg.Site.BaseURL, Lang: cfg.Site.Lang, Now: b.now}, cols, cfg.PageSize, manifestDir, fingerprint)
	if err != nil {
		return fmt.Errorf("build manifests: %w", err)
	}
	slices.SortFunc(items, func(x, y plan.Item) int { return strings.Compare(x.Key, y.Key) })
	index, err := b.searchItems(searchDir)
	if err != nil {
		return err
	}
	slices.SortFunc(index, func(x, y plan.Item) int { return strings.Compare(x.Key, y.Key) })
	// The records no longer move (a build made them one slice each, in
	// place: recordSlices): each entry item's metadata is made from its
	// record where it is when the item is written or verified.
	for _, p := range b.pending.all() {
		b.loadedItems.at(int(p.item)).Meta = b.record(p.collection, p.record).Metadata
	}
	b.parts = append(b.loadedItems.blocks, items, index)
	b.nitems = b.loadedItems.n + len(items) + len(index)
	b.loadedItems = chunks[plan.Item]{}
	return nil
}

// Items yields every object the content produces: the entries and their
// assets in the order they were loaded, then the manifests, then the
// search index (each sorted by key).
func (b *Built) Items() iter.Seq[*plan.Item] {
	return func(yield func(*plan.Item) bool) {
		for _, part := range b.parts {
			for i := range part {
				if !yield(&part[i]) {
					return
				}
			}
		}
	}
}

// Len is the number of objects the content produces.
func (b *Built) Len() int { return b.nitems }

// docsMade counts the search docs made from entry bodies (tests read it).
var docsMade atomic.Int64

// pendingDoc is an entry whose text the search index reads: its search doc
// kept by the render cache, else its rendered body in memory or in the
// render cache's file.
type pendingDoc struct {
	collection string
	path       string // the entry file, the render cache's key
	docFile    string // the search doc the render cache kept; "": made from the body
	record     int32  // index in records[collection]
	item       int32  // index in loadedItems: the body (Body, or the file Src)
	indexed    bool   // in the search index already (indexRendered)
}

// searchIndex builds the search index, reading and indexing the entries in
// parallel, one body at a time per worker (search.Builder keeps postings,
// not the entries' words). An entry whose search doc the render cache kept
// is indexed from it without reading its body; the docs made here are kept
// for the next sync.
func (b *Built) searchIndex(emit func(key string, body []byte) error) error {
	// The index ranks its docs when it has them all: it holds those
	// indexRendered added already.
	sb := b.index
	// With prepared docs kept (dev), every doc is prepared and the kept
	// posting lists are brought up to them (search.Live).
	var live []search.LiveDoc
	add := func(_ int, d search.Doc) error { return sb.AddUnranked(d) }
	if b.prepared != nil {
		live = make([]search.LiveDoc, b.pending.n)
		add = func(i int, d search.Doc) error {
			pd, err := search.Prepare(d)
			live[i] = search.LiveDoc{P: pd, Date: d.Date}
			return err
		}
	}
	// GOMAXPROCS workers take the docs in turn: a goroutine per doc behind
	// errgroup's limit woke this one to start the next after every doc.
	doc := func(i int, p *pendingDoc) error {
		if p.indexed {
			return nil
		}
		rec := *b.record(p.collection, p.record)
		if p.docFile != "" && b.prepared != nil {
			if pd, err := b.prepared.get(p.docFile); err == nil && pd.Collection == p.collection && pd.Slug == rec.Slug {
				live[i] = search.LiveDoc{P: pd, Date: rec.Date}
				return nil
			}
		} else if p.docFile != "" {
			// A doc that cannot be read is made again from the body.
			if d, err := content.ReadSearchDoc(p.docFile); err == nil && d.Collection == p.collection && d.Slug == rec.Slug {
				return add(i, *d)
			}
		}
		it := b.loadedItems.at(int(p.item))
		body := it.Body
		if src := it.SrcFile(); body == nil && src != "" {
			var err error
			if body, err = os.ReadFile(src); err != nil {
				return fmt.Errorf("read rendered body of %s/%s: %w", p.collection, rec.Slug, err)
			}
		}
		d := search.NewDoc(p.collection, rec, body)
		docsMade.Add(1)
		if b.cache != nil {
			if err := b.cache.RememberSearch(p.path, &d); err != nil {
				return err
			}
		}
		return add(i, d)
	}
	var next atomic.Int64
	var g errgroup.Group
	for range min(runtime.GOMAXPROCS(0), b.pending.n) {
		g.Go(func() error {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.pending.n {
					return nil
				}
				if err := doc(i, b.pending.at(i)); err != nil {
					return err
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if b.prepared != nil {
		b.prepared.forget()
		b.prepared.mu.Lock()
		defer b.prepared.mu.Unlock()
		return b.prepared.live.Each(live, emit)
	}
	if n := sb.Len(); n != b.pending.n {
		return fmt.Errorf("search index: %d docs for %d published entries", n, b.pending.n)
	}
	return sb.Each(emit)
}

// Collections maps the config's collections to the manifest's.
func Collections(cfg *content.Config) []manifest.Collection {
	cols := make([]manifest.Collection, len(cfg.Collections))
	for i, c := range cfg.Collections {
		cols[i] = manifest.Collection{Name: c.Name, Route: c.Route, Title: c.Title, FullFeed: c.Feed.Full}
		if c.SortBy == contract.SortWeight {
			cols[i].SortBy = c.SortBy
		}
	}
	return cols
}

// manifestItem is the write of one manifest or search index object.
func manifestItem(key string, body []byte) plan.Item {
	return plan.Item{Key: key, Kind: plan.KindManifest, Body: body, MD5: store.MD5Hex(body),
		Attrs: store.Attrs{ContentType: "application/json"}}
}

func isShard(key string) bool {
	return strings.HasPrefix(key, "metadata/") && strings.Count(key, "/") == 2 &&
		!strings.HasPrefix(key, contract.TagsPrefix) && !strings.HasPrefix(key, contract.SitemapsPrefix)
}

// Publish lists the bucket, reads the manifests that changed, plans and
// applies. A plan that writes is made again and applied under the bucket's
// lease (contract.LeaseKey): two syncs at once run one after the other, and
// neither deletes what the other's manifests name. A sync with nothing to
// do takes no lease (it writes nothing), so a no-op still costs the LISTs
// alone (unless Options.LeaseFirst).
func Publish(ctx context.Context, built *Built, storage store.Store, opts Options) (*Report, error) {
	reads, seen := readCache{}, verdicts{}
	if opts.LeaseFirst && !opts.DryRun {
		if opts.Listing != nil {
			return nil, errors.New("sync: LeaseFirst with a prefetched listing")
		}
		lctx, l, err := acquireLease(ctx, storage, opts.Lease)
		if err != nil {
			return nil, err
		}
		defer l.release(ctx)
		return planAndApply(lctx, built, storage, opts, reads, seen, nil)
	}
	return withLease(ctx, storage, opts, func(ctx context.Context, first *Report) (*Report, error) {
		if first == nil {
			return makePlan(ctx, built, storage, opts, opts.Listing, reads, seen)
		}
		return planAndApply(ctx, built, storage, opts, reads, seen, first) // listed again under the lease; manifests unchanged since the first listing are not read again
	})
}

// withLease runs do without the lease (first nil); a result with
// something to write, unless on a dry run, is made again by do under the
// bucket's lease, given the first result: sync and manifest rebuild write
// only under it, and take none when they have nothing to write.
func withLease(ctx context.Context, storage store.Store, opts Options, do func(ctx context.Context, first *Report) (*Report, error)) (*Report, error) {
	rep, err := do(ctx, nil)
	if err != nil || opts.DryRun || rep.Plan.Empty() {
		return rep, err
	}
	lctx, l, err := acquireLease(ctx, storage, opts.Lease)
	if err != nil {
		return rep, err
	}
	defer l.release(ctx)
	rep, err = do(lctx, rep)
	return rep, leaseCause(lctx, err)
}

// planAndApply lists, plans and applies under the lease (lctx); first is
// the plan made before it was taken, whose requests are counted too.
func planAndApply(lctx context.Context, built *Built, storage store.Store, opts Options, reads readCache, seen verdicts, first *Report) (*Report, error) {
	rep, err := makePlan(lctx, built, storage, opts, nil, reads, seen)
	if first != nil {
		rep.Lists, rep.ManifestGets, rep.Heads = rep.Lists+first.Lists, rep.ManifestGets+first.ManifestGets, rep.Heads+first.Heads
	}
	if err != nil || rep.Plan.Empty() {
		return rep, leaseCause(lctx, err)
	}
	rep.Result, err = plan.Apply(lctx, fenceWrites(lctx, storage), rep.Plan, plan.ApplyOptions{Concurrency: opts.Concurrency, Progress: opts.Progress})
	rep.Applied = time.Now()
	return rep, leaseCause(lctx, err)
}

// leaseCause reports a lost lease rather than the cancellation it caused.
func leaseCause(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); err != nil && errors.Is(cause, ErrLeaseLost) {
		return cause
	}
	return err
}

// readCache holds the manifests a plan read, by key, with their ETags.
type readCache map[string]struct {
	etag string
	body []byte
}

// get returns the body of key, which the listing shows with etag: from the
// cache when it read that very ETag, else from the store. read says whether
// a request was made.
func (c readCache) get(ctx context.Context, storage store.Store, key, etag string) (body []byte, read bool, err error) {
	if r, ok := c[key]; ok && r.etag == etag && etag != "" {
		return r.body, false, nil
	}
	body, obj, _, err := storage.Get(ctx, key)
	if err == nil {
		c[key] = struct {
			etag string
			body []byte
		}{obj.ETag, body}
	}
	return body, true, err
}

// makePlan lists the bucket, reads the manifests that changed and plans.
// listing, when not nil, is a listing started earlier (Prefetch).
func makePlan(ctx context.Context, built *Built, storage store.Store, opts Options, listing *Listing, reads readCache, seen verdicts) (*Report, error) {
	rep := &Report{Entries: built.entries, Drafts: built.drafts, Expired: built.expired}
	rep.Lists = 1
	var remote map[string]store.Object
	var pendingObj store.Object
	var err error
	if listing != nil {
		remote, pendingObj, err = listing.wait(ctx)
	} else {
		remote, pendingObj, err = list(ctx, storage)
	}
	if err != nil {
		return rep, err
	}
	prev, old, gets, err := previous(ctx, storage, built, remote, reads)
	rep.ManifestGets = gets
	if err != nil {
		return rep, err
	}
	rep.Plan = plan.MakeOf(built.parts, remote, prev)
	if opts.Verify {
		if rep.Drift, rep.Heads, err = verify(ctx, storage, built.Items(), remote, rep.Plan, opts.Concurrency, seen); err != nil {
			return rep, err
		}
	}
	shell, err := shellChanged(ctx, storage, built, rep.Plan, remote, reads)
	if err != nil {
		return rep, err
	}
	if shell.read {
		rep.ManifestGets++
	}
	rep.Purge = purgeTags(rep.Plan, built, old, shell.changed)
	if err := planPending(ctx, storage, rep, pendingObj, opts.Purge); err != nil {
		return rep, err
	}
	return rep, rep.Plan.Guard(opts.MaxDeletes)
}

// previous reads the shards whose ETag differs from the local bytes (only
// those can describe an entry differently from the content) and returns
// what they say about each entry: the old records, for the plan's reasons
// and for purging the tags an entry no longer has.
func previous(ctx context.Context, storage store.Store, built *Built, remote map[string]store.Object, reads readCache) (map[string]plan.Previous, map[string]manifest.Record, int, error) {
	prev := map[string]plan.Previous{}
	old := map[string]manifest.Record{}
	var keys []string
	for k, o := range remote {
		if isShard(k) && o.ETag != built.local[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	gets := 0
	for _, k := range keys {
		body, read, err := reads.get(ctx, storage, k, remote[k].ETag)
		if read {
			gets++
		}
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, gets, fmt.Errorf("read %s: %w", k, err)
		}
		sh, err := manifest.DecodeShard(body)
		if err != nil {
			continue // an unreadable old shard only makes reasons vaguer
		}
		for _, r := range sh.Records {
			key := manifest.EntryKey(sh.Collection, r.Slug)
			old[key] = r
			prev[key] = plan.Previous{Hash: r.Hash, Input: r.Input, MetaDigest: plan.MetaDigest(manifest.ToMetadata(r))}
		}
	}
	return prev, old, gets, nil
}

type shellCheck struct{ changed, read bool }

// shellChanged reports whether the part of site.json every page shows (the
// site title and the collections; a collection's fullFeed too, which
// changes its feeds and the site's) differs from the bucket's. It costs one
// GET, and only when site.json is being rewritten.
func shellChanged(ctx context.Context, storage store.Store, built *Built, p *plan.Plan, remote map[string]store.Object, reads readCache) (shellCheck, error) {
	writes := false
	for _, a := range p.Uploads {
		writes = writes || a.Key == manifest.SiteKey
	}
	if !writes {
		return shellCheck{}, nil
	}
	if _, ok := remote[manifest.SiteKey]; !ok {
		return shellCheck{changed: true}, nil
	}
	body, read, err := reads.get(ctx, storage, manifest.SiteKey, remote[manifest.SiteKey].ETag)
	if err != nil {
		return shellCheck{read: read}, fmt.Errorf("read %s: %w", manifest.SiteKey, err)
	}
	oldSite, err := manifest.DecodeSite(body)
	if err != nil {
		return shellCheck{changed: true, read: read}, nil
	}
	newSite, err := manifest.DecodeSite(built.site)
	if err != nil {
		return shellCheck{}, fmt.Errorf("read back %s: %w", manifest.SiteKey, err)
	}
	return shellCheck{changed: shell(oldSite) != shell(newSite), read: read}, nil
}

func shell(s manifest.SiteManifest) string {
	var b strings.Builder
	b.WriteString(s.Title + "\x00" + s.BaseURL)
	for _, c := range s.Collections {
		b.WriteString("\x00" + c.Name + "\x00" + c.Route + "\x00" + c.Title + "\x00" + strconv.FormatBool(c.FullFeed))
	}
	return b.String()
}
