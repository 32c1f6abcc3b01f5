package syncer

import (
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
	lines := make([]string, 0, len(b.pending))
	for _, p := range b.pending {
		r := &b.records[p.collection][p.record]
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

// keepSearch writes the index objects for digest under dir (index.json
// last, so a half-written index is never read) and removes older ones.
func keepSearch(dir, digest string, index map[string][]byte) error {
	d := filepath.Join(dir, digest)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	keys := make([]string, 0, len(index))
	for k := range index {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	objs := make([]searchObject, len(keys))
	for i, k := range keys {
		if err := os.WriteFile(filepath.Join(d, strconv.Itoa(i)), index[k], 0o644); err != nil {
			return err
		}
		objs[i] = searchObject{Key: k, MD5: store.MD5Hex(index[k]), Size: int64(len(index[k]))}
	}
	raw, err := json.Marshal(objs)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(d, "index.json"), raw); err != nil {
		return err
	}
	old, _ := os.ReadDir(dir)
	for _, e := range old {
		if e.Name() != digest {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
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
	index, err := b.searchIndex()
	if err != nil {
		return nil, fmt.Errorf("build search index: %w", err)
	}
	if dir != "" {
		// An index that cannot be kept is built again next time.
		_ = keepSearch(dir, digest, index)
	}
	// Held until the upload, the objects (148 MB at 100,000 entries) would
	// be most of a cold sync's memory: they go to the manifests' file.
	items := make([]plan.Item, 0, len(index))
	for k, body := range index {
		it := manifestItem(k, body)
		if b.spill != nil {
			if it, err = b.spill.item(k, body); err != nil {
				return nil, err
			}
		}
		items = append(items, it)
		delete(index, k)
	}
	return items, nil
}
