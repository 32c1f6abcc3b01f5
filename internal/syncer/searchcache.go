package syncer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/axctl/axctl/internal/atomicfile"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/store"
)

// The search index a sync built last is kept beside the render cache
// (<cache>/search/<digest>/), named by a digest of everything the index is
// made from: each published entry's collection, slug and record hash (which
// covers its body and every metadata value the index reads). A sync whose
// entries are all unchanged (every no-op) reuses it without reading or
// indexing a body, and its objects are uploaded from those files rather
// than held in memory. Like the render cache it is only an accelerator: a
// missing or damaged one is rebuilt. The cache's fingerprint names the
// axctl executable, so a new indexer never reads an old index.

// searchObject is one index object in the cache.
type searchObject struct {
	Key  string `json:"key"`
	MD5  string `json:"md5"`
	Size int64  `json:"size"`
}

// searchDigest names the index b's entries make.
func (b *Built) searchDigest() string {
	lines := make([]string, 0, b.pending.n)
	for _, p := range b.pending.all() {
		r := b.record(p.collection, p.record)
		lines = append(lines, p.collection+"\x00"+r.Slug+"\x00"+r.Hash+"\n")
	}
	slices.Sort(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// cachedSearch returns the index objects kept for digest under dir, as
// items read from their files; false when there are none (or one is gone).
func cachedSearch(dir, digest string) ([]plan.Item, bool) {
	d := filepath.Join(dir, digest)
	raw, err := os.ReadFile(filepath.Join(d, "index.json"))
	if err != nil {
		return nil, false
	}
	var objs []searchObject
	if err := json.Unmarshal(raw, &objs); err != nil || len(objs) == 0 {
		return nil, false
	}
	items := make([]plan.Item, 0, len(objs))
	for i, o := range objs {
		src := filepath.Join(d, strconv.Itoa(i))
		if st, err := os.Stat(src); err != nil || st.Size() != o.Size {
			return nil, false
		}
		items = append(items, plan.Item{Key: o.Key, Kind: plan.KindManifest, Src: src, Size: o.Size, MD5: o.MD5,
			Attrs: store.Attrs{ContentType: "application/json"}})
	}
	return items, true
}

// searchKeeper writes the index objects for digest under dir as they are
// built (finish writes index.json last, so a half-written index is never
// read, and removes older ones).
type searchKeeper struct {
	dir, digest string
	objs        []searchObject
	err         error
}

func newSearchKeeper(dir, digest string) *searchKeeper {
	k := &searchKeeper{dir: dir, digest: digest}
	d := filepath.Join(dir, digest)
	if err := os.MkdirAll(d, 0o755); err != nil {
		k.err = err
	} else if err := os.Remove(filepath.Join(d, "index.json")); err != nil && !os.IsNotExist(err) {
		k.err = err
	}
	return k
}

func (k *searchKeeper) add(key string, body []byte) {
	if k.err != nil {
		return
	}
	if err := os.WriteFile(filepath.Join(k.dir, k.digest, strconv.Itoa(len(k.objs))), body, 0o644); err != nil {
		k.err = err
		return
	}
	k.objs = append(k.objs, searchObject{Key: key, MD5: store.MD5Hex(body), Size: int64(len(body))})
}

func (k *searchKeeper) finish() error {
	if k.err != nil {
		return k.err
	}
	raw, err := json.Marshal(k.objs)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(k.dir, k.digest, "index.json"), raw); err != nil {
		return err
	}
	old, _ := os.ReadDir(k.dir)
	for _, e := range old {
		if e.Name() != k.digest {
			_ = os.RemoveAll(filepath.Join(k.dir, e.Name()))
		}
	}
	return nil
}

// searchItems returns the search index's objects: kept ones when the
// entries are those it was built from, else a new index (kept for the next
// sync when dir is set).
func (b *Built) searchItems(dir string) ([]plan.Item, error) {
	var digest string
	if dir != "" {
		digest = b.searchDigest()
		if items, ok := cachedSearch(dir, digest); ok {
			return items, nil
		}
	}
	var keep *searchKeeper
	var later []keptBody // with keepLater: kept by KeepIndex (dev: when it stops)
	if dir != "" && !b.keepLater {
		keep = newSearchKeeper(dir, digest)
	}
	// The objects (148 MB at 100,000 entries) would be most of a cold
	// sync's memory: each goes to the manifests' file as it is made.
	var items []plan.Item
	err := b.searchIndex(func(k string, body []byte) error {
		if keep != nil {
			keep.add(k, body)
		} else if dir != "" {
			later = append(later, keptBody{k, bytes.Clone(body)})
		}
		if b.spill == nil {
			items = append(items, manifestItem(k, bytes.Clone(body)))
			return nil
		}
		it, err := b.spill.item(k, body)
		items = append(items, it)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("build search index: %w", err)
	}
	if keep != nil {
		// An index that cannot be kept is built again next time.
		_ = keep.finish()
	}
	if dir != "" && b.keepLater {
		b.keepIndex = func() error {
			k := newSearchKeeper(dir, digest)
			for _, o := range later {
				k.add(o.key, o.body)
			}
			return k.finish()
		}
	}
	return items, nil
}

// keptBody is one index object held for Built.KeepIndex.
type keptBody struct {
	key  string
	body []byte
}
