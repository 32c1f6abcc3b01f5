package content

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/axctl/axctl/internal/atomicfile"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/render"
	"github.com/axctl/axctl/internal/search"
)

// Cache remembers what rendering each entry file produced, so a sync that
// finds a file unchanged neither parses nor renders it again, and rendered
// bodies live on disk instead of in memory. It is only an accelerator: the
// bucket listing still decides what is written, and a missing or stale
// cache costs time, never correctness.
//
// An entry is reused when its file has the same size and modification time
// as when it was rendered, or else the same bytes (sha-256); when every local
// file it references still resolves to the same asset; and when the config,
// the renderer version and the axctl executable are those that rendered it.
type Cache struct {
	dir         string
	fingerprint string
	mu          sync.Mutex
	// old is render.bin as the last run left it; stale says it was
	// written since and is read again when a Load starts.
	old   *table
	stale bool
	// This run's entries: the old ones it reused unchanged (by index in
	// old), and those it rendered or changed, encoded into spill (an
	// unlinked file) at the offsets in fresh. Neither holds a decoded
	// entry: a cold sync's were most of its memory.
	reused      []bool
	nreused     int
	fresh       map[string]spilled
	spill       *os.File
	spillEnd    int64
	spillRemove string // the spill's name, when it could not be unlinked at once
	buf         []byte
	// seen is the size and time of each entry file the last finished Load
	// looked at (loader.prev), by path relative to the content root; kept
	// only once Watch was called.
	seen  map[string]fileStamp
	watch bool
}

// spilled is where an entry's payload is in the spill file.
type spilled struct {
	off int64
	n   int
}

// takeSeen returns the last Load's file infos and forgets them: a Load
// that does not finish leaves none to trust.
func (c *Cache) takeSeen() map[string]fileStamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.seen
	c.seen = nil
	return s
}

// Watch says the cache serves many Loads of a tree whose changes the
// caller learns from file events (`axctl dev`): each Load then keeps the
// size and time of every entry file it looked at, for the next Load's
// Options.Unchanged. A one-shot sync does not hold them.
func (c *Cache) Watch() {
	c.mu.Lock()
	c.watch = true
	c.mu.Unlock()
}

func (c *Cache) watching() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.watch
}

func (c *Cache) keepSeen(s map[string]fileStamp) {
	c.mu.Lock()
	c.seen = s
	c.mu.Unlock()
}

// cached is one entry's remembered rendering. It holds no body: the body is
// the file bodies/<md5>.html.
type cached struct {
	Size    int64
	ModTime int64
	SrcHash string
	// The frontmatter is the record's (frontOf), but for these.
	Draft                bool
	Slug                 string // the frontmatter's own
	PublishDate, Expires time.Time
	Record               manifest.Record
	BodyMD5              string
	Refs                 []localRef
	Assets               []Asset
	// SearchFile names the file under docs/ that holds what the search
	// index reads of the entry (its terms and result data, a gob of
	// search.Doc), made from Record when its hash was SearchHash; "" until
	// a sync has indexed it. An unchanged entry is indexed from it without
	// reading its body again. It lives on disk, like the body: a term map
	// per entry, held for every entry, was most of a sync's memory.
	SearchFile string
	SearchHash string
	// Warnings are the entry's own warnings as its render reported them
	// (in order, at the file's path): a hit reports them again, so a
	// warned entry is not rendered on every sync.
	Warnings []cachedWarning
}

// cachedWarning is one kept warning, without the path the entry has.
type cachedWarning struct {
	Line, Col int
	Msg       string
}

// localRef is a local file an entry's Markdown points at.
type localRef struct {
	Path     string // relative to the content root, slash-separated
	AssetKey string // "" for a link to another entry (it must still exist)
	Static   bool   // Path is in the static folder (site-absolute link)
	Excluded bool   // Path is an entry file its collection leaves out
	// URL, for a site-absolute link under a collection's route
	// ("/docs/install/"), is the path the Worker answers it at, canonical
	// ("/docs/install"); Path is then "". It must be a page of the site
	// once every entry is loaded (siteLinkProblems).
	URL string
	// Line and Col are where the link is, for warnings about its target.
	Line, Col int
}

// OpenCache reads the cache in dir for cfg (a cache written for another
// config, renderer or executable, or in another format, is ignored and
// replaced).
func OpenCache(dir string, cfg *Config) (*Cache, error) {
	if err := noLinkBelow(cfg.Dir, dir); err != nil {
		return nil, fmt.Errorf("open render cache: %w", err)
	}
	c := &Cache{dir: dir, fingerprint: fingerprint(cfg), fresh: map[string]spilled{}}
	if _, err := os.Stat(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open render cache: %w", err)
	}
	c.load(true)
	return c, nil
}

// noLinkBelow refuses a symbolic link on the path from base down to dir
// (when dir is inside base): a repository that commits .axctl as a link
// made sync write its cache, and read one, in a folder of the link's
// choosing outside the checkout.
func noLinkBelow(base, dir string) error {
	rel, err := filepath.Rel(base, dir)
	if err != nil || !filepath.IsLocal(rel) {
		return nil // a cache the caller chose outside the config's folder
	}
	p := base
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, part)
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symbolic link: axctl keeps its cache only in a real folder beside axctl.yaml (remove the link)", p)
		}
	}
	return nil
}

// load reads render.bin (c.mu held or not yet shared); mapped is for the
// table OpenCache reads, the only one mapped (readTable): those a Save
// makes stale in `axctl dev` are read into the heap and collected.
func (c *Cache) load(mapped bool) {
	c.old, c.stale = readTable(c.dir, c.fingerprint, mapped), false
	n := 0
	if c.old != nil {
		n = len(c.old.offs)
	}
	c.reused, c.nreused = make([]bool, n), 0
}

// begin readies the cache for a Load: what the last Save wrote is read
// again.
func (c *Cache) begin() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stale {
		c.load(false)
	}
}

// fingerprint names everything besides an entry's own files that decides its
// rendering and validation.
func fingerprint(cfg *Config) string {
	h := sha256.New()
	b, _ := json.Marshal(cfg)
	h.Write(b)
	h.Write([]byte(render.Version))
	for _, f := range render.Registry {
		h.Write([]byte("\x00" + f.ID()))
	}
	h.Write([]byte("\x00" + exeIdentity()))
	return hex.EncodeToString(h.Sum(nil))
}

// exeIdentity names the running executable in the fingerprint. A build from
// a clean checkout, or of a released module version, is named by what went
// into it (its module, dependencies, Go version, build settings and VCS
// revision), so the same build installed again — the next CI job's binary,
// a new file with a new mtime — finds the cache the last one saved. Any
// other build (a modified tree, go run, a test binary) is named by its
// file's path, size and mtime: its code cannot be told apart otherwise.
var exeIdentity = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	return buildIdentity(bi, ok, exeFileStamp)
})

// buildIdentity is exeIdentity for the build info bi (ok as
// debug.ReadBuildInfo returned it); stamp names the file when bi cannot.
func buildIdentity(bi *debug.BuildInfo, ok bool, stamp func() string) string {
	if !ok || bi == nil {
		return stamp()
	}
	var revision, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	switch {
	case modified == "true":
		return stamp()
	case revision != "" && modified == "false":
	case bi.Main.Sum != "" && bi.Main.Version != "" && bi.Main.Version != "(devel)":
		// go install module@version: the version and its checksum.
	default:
		return stamp()
	}
	return "build\x00" + bi.String()
}

// exeFileStamp names the executable's file by path, size and mtime.
func exeFileStamp() string {
	exe, err := os.Executable()
	if err != nil {
		return "exe?"
	}
	st, err := os.Stat(exe)
	if err != nil {
		return "exe?" + exe
	}
	return fmt.Sprintf("file\x00%s\x00%d\x00%d", exe, st.Size(), st.ModTime().UnixNano())
}

// Entries is the number of entries the cache held when it was opened or last
// saved for this config, renderer and executable: 0 when a Load will render
// every entry.
func (c *Cache) Entries() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.old == nil {
		return 0
	}
	return len(c.old.offs)
}

// Dir is the cache's directory; what else a sync keeps between runs goes
// beside bodies/ and render.bin.
func (c *Cache) Dir() string { return c.dir }

// Fingerprint names the config, renderer and executable the cache is for:
// what a sync keeps beside the cache is named by it too, so a new axctl
// never reads what an old one kept.
func (c *Cache) Fingerprint() string { return c.fingerprint }

func (c *Cache) bodyPath(md5hex string) string {
	return filepath.Join(c.dir, "bodies", md5hex+".html")
}

// lookup returns the remembered entry for f if it is still valid. src is
// nil on the first try (only size and mtime are compared) and the file's
// bytes on the second.
func (c *Cache) lookup(l *loader, f file, st fileStamp, src []byte) (*Entry, []Problem) {
	e, rec := c.find(l, f, st, src)
	if e == nil || len(rec.Warnings) == 0 {
		return e, nil
	}
	ws := make([]Problem, len(rec.Warnings))
	for i, w := range rec.Warnings {
		ws[i] = Problem{Path: f.path, Line: w.Line, Col: w.Col, Msg: w.Msg, Warning: true}
	}
	return e, ws
}

// find is lookup's entry and the cached record it came from.
func (c *Cache) find(l *loader, f file, st fileStamp, src []byte) (*Entry, *cached) {
	c.mu.Lock()
	t := c.old
	c.mu.Unlock()
	i := t.find(f.path)
	if i < 0 {
		return nil, nil
	}
	payload := t.payload(i)
	size, mod := st.size, st.mod
	if src == nil {
		if s, m := stamp(payload); s != size || m != mod {
			return nil, nil
		}
	}
	_, rec, err := decodeCached(payload)
	if err != nil || src != nil && rec.SrcHash != srcHash(src) {
		return nil, nil
	}
	for _, r := range rec.Refs {
		if r.URL != "" {
			continue // checked against every entry's URL at the end of each Load
		}
		if r.AssetKey == "" {
			if _, ok := l.known(r.Path); ok {
				continue // opened by the last Load, unchanged since
			}
			if fi, err := l.tree.Lstat(r.Path); err != nil || !fi.Mode().IsRegular() {
				return nil, nil
			}
			continue
		}
		tr := l.tree
		if r.Static {
			tr = l.static
		}
		if tr == nil {
			return nil, nil
		}
		if a, err := l.asset(tr, r.Path); err != nil || a.Key != r.AssetKey {
			return nil, nil
		}
	}
	for i := range rec.Assets {
		a := &rec.Assets[i]
		a.tree = l.tree
		if a.Static {
			a.tree = l.static
		}
	}
	if !t.hasBody(rec.BodyMD5) {
		return nil, nil
	}
	// Each path is looked up by one worker only.
	if size != rec.Size || mod != rec.ModTime {
		rec.Size, rec.ModTime = size, mod
		if err := c.put(f.path, &rec); err != nil {
			return nil, nil
		}
	} else {
		c.mu.Lock()
		if !c.reused[i] {
			c.reused[i] = true
			c.nreused++
		}
		c.mu.Unlock()
	}
	e := &Entry{Collection: f.col, Path: f.path, Slug: rec.Record.Slug, Front: frontOf(&rec), Record: rec.Record,
		Assets: rec.Assets, BodyFile: c.bodyPath(rec.BodyMD5), BodyMD5: rec.BodyMD5, refs: rec.Refs, rel: f.rel}
	if rec.SearchFile != "" && rec.SearchHash == rec.Record.Hash {
		e.SearchFile = c.docPath(rec.SearchFile)
	}
	return e, &rec
}

// put keeps rec as path's entry of this run, in the spill file.
func (c *Cache) put(path string, rec *cached) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.spill == nil {
		if err := os.MkdirAll(c.dir, 0o755); err != nil {
			return fmt.Errorf("render cache: %w", err)
		}
		f, err := os.CreateTemp(c.dir, "render-*.spill")
		if err != nil {
			return fmt.Errorf("render cache: %w", err)
		}
		if os.Remove(f.Name()) != nil {
			c.spillRemove = f.Name() // Windows: removed when closed
		}
		c.spill = f
	}
	c.buf = encodeCached(c.buf[:0], path, rec)
	if _, err := c.spill.WriteAt(c.buf, c.spillEnd); err != nil {
		return fmt.Errorf("render cache: %w", err)
	}
	c.fresh[path] = spilled{off: c.spillEnd, n: len(c.buf)}
	c.spillEnd += int64(len(c.buf))
	return nil
}

// current returns path's entry of this run (c.mu held): the spilled one,
// or the old one reused.
func (c *Cache) current(path string) (cached, bool) {
	if s, ok := c.fresh[path]; ok {
		b := make([]byte, s.n)
		if _, err := c.spill.ReadAt(b, s.off); err != nil {
			return cached{}, false
		}
		_, rec, err := decodeCached(string(b))
		return rec, err == nil
	}
	if i := c.old.find(path); i >= 0 && c.reused[i] {
		_, rec, err := decodeCached(c.old.payload(i))
		return rec, err == nil
	}
	return cached{}, false
}

// RememberSearch keeps d, the search doc made from the entry at path as
// this run loaded it, for the next runs, in a file of its own; it is
// dropped when the entry is rendered again.
func (c *Cache) RememberSearch(path string, d *search.Doc) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(d); err != nil {
		return fmt.Errorf("render cache: %w", err)
	}
	sum := sha256.Sum256(buf.Bytes())
	name := hex.EncodeToString(sum[:16]) + ".gob"
	if _, err := os.Stat(c.docPath(name)); err != nil {
		if err := atomicfile.Write(c.docPath(name), buf.Bytes()); err != nil {
			return fmt.Errorf("render cache: %w", err)
		}
	}
	c.mu.Lock()
	rec, ok := c.current(path)
	c.mu.Unlock()
	if ok && rec.SearchFile != name {
		rec.SearchFile, rec.SearchHash = name, rec.Record.Hash
		return c.put(path, &rec)
	}
	return nil
}

func (c *Cache) docPath(name string) string {
	return filepath.Join(c.dir, "docs", name)
}

// ReadSearchDoc reads a search doc RememberSearch kept (Entry.SearchFile).
func ReadSearchDoc(file string) (*search.Doc, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var d search.Doc
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&d); err != nil {
		return nil, fmt.Errorf("search doc %s: %w", file, err)
	}
	return &d, nil
}

// remember stores a freshly rendered entry and moves its body to disk.
func (c *Cache) remember(f file, st fs.FileInfo, src []byte, e *Entry, refs []localRef, warnings []Problem) error {
	sum := md5.Sum(e.HTML)
	e.BodyMD5 = hex.EncodeToString(sum[:])
	body := c.bodyPath(e.BodyMD5)
	if _, err := os.Stat(body); err != nil {
		if err := atomicfile.Write(body, e.HTML); err != nil {
			return fmt.Errorf("render cache: %w", err)
		}
	}
	e.BodyFile, e.HTML = body, nil
	rec := &cached{Size: st.Size(), ModTime: st.ModTime().UnixNano(), SrcHash: srcHash(src),
		Draft: e.Front.Draft, Slug: e.Front.Slug, PublishDate: e.Front.PublishDate, Expires: e.Front.Expires,
		Record: e.Record, BodyMD5: e.BodyMD5, Refs: refs, Assets: e.Assets}
	for _, w := range warnings {
		rec.Warnings = append(rec.Warnings, cachedWarning{Line: w.Line, Col: w.Col, Msg: w.Msg})
	}
	return c.put(f.path, rec)
}

// frontOf rebuilds a cached entry's frontmatter: the record holds every
// field (the date to the second, in UTC, as the schema reads it) but those
// the cache keeps beside it.
func frontOf(c *cached) Frontmatter {
	r := &c.Record
	f := Frontmatter{Title: r.Title,
		Slug: c.Slug, Aliases: r.Aliases, Features: r.Features, Draft: c.Draft, PublishDate: c.PublishDate, Expires: c.Expires,
		Weight: r.Weight, ListText: r.ListText, EntryText: r.EntryText}
	f.Date, _ = time.Parse(time.RFC3339, r.Date)
	for _, t := range r.Tags {
		f.Tags = append(f.Tags, t.Name)
	}
	return f
}

// Save writes the entries seen in this run (and only those) if anything
// changed, and removes bodies and search docs no entry names any more.
// They become the entries the next run reuses: one Cache serves many runs
// (axctl dev syncs after every save).
func (c *Cache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := 0
	if c.old != nil {
		old = len(c.old.offs)
	}
	if c.stale {
		return nil // written already; no Load since
	}
	if len(c.fresh) == 0 && c.nreused == old {
		c.reused, c.nreused = make([]bool, old), 0
		return nil
	}
	live, err := c.write()
	if err != nil {
		return fmt.Errorf("render cache: %w", err)
	}
	for _, sub := range []string{"bodies", "docs"} {
		ents, _ := os.ReadDir(filepath.Join(c.dir, sub))
		for _, d := range ents {
			if !live[sub+"/"+d.Name()] && !d.IsDir() {
				_ = os.Remove(filepath.Join(c.dir, sub, d.Name()))
			}
		}
	}
	_ = os.Remove(filepath.Join(c.dir, "render.gob")) // the format before
	// The next Load reads what was written; a sync that ends here does not.
	c.old, c.stale, c.reused, c.nreused = nil, true, nil, 0
	c.fresh = map[string]spilled{}
	if c.spill != nil {
		c.spill.Close()
		if c.spillRemove != "" {
			_ = os.Remove(c.spillRemove)
		}
		c.spill, c.spillEnd, c.spillRemove = nil, 0, ""
	}
	return nil
}

// write streams this run's entries, old ones reused and spilled ones merged
// in path order, to render.bin, and returns the files they name.
func (c *Cache) write() (map[string]bool, error) {
	paths := make([]string, 0, len(c.fresh))
	for p := range c.fresh {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var olds []int
	if c.old != nil {
		for i, ok := range c.reused {
			if ok {
				if _, dup := c.fresh[pathOf(c.old.payload(i))]; !dup {
					olds = append(olds, i)
				}
			}
		}
	}
	live := map[string]bool{}
	err := atomicfile.WriteFunc(filepath.Join(c.dir, cacheFile), func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		e := enc{[]byte(cacheMagic)}
		e.str(c.fingerprint)
		e.uint(uint64(len(paths) + len(olds)))
		if _, err := bw.Write(e.b); err != nil {
			return err
		}
		var spilled []byte
		emit := func(payload string) error {
			_, rec, err := decodeCached(payload)
			if err != nil {
				return err
			}
			live["bodies/"+rec.BodyMD5+".html"] = true
			if rec.SearchFile != "" {
				live["docs/"+rec.SearchFile] = true
			}
			e.b = binary.AppendUvarint(e.b[:0], uint64(len(payload)))
			bw.Write(e.b)
			_, err = bw.WriteString(payload)
			return err
		}
		for len(paths) > 0 || len(olds) > 0 {
			if len(olds) > 0 && (len(paths) == 0 || pathOf(c.old.payload(olds[0])) < paths[0]) {
				if err := emit(c.old.payload(olds[0])); err != nil {
					return err
				}
				olds = olds[1:]
				continue
			}
			s := c.fresh[paths[0]]
			spilled = slices.Grow(spilled[:0], s.n)[:s.n]
			if _, err := c.spill.ReadAt(spilled, s.off); err != nil {
				return err
			}
			if err := emit(string(spilled)); err != nil {
				return err
			}
			paths = paths[1:]
		}
		return bw.Flush()
	})
	return live, err
}

// pathOf is the path a payload starts with.
func pathOf(payload string) string {
	d := dec{s: payload}
	return d.str()
}

func srcHash(src []byte) string {
	s := sha256.Sum256(src)
	return hex.EncodeToString(s[:16])
}
