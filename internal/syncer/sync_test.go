package syncer_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/png"
	"slices"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/search"
	"github.com/axctl/axctl/internal/testutil"
)

// TestSyncTwiceWritesNothing: a second sync of unchanged content costs one
// LIST per managed prefix (each holds < 1,000 objects) and nothing else, and
// leaves every object as it was.
func TestSyncTwiceWritesNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
		s := newSite(t, 3)
		s.blogOf(7)
		s.entry("docs", "guide", "Guide", "2025-06-01", "![dot](../blog/img/dot.png)")
		s.write("content/blog/img/dot.png", string(pngBytes(t)))
		b := open(t)
		first := run(t, s, b.storage)
		if first.Plan.Empty() {
			t.Fatal("first sync planned nothing")
		}
		before := snapshot(t, b.raw)

		b.reqs.Reset()
		rep := run(t, s, b.storage)
		counts := b.reqs.Counts()
		t.Logf("%s: no-op sync requests: %v", b.kind, counts)
		if !rep.Plan.Empty() {
			t.Errorf("second sync planned:\n%s", rep.Plan)
		}
		if rep.Result != nil {
			t.Errorf("second sync applied something: %+v", rep.Result)
		}
		want := map[string]int{testutil.OpList: 1} // ⌈objects/1000⌉, and the bucket holds < 1000
		if !mapsEqual(counts, want) {
			t.Errorf("requests = %v, want %v (one LIST, no GET/HEAD/PUT/DELETE)", counts, want)
		}
		if rep.Lists != 1 || rep.ManifestGets != 0 {
			t.Errorf("report: %d lists, %d manifest gets", rep.Lists, rep.ManifestGets)
		}
		after := snapshot(t, b.raw)
		sameBucket(t, after, before)
		for k, o := range before {
			if !after[k].LastModified.Equal(o.LastModified) {
				t.Errorf("%s: LastModified changed from %v to %v", k, o.LastModified, after[k].LastModified)
			}
		}
	})
}

func mapsEqual(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// TestEditOneEntry: editing one entry writes exactly its body and at most 3
// manifest objects besides the search index; a title-only edit (the body bytes do not change) is
// still detected, as "metadata changed".
func TestEditOneEntry(t *testing.T) {
	cases := []struct {
		name, slug string
		edit       func(s *site, slug string)
		reason     plan.Reason
		manifests  []string
	}{
		{
			name: "body of an old entry", slug: "p00",
			edit: func(s *site, slug string) {
				s.entry("blog", slug, "Post 0", "2026-01-01", "A new body.")
			},
			reason: plan.ReasonContentChanged, manifests: []string{"metadata/blog/0000.json", "metadata/search/1/0.json"},
		},
		{
			name: "body of the newest entry", slug: "p11",
			edit: func(s *site, slug string) {
				s.entry("blog", slug, "Post 11", "2026-01-12", "A new body.")
			},
			reason:    plan.ReasonContentChanged,
			manifests: []string{"metadata/blog/0003.json", "metadata/search/1/0.json", "metadata/site.json"},
		},
		{
			name: "title only", slug: "p04",
			edit: func(s *site, slug string) {
				s.entry("blog", slug, "A better title", "2026-01-05", "Body of post 4.")
			},
			reason:    plan.ReasonMetadataChanged,
			manifests: []string{"metadata/blog/0001.json", "metadata/search/1/0.json", "metadata/site.json"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
				s := newSite(t, 3)
				s.blogOf(12) // shards 0000..0003; latest = p02..p11
				s.entry("docs", "old", "Old doc", "2025-01-01", "Docs.")
				b := open(t)
				run(t, s, b.storage)
				before := snapshot(t, b.raw)

				tc.edit(s, tc.slug)
				rec := &recordingStore{Store: b.storage, skip: contract.LeaseKey}
				b.reqs.Reset()
				rep := run(t, s, rec)
				t.Logf("%s: one-entry edit requests: %v", b.kind, b.reqs.Counts())

				key := manifest.EntryKey("blog", tc.slug)
				bodies, manifests := rec.written()
				if !equalStrings(bodies, []string{key}) {
					t.Errorf("bodies written = %q, want only %s", bodies, key)
				}
				if !equalStrings(manifests, tc.manifests) {
					t.Errorf("manifests written = %q, want %q", manifests, tc.manifests)
				}
				// The site is small enough for one search shard, which
				// every edit rewrites (TestSearchEditRewritesFewShards
				// covers a larger index).
				if n := len(slices.DeleteFunc(slices.Clone(manifests), search.IsKey)); n > 3 {
					t.Errorf("%d manifest objects written besides the search index, want ≤ 3", n)
				}
				if len(rec.deletes) > 0 {
					t.Errorf("deleted %q", rec.deletes)
				}
				for _, a := range rep.Plan.Uploads {
					if a.Key == key && a.Reason != tc.reason {
						t.Errorf("%s: reason %q, want %q", key, a.Reason, tc.reason)
					}
				}
				n := b.reqs.Counts()
				// The lease: one PUT to take it, one DELETE to release it, and a
				// second LIST to plan again once it is held.
				if n[testutil.OpPut] != 2+len(manifests) || n[testutil.OpDelete] != 1 || n[testutil.OpHead] != 0 || n[testutil.OpList] != 2 {
					t.Errorf("requests = %v, want 2 LIST, %d PUT, 1 DELETE (the lease), no HEAD", n, 2+len(manifests))
				}
				if n[testutil.OpGet] > len(tc.manifests) {
					t.Errorf("%d GETs: want at most one per changed shard", n[testutil.OpGet])
				}

				after := snapshot(t, b.raw)
				for k, o := range before {
					changed := !bytes.Equal(after[k].Body, o.Body) || !after[k].LastModified.Equal(o.LastModified)
					if changed && k != key && !slices.Contains(tc.manifests, k) {
						t.Errorf("%s changed", k)
					}
				}
				if tc.reason == plan.ReasonMetadataChanged {
					// Only the first line, the marker naming the object's hash
					// (which covers the metadata), may differ.
					_, a, _ := bytes.Cut(after[key].Body, []byte("\n"))
					_, b, _ := bytes.Cut(before[key].Body, []byte("\n"))
					if !bytes.Equal(a, b) || bytes.Equal(after[key].Body, before[key].Body) {
						t.Errorf("title-only edit: the rendered body changed, or the hash marker did not")
					}
					if got := after[key].Attrs.Metadata["title"]; got != "A better title" {
						t.Errorf("title metadata = %q", got)
					}
				}
				consistent(t, after, "blog", "docs")
				// And the edit converged: nothing left to do.
				if rep := run(t, s, b.storage); !rep.Plan.Empty() {
					t.Errorf("third sync planned:\n%s", rep.Plan)
				}
			})
		})
	}
}

// TestRenameEntry: the old key is deleted, the new key listed exactly once,
// and no entry object is left that no shard names.
func TestRenameEntry(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
		s := newSite(t, 3)
		s.blogOf(5)
		b := open(t)
		run(t, s, b.storage)

		s.remove(entryPath("blog", "p02"))
		s.entry("blog", "renamed", "Post 2", "2026-01-03", "Body of post 2.")
		rep := run(t, s, b.storage)

		oldKey, newKey := manifest.EntryKey("blog", "p02"), manifest.EntryKey("blog", "renamed")
		if len(rep.Plan.Deletes) != 1 || rep.Plan.Deletes[0].Key != oldKey {
			t.Errorf("deletes = %+v, want only %s", rep.Plan.Deletes, oldKey)
		}
		objs := snapshot(t, b.raw)
		if _, ok := objs[oldKey]; ok {
			t.Errorf("%s still exists", oldKey)
		}
		named := consistent(t, objs, "blog", "docs")
		seen := map[string]int{}
		for _, k := range named {
			seen[k]++
		}
		if seen[newKey] != 1 || seen[oldKey] != 0 {
			t.Errorf("shards name %s %d times and %s %d times", newKey, seen[newKey], oldKey, seen[oldKey])
		}
		noOrphans(t, objs, named)
	})
}

// noOrphans fails if an entry object exists that no shard names, or a
// shard exists that no index names.
func noOrphans(t *testing.T, objs map[string]object, named []string) {
	t.Helper()
	for k := range objs {
		if strings.HasPrefix(k, "entries/") && !slices.Contains(named, k) {
			t.Errorf("orphan entry %s", k)
		}
	}
}

// TestPublishedEntryBecomesDraft: it is deleted and leaves the manifests.
func TestPublishedEntryBecomesDraft(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
		s := newSite(t, 3)
		s.blogOf(5)
		b := open(t)
		run(t, s, b.storage)

		s.entry("blog", "p01", "Post 1", "2026-01-02", "Body of post 1.", "draft: true")
		rep := run(t, s, b.storage)
		key := manifest.EntryKey("blog", "p01")
		if rep.Drafts != 1 || len(rep.Plan.Deletes) != 1 || rep.Plan.Deletes[0].Key != key {
			t.Errorf("drafts %d, deletes %+v; want 1 and %s", rep.Drafts, rep.Plan.Deletes, key)
		}
		objs := snapshot(t, b.raw)
		if _, ok := objs[key]; ok {
			t.Errorf("draft %s still in the bucket", key)
		}
		named := consistent(t, objs, "blog", "docs")
		if slices.Contains(named, key) {
			t.Errorf("manifests still name the draft")
		}
		noOrphans(t, objs, named)
	})
}

// TestEmptiedCollection: the index says total 0 with no shards, and the old
// shards and entries are gone.
func TestEmptiedCollection(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
		s := newSite(t, 3)
		s.blogOf(2)
		for i := range 6 { // two shards of 3
			s.entry("docs", fmt.Sprintf("d%d", i), fmt.Sprintf("Doc %d", i), fmt.Sprintf("2025-02-0%d", i+1), "Docs.")
		}
		b := open(t)
		run(t, s, b.storage)
		if _, ok := snapshot(t, b.raw)["metadata/docs/0001.json"]; !ok {
			t.Fatal("setup: docs has no second shard")
		}

		for i := range 6 {
			s.remove(entryPath("docs", fmt.Sprintf("d%d", i)))
		}
		run(t, s, b.storage)
		objs := snapshot(t, b.raw)
		ix, err := manifest.DecodeIndex(objs["metadata/docs.json"].Body)
		if err != nil {
			t.Fatal(err)
		}
		if ix.Total != 0 || len(ix.Shards) != 0 {
			t.Errorf("docs index: total %d, %d shards; want an empty manifest", ix.Total, len(ix.Shards))
		}
		for k := range objs {
			if strings.HasPrefix(k, "metadata/docs/") || strings.HasPrefix(k, "entries/docs/") {
				t.Errorf("%s left behind", k)
			}
		}
		sm, err := manifest.DecodeSite(objs[manifest.SiteKey].Body)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range sm.Collections {
			if c.Name == "docs" && c.Total != 0 {
				t.Errorf("site.json: docs total %d", c.Total)
			}
		}
		consistent(t, objs, "blog", "docs")
	})
}

// TestAttachments: a local image is uploaded once, content-addressed, with
// the immutable Cache-Control and its content type; the HTML of both
// entries that reference it points at that key.
func TestAttachments(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
		s := newSite(t, 3)
		img := pngBytes(t)
		s.write("content/blog/img/dot.png", string(img))
		s.entry("blog", "one", "One", "2026-03-01", "![a dot](img/dot.png)")
		s.entry("docs", "two", "Two", "2026-03-02", "Same picture: ![the dot](../blog/img/dot.png)")
		b := open(t)
		rec := &recordingStore{Store: b.storage}
		run(t, s, rec)

		sum := sha256.Sum256(img)
		key := "assets/" + hex.EncodeToString(sum[:])[:32] + ".png"
		puts := 0
		for _, k := range rec.puts {
			if strings.HasPrefix(k, "assets/") {
				puts++
				if k != key {
					t.Errorf("uploaded %s, want %s", k, key)
				}
			}
		}
		if puts != 1 {
			t.Errorf("%d asset uploads, want 1", puts)
		}
		objs := snapshot(t, b.raw)
		a, ok := objs[key]
		if !ok {
			t.Fatalf("%s missing; have %q", key, keysOf(objs))
		}
		if !bytes.Equal(a.Body, img) {
			t.Error("asset bytes differ from the file")
		}
		if a.Attrs.CacheControl != "public, max-age=31536000, immutable" {
			t.Errorf("Cache-Control = %q", a.Attrs.CacheControl)
		}
		if a.Attrs.ContentType != "image/png" {
			t.Errorf("Content-Type = %q", a.Attrs.ContentType)
		}
		for _, e := range []string{"entries/blog/one.html", "entries/docs/two.html"} {
			if !bytes.Contains(objs[e].Body, []byte(`src="/`+key+`"`)) {
				t.Errorf("%s does not point at /%s:\n%s", e, key, objs[e].Body)
			}
		}
	})
}

// pngBytes is a valid 2×2 PNG.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
