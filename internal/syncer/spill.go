package syncer

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"sync/atomic"

	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/store"
)

// The manifests of a large site are more bytes than its records (153 MB
// for 100,000 entries), and a no-op sync needs only their MD5s, to compare
// with the listing's ETags. So a sync writes each manifest object, as it
// is built, to one temporary file, already unlinked, and keeps its key,
// size and MD5; an object the plan writes is streamed back from the file.
// site.json stays in memory as well: the plan reads it (shellChanged).

// manifestBuilds counts manifest builds (tests read it).
var manifestBuilds atomic.Int64

// spill is the temporary file the manifests of one Built are kept in.
type spill struct {
	f   *os.File
	off int64
}

// newSpill creates the file and unlinks it at once (on systems that allow
// it), so nothing is left behind however the process ends. The file is
// closed when the spill is garbage collected: every item it made, and
// every reader such an item opened, refers to the spill, so the file stays
// open while any of them can still be read (the Built may be gone sooner:
// an apply outlives its last use).
func newSpill() (*spill, error) {
	f, err := os.CreateTemp("", "axctl-manifests-*")
	if err != nil {
		return nil, fmt.Errorf("manifests: %w", err)
	}
	_ = os.Remove(f.Name())
	sp := &spill{f: f}
	runtime.AddCleanup(sp, func(f *os.File) { _ = f.Close() }, f)
	return sp, nil
}

// item writes b and returns the manifest item that reads it back.
func (s *spill) item(key string, b []byte) (plan.Item, error) {
	off := s.off
	if _, err := s.f.WriteAt(b, off); err != nil {
		return plan.Item{}, fmt.Errorf("manifests: %w", err)
	}
	s.off += int64(len(b))
	return s.itemAt(key, off, int64(len(b)), store.MD5Hex(b)), nil
}

// spillReader reads one object back; it keeps its spill (and so the file)
// alive while it is read.
type spillReader struct {
	*io.SectionReader
	sp *spill
}

func (spillReader) Close() error { return nil }

// buildManifests builds the manifests into a new spill (b.spill, where a
// new search index goes too) and returns their items; it keeps site.json's
// bytes and each object's MD5 by key. With dir set, the manifests kept
// there for the same records are used instead of building, and a build is
// kept there (manifestcache.go); fingerprint is the render cache's.
func (b *Built) buildManifests(site manifest.Site, cols []manifest.Collection, pageSize int, dir, fingerprint string) ([]plan.Item, error) {
	var digest string
	if dir != "" {
		var err error
		if digest, err = b.manifestDigest(fingerprint, site, cols, pageSize); err != nil {
			return nil, fmt.Errorf("manifests: %w", err)
		}
		if items, siteJSON, ok := keptManifests(dir, digest); ok {
			if b.spill, err = newSpill(); err != nil {
				return nil, err
			}
			b.local = make(map[string]string, len(items))
			for _, it := range items {
				b.local[it.Key] = it.MD5
			}
			b.site = siteJSON
			return items, nil
		}
	}
	var sp *spill
	var err error
	if dir != "" {
		// Manifests that cannot be kept (keptSpill's error) are written
		// to a temporary file and built again next time.
		sp, _ = keptSpill(dir, digest)
	}
	if sp == nil {
		digest = ""
		if sp, err = newSpill(); err != nil {
			return nil, err
		}
	}
	b.spill = sp
	manifestBuilds.Add(1)
	var items []plan.Item
	var offs []int64
	b.local = map[string]string{}
	err = manifest.BuildEach(site, cols, b.recordSlices(), pageSize, func(key string, body []byte) error {
		offs = append(offs, sp.off)
		it, err := sp.item(key, body)
		if err != nil {
			return err
		}
		if key == manifest.SiteKey {
			b.site = append([]byte(nil), body...)
		}
		b.local[key] = it.MD5
		items = append(items, it)
		return nil
	})
	if err == nil && digest != "" {
		_ = keepManifests(dir, digest, items, offs)
	}
	return items, err
}
