package content

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
)

// The render cache's file, render.bin, is read without reflection and
// without a decoded copy of what it holds:
//
//	magic                          "axctl render cache 3\n"
//	fingerprint                    string
//	count                          uvarint
//	count × (uvarint n, payload)   one entry each, sorted by path
//
// A string is a uvarint length and its bytes; an integer a (u)varint; a
// time its MarshalBinary bytes as a string ("" for the zero time). A
// payload is the entry's path, then its fields in the order encodeCached
// writes them. The file is read into one string and indexed by the offset
// of each payload: a lookup finds a path by binary search and reads size
// and modification time in place; only an entry a Load reuses is decoded,
// and its strings are substrings of the file's (no copy, no allocation).
// The table OpenCache reads is mapped, not read, where the system allows
// (readTable).
const cacheMagic = "axctl render cache 4\n"

// cacheFile is the file name; render.gob (the format before) is removed
// when the cache is next written.
const cacheFile = "render.bin"

// table is render.bin as read.
type table struct {
	data string
	offs []uint32 // offsets in data of each entry's length, in path order
	// bodies is the set of body files present when the table was read
	// (their MD5s, sorted): a lookup needs no stat per entry.
	bodies [][16]byte
}

// readTable reads dir's render.bin for fingerprint fp; nil when there is
// none, or it is for another fingerprint, or damaged. When mapped, the file
// is mapped read-only where the system allows (mapFile) instead of read
// into the heap: its bytes then count neither to the live heap nor to the
// collector's headroom over it, and a mapping lives until the process
// ends, so a caller reads at most one table that way.
func readTable(dir, fp string, mapped bool) *table {
	f, err := os.Open(filepath.Join(dir, cacheFile))
	if err != nil {
		return nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() >= 1<<32 {
		return nil
	}
	if mapped {
		if data, unmap, ok := mapFile(f, st.Size()); ok {
			t := parseTable(data, fp)
			if t == nil {
				unmap() // nothing was cut from it
				return nil
			}
			t.bodies = bodySet(filepath.Join(dir, "bodies"))
			return t
		}
	}
	var sb strings.Builder
	sb.Grow(int(st.Size()))
	if _, err := io.Copy(&sb, f); err != nil {
		return nil
	}
	t := parseTable(sb.String(), fp)
	if t != nil {
		t.bodies = bodySet(filepath.Join(dir, "bodies"))
	}
	return t
}

// parseTable indexes data, a render.bin, for fingerprint fp; nil when it
// is for another fingerprint or damaged.
func parseTable(data, fp string) *table {
	d := dec{s: data}
	if !strings.HasPrefix(d.s, cacheMagic) {
		return nil
	}
	d.s = d.s[len(cacheMagic):]
	if d.str() != fp {
		return nil
	}
	n := d.uint()
	if d.bad || n > uint64(len(d.s)) {
		return nil
	}
	t := &table{data: data, offs: make([]uint32, 0, n)}
	prev := ""
	for range n {
		off := len(t.data) - len(d.s)
		size := d.uint()
		if d.bad || size > uint64(len(d.s)) {
			return nil
		}
		p := (&dec{s: d.s[:size]}).str()
		if len(t.offs) > 0 && p <= prev {
			return nil // not sorted: damaged
		}
		prev = p
		t.offs = append(t.offs, uint32(off))
		d.s = d.s[size:]
	}
	if len(d.s) != 0 {
		return nil
	}
	return t
}

// bodySet lists the body files in dir by MD5, sorted.
func bodySet(dir string) [][16]byte {
	f, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out [][16]byte
	for {
		names, err := f.Readdirnames(1024)
		for _, n := range names {
			if sum, ok := bodyName(n); ok {
				out = append(out, sum)
			}
		}
		if err != nil {
			break
		}
	}
	slices.SortFunc(out, cmpSum)
	return out
}

// bodyName parses "<md5 hex>.html".
func bodyName(name string) (sum [16]byte, ok bool) {
	h, found := strings.CutSuffix(name, ".html")
	if !found || len(h) != 32 {
		return sum, false
	}
	_, err := hex.Decode(sum[:], []byte(h))
	return sum, err == nil
}

func cmpSum(a, b [16]byte) int { return bytes.Compare(a[:], b[:]) }

// hasBody reports whether the body with hex MD5 md5hex was on disk when t
// was read.
func (t *table) hasBody(md5hex string) bool {
	sum, ok := bodyName(md5hex + ".html")
	if !ok {
		return false
	}
	_, found := slices.BinarySearchFunc(t.bodies, sum, cmpSum)
	return found
}

// payload returns entry i's bytes, starting with its path.
func (t *table) payload(i int) string {
	d := dec{s: t.data[t.offs[i]:]}
	n := d.uint()
	return d.s[:n]
}

// find returns the index of path's entry, or -1.
func (t *table) find(path string) int {
	if t == nil {
		return -1
	}
	i, found := slices.BinarySearchFunc(t.offs, path, func(off uint32, p string) int {
		d := dec{s: t.data[off:]}
		d.uint()
		return strings.Compare(d.str(), p)
	})
	if !found {
		return -1
	}
	return i
}

// stamp reads the size and modification time of a payload without
// decoding the rest.
func stamp(payload string) (size, mod int64) {
	d := dec{s: payload}
	d.str()
	return d.int(), d.int()
}

// encodeCached appends the payload of path's entry c.
func encodeCached(b []byte, path string, c *cached) []byte {
	e := enc{b}
	e.str(path)
	e.int(c.Size)
	e.int(c.ModTime)
	e.str(c.SrcHash)
	e.str(c.BodyMD5)
	e.str(c.SearchFile)
	e.str(c.SearchHash)
	e.bool(c.Draft)
	e.str(c.Slug)
	e.time(c.PublishDate)
	e.time(c.Expires)
	e.record(&c.Record)
	e.uint(uint64(len(c.Refs)))
	for _, r := range c.Refs {
		e.str(r.Path)
		e.str(r.AssetKey)
		e.bool(r.Static)
		e.bool(r.Excluded)
		e.str(r.URL)
		e.int(int64(r.Line))
		e.int(int64(r.Col))
	}
	e.uint(uint64(len(c.Assets)))
	for _, a := range c.Assets {
		e.str(a.Key)
		e.str(a.Src)
		e.str(a.Rel)
		e.str(a.ContentType)
		e.int(a.Size)
		e.str(a.MD5)
		e.bool(a.Static)
	}
	e.uint(uint64(len(c.Warnings)))
	for _, w := range c.Warnings {
		e.int(int64(w.Line))
		e.int(int64(w.Col))
		e.str(w.Msg)
	}
	return e.b
}

var errDamaged = errors.New("render cache: damaged entry")

// decodeCached decodes a payload; its strings are substrings of payload.
func decodeCached(payload string) (path string, c cached, err error) {
	d := dec{s: payload}
	path = d.str()
	c.Size, c.ModTime = d.int(), d.int()
	c.SrcHash, c.BodyMD5, c.SearchFile, c.SearchHash = d.str(), d.str(), d.str(), d.str()
	c.Draft = d.bool()
	c.Slug = d.str()
	c.PublishDate, c.Expires = d.time(), d.time()
	d.record(&c.Record)
	if n := d.count(); n > 0 {
		c.Refs = make([]localRef, n)
		for i := range c.Refs {
			r := &c.Refs[i]
			r.Path, r.AssetKey = d.str(), d.str()
			r.Static, r.Excluded = d.bool(), d.bool()
			r.URL = d.str()
			r.Line, r.Col = int(d.int()), int(d.int())
		}
	}
	if n := d.count(); n > 0 {
		c.Assets = make([]Asset, n)
		for i := range c.Assets {
			a := &c.Assets[i]
			a.Key, a.Src, a.Rel, a.ContentType = d.str(), d.str(), d.str(), d.str()
			a.Size = d.int()
			a.MD5 = d.str()
			a.Static = d.bool()
		}
	}
	if n := d.count(); n > 0 {
		c.Warnings = make([]cachedWarning, n)
		for i := range c.Warnings {
			w := &c.Warnings[i]
			w.Line, w.Col = int(d.int()), int(d.int())
			w.Msg = d.str()
		}
	}
	if d.bad || len(d.s) != 0 {
		return "", cached{}, errDamaged
	}
	return path, c, nil
}

func (e *enc) record(r *manifest.Record) {
	for _, s := range []string{r.Collection, r.Slug, r.URL, r.Key, r.Hash, r.Input, r.Title, r.Date} {
		e.str(s)
	}
	e.int(int64(r.Weight))
	e.text(r, true)
	e.uint(uint64(len(r.Tags)))
	for _, t := range r.Tags {
		e.str(t.Name)
		e.str(t.Slug)
	}
	e.text(r, false)
	e.strs(r.Features)
	e.int(int64(r.Words))
	e.str(r.PublishDate)
	e.str(r.Expires)
	e.uint(uint64(len(r.Related)))
	for _, l := range r.Related {
		e.str(l.URL)
		e.str(l.Title)
	}
	e.strs(r.Aliases)
}

func (d *dec) record(r *manifest.Record) {
	for _, s := range []*string{&r.Collection, &r.Slug, &r.URL, &r.Key, &r.Hash, &r.Input, &r.Title, &r.Date} {
		*s = d.str()
	}
	r.Weight = int(d.int())
	d.text(r, true)
	if n := d.count(); n > 0 {
		r.Tags = make([]manifest.Tag, n)
		for i := range r.Tags {
			r.Tags[i] = manifest.Tag{Name: d.str(), Slug: d.str()}
		}
	}
	d.text(r, false)
	r.Features = d.strs()
	r.Words = int(d.int())
	r.PublishDate, r.Expires = d.str(), d.str()
	if n := d.count(); n > 0 {
		r.Related = make([]manifest.Link, n)
		for i := range r.Related {
			r.Related[i] = manifest.Link{URL: d.str(), Title: d.str()}
		}
	}
	r.Aliases = d.strs()
}

type enc struct{ b []byte }

func (e *enc) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *enc) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *enc) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *enc) time(t time.Time) {
	if t.IsZero() {
		e.str("")
		return
	}
	b, err := t.MarshalBinary()
	if err != nil { // a zone offset outside what the format holds: cannot come from YAML
		b = nil
	}
	e.str(string(b))
}

// dec reads what enc wrote from a string; bad is set, and every later read
// is zero, once the input runs out or holds a value out of range.
type dec struct {
	s   string
	bad bool
}

func (d *dec) uint() uint64 {
	var v uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return v
		}
	}
	d.bad, d.s = true, ""
	return 0
}

func (d *dec) int() int64 {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *dec) str() string {
	n := d.uint()
	if n > uint64(len(d.s)) {
		d.bad, d.s = true, ""
		return ""
	}
	if n == 0 {
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

func (d *dec) bool() bool {
	if d.s == "" {
		d.bad = true
		return false
	}
	v := d.s[0] != 0
	d.s = d.s[1:]
	return v
}

// count reads a length of a list whose items take at least a byte each.
func (d *dec) count() int {
	n := d.uint()
	if n > uint64(len(d.s)) {
		d.bad, d.s = true, ""
		return 0
	}
	return int(n)
}

func (d *dec) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *dec) time() time.Time {
	s := d.str()
	var t time.Time
	if s != "" && t.UnmarshalBinary([]byte(s)) != nil {
		d.bad = true
	}
	return t
}

// text writes r's plain text fields (contract.TextFields): ListText's when
// list, else EntryText's, in their declared order. A new field changes the
// payload, and so needs a new executable, which the fingerprint names: no
// render.bin of the old layout is read.
func (e *enc) text(r *manifest.Record, list bool) {
	for _, f := range contract.TextFields {
		if f.List == list {
			e.str(*f.In(&r.ListText, &r.EntryText))
		}
	}
}

// text reads what enc.text wrote.
func (d *dec) text(r *manifest.Record, list bool) {
	for _, f := range contract.TextFields {
		if f.List == list {
			*f.In(&r.ListText, &r.EntryText) = d.str()
		}
	}
}
