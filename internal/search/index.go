package search

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/axctl/axctl/internal/contract"
)

// Sizes of the index (docs/search.md).
const (
	// TopK is the most postings a key keeps: its K best entries by weight,
	// so a query word lists at most TopK results.
	TopK = 20
	// SnippetK is how many of a key's best postings carry their entry's
	// snippet: the first page of a one-word query.
	SnippetK = 10
	// maxKeyDocBytes bounds the result data one key's postings carry, so
	// a key always fits a shard with room to spare.
	maxKeyDocBytes = 24 << 10
	// targetShardBytes is the average shard size the bucket count aims at.
	targetShardBytes = 24 << 10
	// minPrefixRunes is the shortest prefix of a word that finds it.
	minPrefixRunes = 3
	// maxPrefixRunes is the longest prefix indexed: a query word longer
	// than that finds only words it equals.
	maxPrefixRunes = 8
)

// RootKey and ShardKey are the index's object keys (contract.SearchRootKey).
const RootKey = contract.SearchRootKey

// ShardKey is the key of bucket i of an index with n buckets.
func ShardKey(n, i int) string {
	return fmt.Sprintf("%s%d/%d.json", contract.SearchShardPrefix, n, i)
}

// IsKey reports whether key is an index object.
func IsKey(key string) bool {
	return key == RootKey || strings.HasPrefix(key, contract.SearchShardPrefix)
}

// Root is metadata/search.json.
type Root struct {
	Version int `json:"version"`
	Docs    int `json:"docs"`    // entries indexed: N in the idf
	Buckets int `json:"buckets"` // a power of two; key k lives in shard Bucket(k, Buckets)
}

// Bucket is the shard a key lives in: FNV-1a (32 bit) of its UTF-8 bytes,
// modulo n (a power of two). worker/src/search.js computes the same.
func Bucket(key string, n int) int {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return int(h & uint32(n-1))
}

type posting struct {
	doc, weight int32 // doc: index into the sorted docs (int32: a key holds up to TopK of them, and there are millions of keys)
}

// better orders postings by weight, then the newer entry (lower index).
func better(a, b posting) bool {
	return a.weight > b.weight || a.weight == b.weight && a.doc < b.doc
}

type keyList struct {
	df  int
	top []posting // a heap, worst first, until sorted
}

// push keeps the TopK best postings by better in a heap whose root is the
// worst.
func (k *keyList) push(p posting, better func(a, b posting) bool) {
	k.df++
	h := k.top
	if len(h) < TopK {
		h = append(h, p)
		for i := len(h) - 1; i > 0; {
			parent := (i - 1) / 2
			if !better(h[parent], h[i]) {
				break
			}
			h[parent], h[i] = h[i], h[parent]
			i = parent
		}
		k.top = h
		return
	}
	if !better(p, h[0]) {
		return
	}
	h[0] = p
	for i := 0; ; {
		l, r, w := 2*i+1, 2*i+2, i
		if l < len(h) && better(h[w], h[l]) {
			w = l
		}
		if r < len(h) && better(h[w], h[r]) {
			w = r
		}
		if w == i {
			break
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
}

// keysOf is every key a doc is found by, with its weight: each term at
// its impact, and each prefix of a term of its title, tags, headings or
// description (from minPrefixRunes runes), and the first rune of every
// dense-script bigram, at half the best impact among the terms it starts,
// so an exact match outranks a prefix match. Body words are found whole:
// their prefixes would triple the index (docs/search.md, "Sizes").
func keysOf(d Doc) map[string]int {
	out := make(map[string]int, 2*len(d.Freq))
	l := lengthNorm(d.Len)
	for t, f := range d.Freq {
		w := impactAt(f, l)
		out[t] = max(out[t], w)
		r, _ := utf8.DecodeRuneInString(t)
		from, to := minPrefixRunes, maxPrefixRunes
		if dense(r) {
			from = 1
		} else if !d.Fields[t] {
			continue
		}
		half := (w + 1) / 2
		n := 0
		for i := range t {
			if n > to {
				break
			}
			if n >= from {
				out[t[:i]] = max(out[t[:i]], half)
			}
			n++
		}
	}
	return out
}

// Build returns the index objects, key → bytes, for the published docs (in
// any order): the root and one shard per non-empty bucket. The bytes depend
// only on the docs, so an unchanged site builds identical objects, and a
// changed entry changes only the shards holding a key whose postings or
// result data it changed.
func Build(docs []Doc) (map[string][]byte, error) {
	docs = slices.Clone(docs)
	slices.SortFunc(docs, Compare)
	b := NewBuilder(len(docs))
	for i, d := range docs {
		if err := b.Add(i, d); err != nil {
			return nil, err
		}
	}
	return b.Objects()
}

// Compare orders docs as the index ranks them: newest first, then by
// collection and slug. Only Date, Collection and Slug are read.
func Compare(a, b Doc) int {
	return cmp.Or(strings.Compare(b.Date, a.Date), strings.Compare(a.Collection, b.Collection), strings.Compare(a.Slug, b.Slug))
}

// Builder makes the index from docs added one at a time, from any number of
// goroutines: it keeps each key's best postings and each doc's result
// data, never the docs' term maps, so a sync holds the index, not the text
// of every entry. Objects returns what Build would for the same docs.
type Builder struct {
	mu    sync.Mutex
	lists map[string]*keyList
	info  []docInfo
	added []bool
	// places, for a Builder of NewUnrankedBuilder, hold each doc's Date,
	// Collection and Slug by the number AddUnranked gave it: its postings
	// name it by that number, ordered by placed, until Each ranks them.
	places []place
	placed func(a, b posting) bool
}

// place is what Compare reads of a doc.
type place struct{ date, collection, slug string }

func comparePlaces(a, b *place) int {
	return cmp.Or(strings.Compare(b.date, a.date), strings.Compare(a.collection, b.collection), strings.Compare(a.slug, b.slug))
}

// NewBuilder returns a Builder for n docs.
func NewBuilder(n int) *Builder {
	return &Builder{lists: map[string]*keyList{}, info: make([]docInfo, n), added: make([]bool, n)}
}

// NewUnrankedBuilder returns a Builder whose docs are added before their
// ranks are known (AddUnranked): a sync indexes each entry on the worker
// that rendered it, before every entry's date is known. Each ranks them in
// Compare's order; the objects are Build's for the same docs.
func NewUnrankedBuilder() *Builder {
	b := &Builder{lists: map[string]*keyList{}, places: []place{}}
	// A posting's doc is the number AddUnranked gave it: the better of two
	// of equal weight is the one Compare puts first, as its rank would be.
	b.placed = func(x, y posting) bool {
		if x.weight != y.weight {
			return x.weight > y.weight
		}
		c := comparePlaces(&b.places[x.doc], &b.places[y.doc])
		return c < 0 || c == 0 && x.doc < y.doc
	}
	return b
}

// AddUnranked indexes d in a Builder of NewUnrankedBuilder, from any number
// of goroutines.
func (b *Builder) AddUnranked(d Doc) error {
	p, err := Prepare(d)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.placed == nil {
		return fmt.Errorf("search doc %s/%s: AddUnranked on a Builder of ranks", d.Collection, d.Slug)
	}
	i := int32(len(b.info))
	b.info, b.added = append(b.info, p.info), append(b.added, true)
	b.places = append(b.places, place{date: d.Date, collection: d.Collection, slug: d.Slug})
	for k, w := range p.keys {
		l := b.lists[k]
		if l == nil {
			l = &keyList{}
			b.lists[k] = l
		}
		l.push(posting{doc: i, weight: int32(w)}, b.placed)
	}
	return nil
}

// Len is the number of docs added.
func (b *Builder) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, ok := range b.added {
		if ok {
			n++
		}
	}
	return n
}

// Add indexes d as the doc of rank i: its place among the n docs in
// Compare's order (0 is the newest). Postings keep the best TopK whatever
// the order docs are added in.
func (b *Builder) Add(i int, d Doc) error {
	p, err := Prepare(d)
	if err != nil {
		return err
	}
	return b.AddPrepared(i, p)
}

// Prepared is what Add derives from a doc alone: its keys with their
// weights, and its result data without and with the snippet. A caller that
// indexes the same doc build after build (`axctl dev`) prepares it once.
type Prepared struct {
	Collection, Slug string
	keys             map[string]int
	info             docInfo
}

// docInfo is a doc's result data, [collection,slug,title,day,snippet] in
// JSON; without its snippet it is full[:cut] and `,""]`, the bytes an
// empty snippet encodes to. One buffer a doc, not two: a sync holds one for
// every entry while the index is built.
type docInfo struct {
	full []byte
	cut  int
}

// newDocInfo encodes a doc's result data.
func newDocInfo(collection, slug, title, day, snippet string) (docInfo, error) {
	head, err := json.Marshal([]string{collection, slug, title, day})
	if err != nil {
		return docInfo{}, err
	}
	snip, err := json.Marshal(snippet)
	if err != nil {
		return docInfo{}, err
	}
	cut := len(head) - 1 // before the closing bracket
	full := make([]byte, 0, cut+len(snip)+2)
	full = append(append(append(append(full, head[:cut]...), ','), snip...), ']')
	return docInfo{full: full, cut: cut}, nil
}

// write appends the result data, with the snippet or with "" for it.
func (d docInfo) write(b *bytes.Buffer, snippet bool) {
	if snippet {
		b.Write(d.full)
		return
	}
	b.Write(d.full[:d.cut])
	b.WriteString(`,""]`)
}

// Prepare derives d's keys and result data.
func Prepare(d Doc) (*Prepared, error) {
	p := &Prepared{Collection: d.Collection, Slug: d.Slug, keys: keysOf(d)}
	day := d.Date
	if len(day) > 10 {
		day = day[:10]
	}
	info, err := newDocInfo(d.Collection, d.Slug, d.Title, day, d.Snippet)
	if err != nil {
		return nil, fmt.Errorf("encode search doc %s/%s: %w", d.Collection, d.Slug, err)
	}
	p.info = info
	return p, nil
}

// AddPrepared is Add for a prepared doc (not changed by it).
func (b *Builder) AddPrepared(i int, p *Prepared) error {
	d, keys, info := p, p.keys, p.info
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.placed != nil {
		return fmt.Errorf("search doc %s/%s: a rank given to an unranked Builder", d.Collection, d.Slug)
	}
	if i < 0 || i >= len(b.info) || b.added[i] {
		return fmt.Errorf("search doc %s/%s: rank %d out of range or taken", d.Collection, d.Slug, i)
	}
	b.added[i], b.info[i] = true, info
	for k, w := range keys {
		l := b.lists[k]
		if l == nil {
			l = &keyList{}
			b.lists[k] = l
		}
		l.push(posting{doc: int32(i), weight: int32(w)}, better)
	}
	return nil
}

// Objects returns the index objects once every doc is added.
func (b *Builder) Objects() (map[string][]byte, error) {
	out := map[string][]byte{}
	err := b.Each(func(key string, body []byte) error {
		out[key] = bytes.Clone(body)
		return nil
	})
	return out, err
}

// Each hands every index object to emit once every doc is added: the
// shards in bucket order, then the root. body is only valid until emit
// returns (its buffer is reused), so the objects are never all held: at
// 100,000 entries they are ~150 MB.
func (b *Builder) Each(emit func(key string, body []byte) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, ok := range b.added {
		if !ok {
			return fmt.Errorf("search index: doc of rank %d was never added", i)
		}
	}
	rank := b.rank()
	lists, info := b.lists, b.info
	keys := make([]string, 0, len(lists))
	total := 0
	for k, l := range lists {
		for i := range l.top {
			if rank != nil {
				l.top[i].doc = rank[l.top[i].doc]
			}
		}
		total += l.finish(k, info)
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return emitShards(keys, total, func(k string) *keyList { return lists[k] }, info, emit)
}

// rank gives an unranked Builder's docs their ranks: it puts their result
// data in rank order and returns each doc's rank by its number, for Each to
// renumber the postings with (nil for a Builder of ranks). The Builder is one
// of ranks after.
func (b *Builder) rank() []int32 {
	if b.placed == nil {
		return nil
	}
	ids := make([]int32, len(b.places))
	for i := range ids {
		ids[i] = int32(i)
	}
	slices.SortFunc(ids, func(x, y int32) int {
		return cmp.Or(comparePlaces(&b.places[x], &b.places[y]), cmp.Compare(x, y))
	})
	rank := make([]int32, len(ids))
	info := make([]docInfo, len(ids))
	for r, i := range ids {
		rank[i] = int32(r)
		info[r] = b.info[i]
	}
	b.info, b.places, b.placed = info, nil, nil
	return rank
}

// finish sorts l's postings best first and drops those past the result
// data one key may carry; it returns what the key counts toward the
// index's size.
func (l *keyList) finish(k string, info []docInfo) int {
	slices.SortFunc(l.top, func(a, b posting) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	size := 0
	for i, p := range l.top {
		if size += len(info[p.doc].full) + 8; size > maxKeyDocBytes {
			l.top = l.top[:i]
			break
		}
	}
	return size + len(k) + 16
}

// emitShards picks the bucket count for keys (sorted, of total size) and
// hands each shard, then the root, to emit.
func emitShards(keys []string, total int, lists func(string) *keyList, info []docInfo, emit func(key string, body []byte) error) error {
	n := 1
	for n*targetShardBytes < total {
		n *= 2
	}
	var buf bytes.Buffer
	for ; ; n *= 2 {
		// A dry run first: a shard over the limit doubles n, and nothing
		// may have been emitted by then.
		fits := eachShard(n, keys, lists, info, &buf, func(int) error {
			if buf.Len() > contract.SearchShardMaxBytes {
				return errTooBig
			}
			return nil
		})
		if fits == nil {
			break
		}
	}
	if err := eachShard(n, keys, lists, info, &buf, func(i int) error { return emit(ShardKey(n, i), buf.Bytes()) }); err != nil {
		return err
	}
	return emit(RootKey, fmt.Appendf(nil, "{\"version\":1,\"docs\":%d,\"buckets\":%d}\n", len(info), n))
}

var errTooBig = errors.New("shard over the limit")

// eachShard encodes each non-empty bucket of keys (sorted) in turn into
// buf and calls f with its number; it stops at f's first error.
func eachShard(n int, keys []string, lists func(string) *keyList, info []docInfo, buf *bytes.Buffer, f func(bucket int) error) error {
	// Keys by bucket, in key order within each: a counting sort of their
	// places (4 bytes a key, not a slice of strings per bucket).
	start := make([]int32, n+1)
	for _, k := range keys {
		start[Bucket(k, n)+1]++
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	order := make([]int32, len(keys))
	next := slices.Clone(start[:n])
	for i, k := range keys {
		bk := Bucket(k, n)
		order[next[bk]] = int32(i)
		next[bk]++
	}
	var ks []string
	for i := range n {
		if start[i] == start[i+1] {
			continue
		}
		ks = ks[:0]
		for _, j := range order[start[i]:start[i+1]] {
			ks = append(ks, keys[j])
		}
		buf.Reset()
		encodeShard(buf, ks, lists, info)
		if err := f(i); err != nil {
			return err
		}
	}
	return nil
}

// encodeShard writes {"version":1,"docs":[[collection,slug,title,day,
// snippet],…],"keys":[[key,df,[doc,weight,…]],…]}: keys sorted, docs in
// the order the keys first name them, postings best first. A doc's snippet
// is "" unless it is among the SnippetK best of a key in the shard.
func encodeShard(b *bytes.Buffer, keys []string, lists func(string) *keyList, info []docInfo) {
	local := map[int32]int{}
	var docs []int32
	snippet := map[int32]bool{}
	var kb bytes.Buffer
	for i, k := range keys {
		if i > 0 {
			kb.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		l := lists(k)
		fmt.Fprintf(&kb, "[%s,%d,[", kj, l.df)
		for j, p := range l.top {
			d, ok := local[p.doc]
			if !ok {
				d = len(docs)
				local[p.doc] = d
				docs = append(docs, p.doc)
			}
			if j < SnippetK {
				snippet[p.doc] = true
			}
			if j > 0 {
				kb.WriteByte(',')
			}
			kb.WriteString(strconv.Itoa(d))
			kb.WriteByte(',')
			kb.WriteString(strconv.Itoa(int(p.weight)))
		}
		kb.WriteString("]]")
	}
	b.WriteString(`{"version":1,"docs":[`)
	for i, d := range docs {
		if i > 0 {
			b.WriteByte(',')
		}
		info[d].write(b, snippet[d])
	}
	b.WriteString(`],"keys":[`)
	b.Write(kb.Bytes())
	b.WriteString("]}\n")
}
