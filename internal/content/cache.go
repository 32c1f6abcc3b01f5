package content

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
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
	old, new    map[string]*cached // by entry path
	dirty       bool
	// seen is the file info of each entry file the last finished Load
	// opened (loader.prev), by path relative to the content root.
	seen map[string]fs.FileInfo
}

// takeSeen returns the last Load's file infos and forgets them: a Load
// that does not finish leaves none to trust.
func (c *Cache) takeSeen() map[string]fs.FileInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.seen
	c.seen = nil
	return s
}

func (c *Cache) keepSeen(s map[string]fs.FileInfo) {
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
}

// localRef is a local file an entry's Markdown points at.
type localRef struct {
	Path     string // relative to the content root, slash-separated
	AssetKey string // "" for a link to another entry (it must still exist)
	Static   bool   // Path is in the static folder (site-absolute link)
	Excluded bool   // Path is an entry file its collection leaves out
	// Line and Col are where the link is, for warnings about its target.
	Line, Col int
}

// cacheHeader starts render.gob; Entries records follow, one gob value
// each, so neither reading nor writing the file holds it whole in memory.
type cacheHeader struct {
	Fingerprint string
	Entries     int
}

// cacheRecord is one entry of render.gob.
type cacheRecord struct {
	Path  string
	Entry *cached
}

// OpenCache reads the cache in dir for cfg (a cache written for another
// config, renderer or executable, or in another format, is ignored and
// replaced).
func OpenCache(dir string, cfg *Config) (*Cache, error) {
	c := &Cache{dir: dir, fingerprint: fingerprint(cfg), old: map[string]*cached{}, new: map[string]*cached{}}
	f, err := os.Open(filepath.Join(dir, "render.gob"))
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open render cache: %w", err)
	}
	defer f.Close()
	dec := gob.NewDecoder(bufio.NewReader(f))
	var h cacheHeader
	if err := dec.Decode(&h); err != nil || h.Fingerprint != c.fingerprint || h.Entries < 0 {
		return c, nil
	}
	old := make(map[string]*cached, min(h.Entries, 1<<20))
	for range h.Entries {
		var r cacheRecord
		if err := dec.Decode(&r); err != nil || r.Entry == nil {
			return c, nil // damaged: start over
		}
		old[r.Path] = r.Entry
	}
	c.old = old
	return c, nil
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
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			fmt.Fprintf(h, "\x00%s\x00%d\x00%d", exe, st.Size(), st.ModTime().UnixNano())
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Dir is the cache's directory; what else a sync keeps between runs goes
// beside bodies/ and render.gob.
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
func (c *Cache) lookup(l *loader, f file, st fs.FileInfo, src []byte) *Entry {
	c.mu.Lock()
	rec := c.old[f.path]
	c.mu.Unlock()
	if rec == nil {
		return nil
	}
	if src == nil {
		if rec.Size != st.Size() || rec.ModTime != st.ModTime().UnixNano() {
			return nil
		}
	} else if rec.SrcHash != srcHash(src) {
		return nil
	}
	for _, r := range rec.Refs {
		if r.AssetKey == "" {
			if l.known(r.Path) != nil {
				continue // opened by the last Load, unchanged since
			}
			if fi, err := l.tree.Lstat(r.Path); err != nil || !fi.Mode().IsRegular() {
				return nil
			}
			continue
		}
		t := l.tree
		if r.Static {
			t = l.static
		}
		if t == nil {
			return nil
		}
		if a, err := l.asset(t, r.Path); err != nil || a.Key != r.AssetKey {
			return nil
		}
	}
	assets := make([]Asset, len(rec.Assets))
	for i, a := range rec.Assets {
		a.tree = l.tree
		if a.Static {
			a.tree = l.static
		}
		assets[i] = a
	}
	body := c.bodyPath(rec.BodyMD5)
	if _, err := os.Stat(body); err != nil {
		return nil
	}
	// rec moves to new (each path is looked up by one worker only).
	size, mod := st.Size(), st.ModTime().UnixNano()
	c.mu.Lock()
	if size != rec.Size || mod != rec.ModTime {
		rec.Size, rec.ModTime, c.dirty = size, mod, true
	}
	c.new[f.path] = rec
	c.mu.Unlock()
	e := &Entry{Collection: f.col, Path: f.path, Slug: rec.Record.Slug, Front: frontOf(rec), Record: rec.Record,
		Assets: assets, BodyFile: body, BodyMD5: rec.BodyMD5, refs: rec.Refs, rel: f.rel}
	if rec.SearchFile != "" && rec.SearchHash == rec.Record.Hash {
		e.SearchFile = c.docPath(rec.SearchFile)
	}
	return e
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
	defer c.mu.Unlock()
	if rec := c.new[path]; rec != nil && rec.SearchFile != name {
		rec.SearchFile, rec.SearchHash, c.dirty = name, rec.Record.Hash, true
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
func (c *Cache) remember(f file, st fs.FileInfo, src []byte, e *Entry, refs []localRef) error {
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
	c.mu.Lock()
	c.new[f.path], c.dirty = rec, true
	c.mu.Unlock()
	return nil
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
// changed, and removes bodies no entry names any more. They become the
// entries the next run reuses: one Cache serves many runs (axctl dev syncs
// after every save).
func (c *Cache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty && len(c.new) == len(c.old) {
		c.roll()
		return nil
	}
	if err := c.write(); err != nil {
		return fmt.Errorf("render cache: %w", err)
	}
	live := map[string]bool{}
	for _, r := range c.new {
		live["bodies/"+r.BodyMD5+".html"] = true
		if r.SearchFile != "" {
			live["docs/"+r.SearchFile] = true
		}
	}
	for _, sub := range []string{"bodies", "docs"} {
		ents, _ := os.ReadDir(filepath.Join(c.dir, sub))
		for _, d := range ents {
			if !live[sub+"/"+d.Name()] && !d.IsDir() {
				_ = os.Remove(filepath.Join(c.dir, sub, d.Name()))
			}
		}
	}
	c.roll()
	return nil
}

// roll makes this run's entries the ones the next run looks up.
func (c *Cache) roll() { c.old, c.new, c.dirty = c.new, map[string]*cached{}, false }

// write streams render.gob to a temporary file and renames it into place.
func (c *Cache) write() error {
	paths := make([]string, 0, len(c.new))
	for p := range c.new {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return atomicfile.WriteFunc(filepath.Join(c.dir, "render.gob"), func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		enc := gob.NewEncoder(bw)
		if err := enc.Encode(cacheHeader{Fingerprint: c.fingerprint, Entries: len(paths)}); err != nil {
			return err
		}
		for _, p := range paths {
			if err := enc.Encode(cacheRecord{Path: p, Entry: c.new[p]}); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
}

func srcHash(src []byte) string {
	s := sha256.Sum256(src)
	return hex.EncodeToString(s[:16])
}
