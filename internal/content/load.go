package content

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/render"
)

// Asset is a local file an entry references, uploaded content-addressed.
type Asset struct {
	Key         string // assets/<hash>.<ext>
	Src         string // path on disk, for messages
	Rel         string // path relative to the content root, slash-separated
	ContentType string
	Size        int64
	MD5         string // hex MD5 of the bytes hashed at validation
	Static      bool   // Rel is in the static folder (Config.Static), not the content root

	tree *Tree // the root Rel is opened from at upload
}

// Entry is one loaded, validated and rendered Markdown file.
type Entry struct {
	Collection *Collection
	Path       string // as given to the user in messages
	Slug       string
	Front      Frontmatter
	Record     manifest.Record // Hash and Input set
	// HTML is the rendered body; nil when a Cache holds it in BodyFile.
	HTML     []byte
	BodyFile string
	BodyMD5  string // set with BodyFile
	Assets   []Asset
	// SearchFile is the entry's search doc kept by a Cache
	// (ReadSearchDoc), "" when there is none (search.NewDoc makes it from
	// the record and the body).
	SearchFile string
	// Highlighted counts the code blocks this load gave to chroma (0 when
	// the body came from a Cache).
	Highlighted int
	refs        []localRef
	rel         string // the file, relative to the content root
	transient   bool   // a warning of this load only: not kept by a Cache
	aliasAt     [2]int // line and column of the frontmatter's aliases (or slug)
}

// Metadata returns the object's custom metadata (decoded): it is made from
// the record each time, so a sync holds no map per entry.
func (e *Entry) Metadata() map[string]string { return manifest.ToMetadata(e.Record) }

// Draft reports whether the entry must never be published.
func (e *Entry) Draft() bool { return e.Front.Draft }

// Options tune Load.
type Options struct {
	Concurrency int // default GOMAXPROCS
	// Cache, when set, skips rendering unchanged files and keeps rendered
	// bodies on disk (Entry.BodyFile) instead of in memory.
	Cache *Cache
	// Warn, when set, receives each warning (sorted, after the run): a code
	// block shown plain because its highlighting failed or ran out of time.
	// Warnings never make an entry invalid.
	Warn func(Problem)
	// Unchanged, when set with Cache, says which entry files (by path
	// relative to the content root, slash-separated) the caller knows have
	// not changed since the last Load with this Cache started (`axctl dev`
	// learns it from file events). Such a file, opened by that Load, is not
	// opened or stat'd again: its size and modification time are that
	// Load's, and a link to it is known to resolve. Any other file is read
	// as without it.
	Unchanged func(rel string) bool
	// Rendered, when set, is called with each entry Load renders, on the
	// worker that rendered it, as soon as it is (several at once), with its
	// body (Entry.HTML, or what the Cache moved to Entry.BodyFile): work
	// that reads the body can run beside the other entries' renders. It is
	// not called for an entry the Cache reused or one with a problem of its
	// own; fn may still refuse an entry it saw (a problem found across
	// entries, which fails the Load), and is not told it saw it.
	Rendered func(e *Entry, body []byte)
	// NameBytes, when not 0, bounds every name (between slashes) of the
	// target's object keys, as a file:// target must (each name is a file
	// or folder on disk: FileNameBytes). Sync and dev set it for a file://
	// target; validate, which does not know the target, does not.
	NameBytes int
}

// FileNameBytes is the longest file or folder name the file systems a
// file:// target is written to accept (ext4, XFS, Btrfs, APFS: 255 bytes).
const FileNameBytes = 255

// Load walks every collection, parses, validates and renders each entry, and
// calls fn (from one goroutine at a time) for each entry without problems.
// It returns every problem of the whole tree, sorted by path and position.
// A non-nil error means the tree could not be read at all.
func Load(ctx context.Context, cfg *Config, opts Options, fn func(*Entry) error) ([]Problem, error) {
	// The tree stays open after Load: the assets it returns reopen their
	// files through it at upload (os.Root's finalizer closes it).
	tree, err := OpenTree(cfg)
	if err != nil {
		return nil, err
	}
	files, problems, err := discover(cfg, tree)
	if err != nil {
		return nil, err
	}
	workers := opts.Concurrency
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	static, err := OpenStatic(cfg)
	if err != nil {
		return nil, err
	}
	l := &loader{cfg: cfg, tree: tree, static: static, assets: map[string]*Asset{}, r: render.Shared(), cache: opts.Cache, rendered: opts.Rendered}
	if opts.Cache != nil {
		opts.Cache.begin()
		if opts.Cache.watching() {
			l.seen = map[string]fileStamp{}
		}
		if opts.Unchanged != nil {
			l.prev, l.unchanged = opts.Cache.takeSeen(), opts.Unchanged
		} else {
			opts.Cache.takeSeen()
		}
	}
	type result struct {
		e  *Entry
		ps []Problem
	}
	// Each worker takes the next file itself (no goroutine hands them
	// out: a rendezvous per file, and at 2 cores a wake-up of that
	// goroutine after nearly every one); results has room for a few
	// entries a worker, so a worker seldom waits for this goroutine.
	var next atomic.Int64
	results := make(chan result, 4*workers)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1)) - 1
				if k >= len(files) || ctx.Err() != nil {
					return // done, or cancelled: nothing new is rendered
				}
				e, ps := l.entry(files[k])
				select {
				case results <- result{e, ps}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	urls := map[string]string{}
	aliases := map[string][]*Entry{}   // alias → entries claiming it
	targets := map[string]linkTarget{} // the entries a link to would warn about
	byURL := map[string]linkTarget{}   // the same by URL, for site-absolute links
	var links []entryLinks
	var fnErr error
	for {
		// On cancellation Load returns at once: workers start nothing new,
		// and a render in progress (bounded by its budget) is dropped.
		res, ok := receive(ctx, results)
		if !ok {
			break
		}
		problems = append(problems, res.ps...)
		if res.e == nil {
			continue
		}
		if ps := cfg.keyProblems(res.e, opts.NameBytes); len(ps) > 0 {
			problems = append(problems, ps...)
			continue
		}
		if prev, dup := urls[res.e.Record.URL]; dup {
			a, b := prev, res.e.Path
			if b < a {
				a, b = b, a
			}
			problems = append(problems, Problem{Path: b, Line: 1, Col: 1, Msg: fmt.Sprintf("entry maps to URL %q, as does %s: give one a slug: in its frontmatter, or leave one out with exclude:", res.e.Record.URL, a)})
			continue
		}
		urls[res.e.Record.URL] = res.e.Path
		e := res.e
		if e.Front.Draft || !e.Front.PublishDate.IsZero() || !e.Front.Expires.IsZero() {
			// A link to any other entry needs no warning.
			targets[e.rel] = linkTarget{draft: e.Front.Draft, publish: e.Front.PublishDate, expires: e.Front.Expires}
			byURL[e.Record.URL] = targets[e.rel]
		}
		if len(e.refs) > 0 {
			links = append(links, entryLinks{path: e.Path, refs: e.refs})
		}
		for _, a := range e.Front.Aliases {
			aliases[a] = append(aliases[a], e)
		}
		if fnErr == nil && fn != nil {
			fnErr = fn(res.e)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if l.cache != nil {
		l.cache.keepSeen(l.seen) // every worker is done: results is closed
	}
	l.folders.close(tree)
	problems = append(problems, aliasCollisions(cfg, aliases, urls)...)
	now := time.Now()
	problems = append(problems, linkWarnings(targets, links, now)...)
	problems = append(problems, l.siteLinkProblems(urls, aliases, byURL, links, now)...)
	SortProblems(problems)
	return splitWarnings(problems, opts.Warn), fnErr
}

// receive returns the next value from ch, or false once ch is closed or ctx
// is done.
func receive[T any](ctx context.Context, ch <-chan T) (T, bool) {
	select {
	case v, ok := <-ch:
		return v, ok
	case <-ctx.Done():
		var zero T
		return zero, false
	}
}

// SortProblems orders problems by path, line and column.
func SortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

type loader struct {
	cfg    *Config
	tree   *Tree
	static *Tree // nil without Config.Static
	r      *render.Renderer
	cache  *Cache
	// prev is the size and time of each entry file the last Load with
	// cache looked at, trusted for the files unchanged says are
	// (Options.Unchanged); seen is this Load's, for the next.
	prev      map[string]fileStamp
	unchanged func(rel string) bool

	folders folders // of the entry files, for lstatFound
	// rendered is Options.Rendered.
	rendered func(e *Entry, body []byte)

	mu     sync.Mutex
	assets map[string]*Asset
	// byHash holds the assets of assets by the hex part of their key
	// ("assets/<hex>.<ext>"), for assetsOf.
	byHash map[string][]*Asset
	seen   map[string]fileStamp
}

// fileStamp is what the render cache compares of an entry file: a
// FileInfo kept per entry for the next Load held its whole stat buffer.
type fileStamp struct{ size, mod int64 }

func stampOf(st fs.FileInfo) fileStamp { return fileStamp{st.Size(), st.ModTime().UnixNano()} }

// known returns the size and time the last Load had for rel when rel has
// not changed since (false otherwise).
func (l *loader) known(rel string) (fileStamp, bool) {
	if l.unchanged == nil {
		return fileStamp{}, false
	}
	st, ok := l.prev[rel]
	return st, ok && l.unchanged(rel)
}

func (l *loader) saw(rel string, st fileStamp) {
	if l.seen == nil {
		return
	}
	l.mu.Lock()
	l.seen[rel] = st
	l.mu.Unlock()
}

// entry loads one file; it returns the entry, or nil and its problems.
func (l *loader) entry(f file) (*Entry, []Problem) {
	prob := func(line, col int, format string, args ...any) (*Entry, []Problem) {
		return nil, []Problem{{Path: f.path, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}}
	}
	if st, ok := l.known(f.rel); ok && l.cache != nil {
		if e, ws := l.cache.lookup(l, f, st, nil); e != nil {
			l.saw(f.rel, st)
			return e, ws
		}
	}
	if l.cache != nil {
		// A file the cache knows by its size and modification time is not
		// opened: Open would Lstat every segment of its path (refusing a
		// symbolic link anywhere on it), then open it through the root
		// and fstat it, most of a no-op sync's system calls. discover
		// walked its folders without following links, so the file alone
		// is looked at. A miss goes on to Open.
		if st, err := l.tree.lstatFound(&l.folders, f.rel); err == nil && st.Mode().IsRegular() && st.Size() <= l.cfg.Limits.EntryBytes {
			if e, ws := l.cache.lookup(l, f, stampOf(st), nil); e != nil {
				l.saw(f.rel, stampOf(st))
				return e, ws
			}
		}
	}
	fd, st, err := l.tree.Open(f.rel)
	if err != nil {
		return prob(1, 1, "%v", err)
	}
	defer fd.Close()
	l.saw(f.rel, stampOf(st))
	if st.Size() > l.cfg.Limits.EntryBytes {
		return prob(1, 1, "entry is %d bytes; the limit is %d (limits.entryBytes)", st.Size(), l.cfg.Limits.EntryBytes)
	}
	if l.cache != nil {
		if e, ws := l.cache.lookup(l, f, stampOf(st), nil); e != nil {
			return e, ws
		}
	}
	src := make([]byte, 0, st.Size()+1)
	in := io.LimitReader(fd, l.cfg.Limits.EntryBytes+1)
	for {
		n, err := in.Read(src[len(src):cap(src)])
		src = src[:len(src)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return prob(1, 1, "cannot read: %v", err)
		}
		if len(src) == cap(src) {
			src = append(src, 0)[:len(src)] // the file grew: make room
		}
	}
	if int64(len(src)) > l.cfg.Limits.EntryBytes {
		return prob(1, 1, "entry is %d bytes; the limit is %d (limits.entryBytes)", len(src), l.cfg.Limits.EntryBytes)
	}
	if l.cache == nil {
		e, problems := l.parse(f, src)
		l.made(e, nil, problems)
		return e, problems
	}
	if e, ws := l.cache.lookup(l, f, stampOf(st), src); e != nil {
		return e, ws
	}
	e, problems := l.parse(f, src)
	// An entry that loaded has warnings only: the cache keeps them, and a
	// hit reports them as this render did. A warning of this run only
	// (highlighting that ran out of time) renders again next time.
	if e != nil && !e.transient {
		html := e.HTML
		if err := l.cache.remember(f, st, src, e, e.refs, problems); err != nil {
			return prob(1, 1, "%v", err)
		}
		l.made(e, html, problems) // after remember: the Cache knows the entry
		return e, problems
	}
	l.made(e, nil, problems)
	return e, problems
}

// made hands an entry just rendered to Options.Rendered with its body
// (nil: e.HTML), unless it has a problem of its own (a warning is not one).
func (l *loader) made(e *Entry, body []byte, problems []Problem) {
	if l.rendered == nil || e == nil {
		return
	}
	if body == nil {
		body = e.HTML
	}
	for _, p := range problems {
		if !p.Warning {
			return
		}
	}
	l.rendered(e, body)
}

func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// record builds the manifest record, with the input and output hashes, and
// its metadata.
func (l *loader) record(e *Entry, res *render.Result, src []byte) (manifest.Record, map[string]string) {
	col := e.Collection
	r := manifest.Record{
		Slug: e.Slug, URL: manifest.EntryURL(col.Route, e.Slug), Key: manifest.EntryKey(col.Name, e.Slug),
		Title: e.Front.Title, Date: fmtDate(e.Front.Date), Weight: e.Front.Weight,
		Features: e.Front.Features, Words: res.Words,
		PublishDate: fmtDate(e.Front.PublishDate), Expires: fmtDate(e.Front.Expires), Aliases: e.Front.Aliases,
	}
	r.ListText, r.EntryText = e.Front.ListText, e.Front.EntryText
	for _, t := range e.Front.Tags {
		r.Tags = append(r.Tags, manifest.Tag{Name: t, Slug: TagSlug(t)})
	}
	in := sha256.New()
	// The input hash leaves the renderer version out: same input with a new
	// hash means the renderer changed (the plan's reason says so).
	fmt.Fprintf(in, "%s\x00%s\x00%s\x00", col.Name, col.Route, col.Template)
	if col.undated() {
		in.Write([]byte("sortBy=weight\x00")) // the record drops the date: not "renderer changed"
	}
	if col.Titles == "heading" {
		in.Write([]byte("titles=heading\x00"))
	}
	in.Write(src)
	for _, a := range e.Assets {
		in.Write([]byte("\x00" + a.Key))
	}
	r.Input = hex.EncodeToString(in.Sum(nil))[:32]
	meta := manifest.ToMetadata(r)
	r.Hash = ContentHash(meta, e.HTML)
	meta[contract.MetaHash] = r.Hash
	return r, meta
}

// MaxTOC bounds the table of contents an entry body carries (its first
// headings): a page of 50,000 headings gets a usable one, and the Worker
// lays out a bounded list.
const MaxTOC = 100

// withMarker prefixes a body with a comment naming its hash. The hash covers
// the metadata too, so the body's bytes, and the ETag a listing shows for
// them, change whenever anything about the object does: a sync can tell an
// unchanged object from a LIST alone, metadata-only edits included.
func withMarker(hash string, html []byte) []byte {
	out := make([]byte, 0, len(html)+48)
	out = append(out, "<!-- axctl "...)
	out = append(out, hash...)
	out = append(out, " -->\n"...)
	return append(out, html...)
}

// ContentHash covers everything that determines an entry object: its body,
// every metadata value except hash itself, and the renderer version.
func ContentHash(meta map[string]string, body []byte) string {
	keys := make([]string, 0, len(meta))
	for k := range meta {
		if k != "hash" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	h := sha256.New()
	h.Write([]byte(render.Version))
	for _, k := range keys {
		h.Write([]byte("\x00" + k + "=" + meta[k]))
	}
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func fmtDate(t interface{ IsZero() bool }) string {
	type formatter interface{ Format(string) string }
	if t.IsZero() {
		return ""
	}
	return t.(formatter).Format("2006-01-02T15:04:05Z")
}
