package syncer

import (
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/axctl/axctl/internal/atomicfile"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/store"
)

// The manifests a sync built last are kept beside the render cache, as the
// search index is (searchcache.go): <cache>/manifests/<digest>/objects holds
// every object's bytes one after another (it is the spill the build wrote)
// and index.json each object's key, offset, size and MD5. The digest names
// everything manifest.BuildEach reads: the render cache's fingerprint (so a
// new axctl never reads what an old one kept), the site, the collections,
// the page size, and every published record whole with whether it is
// windowed at the sync's time (the only way the output depends on the
// time). A sync none of whose records changed (every no-op) takes the kept
// MD5s instead of building (related walks and encoding were most of a
// 100,000-entry no-op's CPU); an object the plan writes is read back from
// the file. Like the render cache it is only an accelerator: a missing or
// damaged one is built again.

// keptObject is one manifest object in index.json.
type keptObject struct {
	Key  string `json:"key"`
	Off  int64  `json:"off"`
	Size int64  `json:"size"`
	MD5  string `json:"md5"`
}

// digestSite is what of manifest.Site the digest covers (Now is covered
// by each record's windowed bit).
type digestSite struct{ Title, BaseURL, Lang string }

// manifestDigest names the manifests BuildEach makes of b's records.
func (b *Built) manifestDigest(fingerprint string, site manifest.Site, cols []manifest.Collection, pageSize int) (string, error) {
	h := sha256.New()
	enc := gob.NewEncoder(h)
	put := func(v any) error { return enc.Encode(v) }
	if err := put(fingerprint); err != nil {
		return "", err
	}
	if err := put(digestSite{site.Title, site.BaseURL, site.Lang}); err != nil {
		return "", err
	}
	if err := put(cols); err != nil {
		return "", err
	}
	if err := put(pageSize); err != nil {
		return "", err
	}
	names := make([]string, 0, len(b.records))
	for c := range b.records {
		names = append(names, c)
	}
	slices.Sort(names)
	for _, c := range names {
		recs := b.records[c]
		if err := put(c); err != nil {
			return "", err
		}
		if err := put(recs.n); err != nil {
			return "", err
		}
		// Sorted, so that the order entries were loaded in does not matter
		// (the build's output does not depend on it either).
		order := make([]int32, recs.n)
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortStableFunc(order, func(x, y int32) int { return strings.Compare(recs.at(int(x)).Slug, recs.at(int(y)).Slug) })
		for _, i := range order {
			r := recs.at(int(i))
			if err := put(r); err != nil {
				return "", err
			}
			if err := put(manifest.Windowed(r, site.Now)); err != nil {
				return "", err
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// keptManifests returns the manifest items kept for digest under dir, read
// from their file, and site.json's bytes; false when there are none (or
// they are damaged).
func keptManifests(dir, digest string) ([]plan.Item, []byte, bool) {
	d := filepath.Join(dir, digest)
	raw, err := os.ReadFile(filepath.Join(d, "index.json"))
	if err != nil {
		return nil, nil, false
	}
	var objs []keptObject
	if err := json.Unmarshal(raw, &objs); err != nil || len(objs) == 0 {
		return nil, nil, false
	}
	f, err := os.Open(filepath.Join(d, "objects"))
	if err != nil {
		return nil, nil, false
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, nil, false
	}
	sp := &spill{f: f, off: st.Size()}
	runtime.AddCleanup(sp, func(f *os.File) { _ = f.Close() }, f)
	items := make([]plan.Item, 0, len(objs))
	var site []byte
	for _, o := range objs {
		if o.Off < 0 || o.Size < 0 || o.Off+o.Size > st.Size() || o.Key == "" || len(o.MD5) != 32 {
			return nil, nil, false
		}
		if o.Key == manifest.SiteKey {
			site = make([]byte, o.Size)
			if _, err := f.ReadAt(site, o.Off); err != nil || store.MD5Hex(site) != o.MD5 {
				return nil, nil, false
			}
		}
		items = append(items, sp.itemAt(o.Key, o.Off, o.Size, o.MD5))
	}
	if site == nil {
		return nil, nil, false
	}
	return items, site, true
}

// keptSpill starts the file a build for digest writes under dir: index.json
// goes first (a half-written file is never read), other digests stay until
// keepManifests.
func keptSpill(dir, digest string) (*spill, error) {
	d := filepath.Join(dir, digest)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return nil, err
	}
	if err := os.Remove(filepath.Join(d, "index.json")); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	// A new file, not the old one truncated: items of an earlier Built
	// may still read the old one.
	if err := os.Remove(filepath.Join(d, "objects")); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	f, err := os.Create(filepath.Join(d, "objects"))
	if err != nil {
		return nil, err
	}
	sp := &spill{f: f}
	runtime.AddCleanup(sp, func(f *os.File) { _ = f.Close() }, f)
	return sp, nil
}

// keepManifests writes index.json for the items a build wrote to the file
// keptSpill started, and removes what older builds kept.
func keepManifests(dir, digest string, items []plan.Item, offs []int64) error {
	objs := make([]keptObject, len(items))
	for i, it := range items {
		objs[i] = keptObject{Key: it.Key, Off: offs[i], Size: it.Size, MD5: it.MD5}
	}
	raw, err := json.Marshal(objs)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, digest, "index.json"), raw); err != nil {
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

// itemAt is the manifest item for the object at off in s's file.
func (s *spill) itemAt(key string, off, size int64, md5 string) plan.Item {
	return plan.Item{
		Key: key, Kind: plan.KindManifest, Size: size, MD5: md5,
		Open: func() (io.ReadSeekCloser, error) {
			return spillReader{io.NewSectionReader(s.f, off, size), s}, nil
		},
		Attrs: store.Attrs{ContentType: "application/json"},
	}
}
