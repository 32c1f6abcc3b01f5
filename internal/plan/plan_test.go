package plan

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/store"
)

// The plan's table tests, in the style of hugo deploy's findDiffs: local
// objects on one side, a listing on the other, the actions and reasons out.

func entry(key, md5, hash, input string, meta map[string]string) Item {
	return Item{Key: key, Kind: KindEntry, MD5: md5, Hash: hash, Input: input, Meta: func() map[string]string { return meta }}
}

func TestMakePlan(t *testing.T) {
	metaA := map[string]string{"title": "A", "words": "10", "hash": "h1"}
	metaA2 := map[string]string{"title": "A2", "words": "10", "hash": "h2"}
	metaAwords := map[string]string{"title": "A", "words": "12", "hash": "h3"}
	old := func(hash, input string, meta map[string]string) Previous {
		return Previous{Hash: hash, Input: input, MetaDigest: MetaDigest(meta)}
	}
	tests := []struct {
		name      string
		local     []Item
		remote    map[string]store.Object
		prev      map[string]Previous
		uploads   []string // "key reason"
		deletes   []string
		unchanged int
		pre       map[string]store.Precondition
	}{
		{
			name:    "empty bucket: everything new, manifests must not exist",
			local:   []Item{entry("entries/b/a.html", "m1", "h1", "i1", metaA), {Key: "metadata/b.json", Kind: KindManifest, MD5: "mm"}, {Key: "assets/x.png", Kind: KindAsset, MD5: "ma"}},
			uploads: []string{"assets/x.png new", "entries/b/a.html new", "metadata/b.json new"},
			pre:     map[string]store.Precondition{"metadata/b.json": {IfNoneMatch: true}},
		},
		{
			name:      "no-op: listed ETags equal local MD5s",
			local:     []Item{entry("entries/b/a.html", "m1", "h1", "i1", metaA), {Key: "metadata/b.json", Kind: KindManifest, MD5: "mm"}},
			remote:    map[string]store.Object{"entries/b/a.html": {ETag: "m1"}, "metadata/b.json": {ETag: "mm"}},
			unchanged: 2,
		},
		{
			name:    "body edited: content changed",
			local:   []Item{entry("entries/b/a.html", "m2", "h3", "i2", metaAwords)},
			remote:  map[string]store.Object{"entries/b/a.html": {ETag: "m1"}},
			prev:    map[string]Previous{"entries/b/a.html": old("h1", "i1", metaA)},
			uploads: []string{"entries/b/a.html content changed"},
		},
		{
			name:    "title edited: metadata changed (hugo deploy misses these)",
			local:   []Item{entry("entries/b/a.html", "m2", "h2", "i2", metaA2)},
			remote:  map[string]store.Object{"entries/b/a.html": {ETag: "m1"}},
			prev:    map[string]Previous{"entries/b/a.html": old("h1", "i1", metaA)},
			uploads: []string{"entries/b/a.html metadata changed"},
		},
		{
			name:    "same input, new output: renderer changed",
			local:   []Item{entry("entries/b/a.html", "m2", "h9", "i1", metaA)},
			remote:  map[string]store.Object{"entries/b/a.html": {ETag: "m1"}},
			prev:    map[string]Previous{"entries/b/a.html": old("h1", "i1", metaA)},
			uploads: []string{"entries/b/a.html renderer changed"},
		},
		{
			name:    "changed with no previous record: content changed",
			local:   []Item{entry("entries/b/a.html", "m2", "h2", "i2", metaA2)},
			remote:  map[string]store.Object{"entries/b/a.html": {ETag: "m1"}},
			uploads: []string{"entries/b/a.html content changed"},
		},
		{
			name:    "manifest changed: If-Match the listed ETag",
			local:   []Item{{Key: "metadata/b/0000.json", Kind: KindManifest, MD5: "new"}},
			remote:  map[string]store.Object{"metadata/b/0000.json": {ETag: "old"}},
			uploads: []string{"metadata/b/0000.json content changed"},
			pre:     map[string]store.Precondition{"metadata/b/0000.json": {IfMatch: "old"}},
		},
		{
			name:      "asset present: never overwritten, even with another ETag",
			local:     []Item{{Key: "assets/x.png", Kind: KindAsset, MD5: "ma"}},
			remote:    map[string]store.Object{"assets/x.png": {ETag: "multipart-1"}},
			unchanged: 1,
		},
		{
			name:    "renamed entry: new key uploaded, old key deleted",
			local:   []Item{entry("entries/b/new.html", "m1", "h1", "i1", metaA)},
			remote:  map[string]store.Object{"entries/b/old.html": {ETag: "m1"}},
			uploads: []string{"entries/b/new.html new"},
			deletes: []string{"entries/b/old.html"},
		},
		{
			name:    "only managed prefixes are deleted",
			remote:  map[string]store.Object{"entries/b/gone.html": {}, "metadata/b/0003.json": {}, "assets/old.png": {}, "uploads/keep.zip": {}, "robots.txt": {}},
			deletes: []string{"assets/old.png", "entries/b/gone.html", "metadata/b/0003.json"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Make(tc.local, tc.remote, tc.prev)
			var ups, dels []string
			for _, a := range p.Uploads {
				ups = append(ups, a.Key+" "+string(a.Reason))
				if want, ok := tc.pre[a.Key]; ok && a.Pre != want {
					t.Errorf("%s precondition = %+v, want %+v", a.Key, a.Pre, want)
				}
			}
			for _, a := range p.Deletes {
				dels = append(dels, a.Key)
				if a.Reason != ReasonRemoved {
					t.Errorf("%s delete reason %q", a.Key, a.Reason)
				}
			}
			if !slices.Equal(ups, tc.uploads) {
				t.Errorf("uploads = %q, want %q", ups, tc.uploads)
			}
			if !slices.Equal(dels, tc.deletes) {
				t.Errorf("deletes = %q, want %q", dels, tc.deletes)
			}
			if p.Unchanged != tc.unchanged {
				t.Errorf("unchanged = %d, want %d", p.Unchanged, tc.unchanged)
			}
			if p.Empty() != (len(tc.uploads)+len(tc.deletes) == 0) {
				t.Errorf("Empty() = %v", p.Empty())
			}
		})
	}
}

// Uploads come out in apply order: assets, entries, manifests.
func TestMakePlanOrder(t *testing.T) {
	p := Make([]Item{
		{Key: "metadata/site.json", Kind: KindManifest, MD5: "1"},
		{Key: "entries/b/z.html", Kind: KindEntry, MD5: "2"},
		{Key: "assets/q.png", Kind: KindAsset, MD5: "3"},
		{Key: "entries/b/a.html", Kind: KindEntry, MD5: "4"},
	}, nil, nil)
	var got []string
	for _, a := range p.Uploads {
		got = append(got, a.Key)
	}
	want := []string{"assets/q.png", "entries/b/a.html", "entries/b/z.html", "metadata/site.json"}
	if !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
	if s := p.String(); !strings.Contains(s, "put    asset    assets/q.png (new)") {
		t.Fatalf("String() = %q", s)
	}
}

func TestMetaDigestIgnoresDerivedFields(t *testing.T) {
	a := map[string]string{"title": "T", "words": "1", "hash": "x", "input": "y"}
	b := map[string]string{"title": "T", "words": "2", "hash": "z", "input": "w"}
	if MetaDigest(a) != MetaDigest(b) {
		t.Fatal("words/hash/input changed the digest")
	}
	b["title"] = "U"
	if MetaDigest(a) == MetaDigest(b) {
		t.Fatal("a title change did not change the digest")
	}
}

// Mirror copies what differs whatever its kind (an asset too: a copy is
// repaired), keeps manifests' conditions, and deletes every other key,
// managed or not.
func TestMirror(t *testing.T) {
	local := []Item{
		{Key: "assets/a.png", Kind: KindAsset, MD5: "new"},
		{Key: "entries/b/same.html", Kind: KindEntry, MD5: "s"},
		{Key: "metadata/b.json", Kind: KindManifest, MD5: "m2"},
		{Key: "metadata/site.json", Kind: KindManifest, MD5: "site"},
	}
	remote := map[string]store.Object{
		"assets/a.png":        {ETag: "old"},
		"entries/b/same.html": {ETag: "s"},
		"metadata/b.json":     {ETag: "m1"},
		"robots.txt":          {ETag: "r"},
		"metadata/lease.json": {ETag: "l"},
	}
	p := Mirror(local, remote)
	var got []string
	for _, a := range p.Uploads {
		got = append(got, a.Key+" "+string(a.Reason)+" "+fmtPre(a.Pre))
	}
	want := []string{"assets/a.png content changed -", "metadata/b.json content changed if-match m1", "metadata/site.json new if-none-match"}
	if !slices.Equal(got, want) {
		t.Errorf("uploads = %q, want %q", got, want)
	}
	var dels []string
	for _, a := range p.Deletes {
		dels = append(dels, a.Key)
	}
	if want := []string{"metadata/lease.json", "robots.txt"}; !slices.Equal(dels, want) {
		t.Errorf("deletes = %q, want %q", dels, want)
	}
	if p.Unchanged != 1 {
		t.Errorf("unchanged = %d, want 1", p.Unchanged)
	}
}

func fmtPre(p store.Precondition) string {
	switch {
	case p.IfNoneMatch:
		return "if-none-match"
	case p.IfMatch != "":
		return "if-match " + p.IfMatch
	}
	return "-"
}

func TestGuard(t *testing.T) {
	p := &Plan{Deletes: make([]Action, 3)}
	for _, tc := range []struct {
		max int
		ok  bool
	}{{-1, true}, {3, true}, {2, false}, {0, false}} {
		err := p.Guard(tc.max)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrRefused)) {
			t.Errorf("Guard(%d) = %v, want ok %v", tc.max, err, tc.ok)
		}
	}
}
