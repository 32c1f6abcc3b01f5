package syncer_test

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

// fakeStore is a map-backed store.Store that counts requests and the
// largest number of HEADs in flight at once.
type fakeStore struct {
	mu       sync.Mutex
	objects  map[string]store.Attrs
	headErr  map[string]error // injected per key
	listErr  error
	gets     atomic.Int32
	heads    atomic.Int32
	inflight atomic.Int32
	peak     atomic.Int32
}

var _ store.Store = (*fakeStore)(nil)

func newFakeStore() *fakeStore {
	return &fakeStore{objects: map[string]store.Attrs{}, headErr: map[string]error{}}
}

func (s *fakeStore) List(ctx context.Context, prefix string, fn func(store.Object) error) error {
	if s.listErr != nil {
		return s.listErr
	}
	s.mu.Lock()
	keys := slices.Sorted(maps.Keys(s.objects))
	s.mu.Unlock()
	for _, k := range keys {
		if strings.HasPrefix(k, prefix) {
			if err := fn(store.Object{Key: k, Size: 1, ETag: hex32(k)}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *fakeStore) Head(ctx context.Context, key string) (store.Object, store.Attrs, error) {
	s.heads.Add(1)
	n := s.inflight.Add(1)
	defer s.inflight.Add(-1)
	for {
		p := s.peak.Load()
		if n <= p || s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(100 * time.Microsecond) // let HEADs overlap
	if err := ctx.Err(); err != nil {
		return store.Object{}, store.Attrs{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.headErr[key]; err != nil {
		return store.Object{}, store.Attrs{}, err
	}
	a, ok := s.objects[key]
	if !ok {
		return store.Object{}, store.Attrs{}, fmt.Errorf("head %q: %w", key, store.ErrNotFound)
	}
	return store.Object{Key: key, Size: 1, ETag: hex32(key)}, a, nil
}

func (s *fakeStore) Get(ctx context.Context, key string) ([]byte, store.Object, store.Attrs, error) {
	s.gets.Add(1)
	o, a, err := s.Head(ctx, key)
	return []byte("body"), o, a, err
}

func (s *fakeStore) Put(ctx context.Context, key string, body []byte, attrs store.Attrs, pre store.Precondition) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[key] = attrs
	return hex32(key), nil
}

func (s *fakeStore) Delete(ctx context.Context, keys []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		delete(s.objects, k)
	}
	return nil
}

func (s *fakeStore) String() string { return "fake://" }

// seed writes each record as an entry object with its metadata, the way sync does.
func (s *fakeStore) seed(t *testing.T, records map[string][]manifest.Record) {
	t.Helper()
	for c, recs := range records {
		for _, r := range recs {
			attrs := store.Attrs{ContentType: "text/html; charset=utf-8", Metadata: manifest.ToMetadata(r)}
			if _, err := s.Put(context.Background(), manifest.EntryKey(c, r.Slug), []byte("<p>x</p>"), attrs, store.Precondition{}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// hex32 is a stable 32-hex-digit hash of s, for test records.
func hex32(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:32]
}

// richSeries returns n valid records, one a day, with every optional
// field used somewhere.
func richSeries(prefix string, n int) []manifest.Record {
	day := func(i int) string {
		return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02T15:04:05Z")
	}
	recs := make([]manifest.Record, n)
	for i := range recs {
		slug := fmt.Sprintf("%s-%03d", prefix, i)
		r := manifest.Record{Slug: slug, Title: "Title of " + slug, Date: day(i), Words: len(slug) * 10}
		if i%4 == 0 {
			r.Tags = []manifest.Tag{{Name: "Café", Slug: "caf%C3%A9"}, {Name: "Go", Slug: "go"}}
		} else if i%4 == 1 {
			r.Author, r.Template, r.Features = "Zoë", "post", []string{"syntax:code", "math:katex"}
			r.Description = "About 🚀\nthings"
		} else if i%4 == 2 {
			r.Slug, r.Source = "nested/"+slug, "https://example.com/x?a&b"
			r.PublishDate, r.Expires = day(i), day(i+30)
		}
		r.Hash, r.Input = hex32("hash "+slug), hex32("input "+slug)
		recs[i] = r
	}
	return recs
}

var (
	rbBlog  = manifest.Collection{Name: "blog", Route: "/blog", Title: "Blog"}
	rbNotes = manifest.Collection{Name: "notes", Route: "/notes", Title: "Notes"}
	rbSite  = manifest.Site{Title: "axctl", BaseURL: "https://example.com"}
)

// rebuildManifests is what `manifest rebuild` computes: the records read
// from the store, built as sync builds them.
func rebuildManifests(ctx context.Context, s store.Store, cols []manifest.Collection, pageSize, workers int) (map[string][]byte, error) {
	records, err := syncer.ReadRecords(ctx, s, cols, workers)
	if err != nil {
		return nil, err
	}
	return manifest.Build(rbSite, cols, records, pageSize)
}

// dumpObjects renders objects as a txtar-like archive, keys sorted.
func dumpObjects(out map[string][]byte) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(out)) {
		fmt.Fprintf(&b, "-- %s --\n%s", k, out[k])
	}
	return b.String()
}

func TestReadRecordsMatchesBuild(t *testing.T) {
	docs := manifest.Collection{Name: "docs", Route: "/", Title: "Docs"}
	cols := []manifest.Collection{rbBlog, rbNotes, docs, {Name: "empty", Route: "/empty", Title: "Empty"}}
	records := map[string][]manifest.Record{
		"blog":  richSeries("post", 61),
		"notes": richSeries("note", 3),
		"docs":  richSeries("doc", 25),
	}
	for _, tt := range []struct {
		name              string
		pageSize, workers int
	}{
		{"defaults", 0, 0},
		{"serial", 10, 1},
		{"four workers", 7, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := newFakeStore()
			st.seed(t, records)
			// Objects a rebuild must not mistake for entries.
			st.objects["entries/blog-archive/old.html"] = store.Attrs{}
			st.objects["assets/0123.png"] = store.Attrs{}
			st.objects["metadata/blog.json"] = store.Attrs{}

			want, err := manifest.Build(rbSite, cols, records, tt.pageSize)
			if err != nil {
				t.Fatal(err)
			}
			got, err := rebuildManifests(context.Background(), st, cols, tt.pageSize, tt.workers)
			if err != nil {
				t.Fatalf("rebuild: %v", err)
			}
			if dumpObjects(got) != dumpObjects(want) {
				t.Errorf("a rebuild differs from Build:\n got %s\nwant %s", dumpObjects(got), dumpObjects(want))
			}
			if n := st.gets.Load(); n != 0 {
				t.Errorf("ReadRecords read %d bodies, want 0", n)
			}
			if n, want := st.heads.Load(), int32(61+3+25); n != want {
				t.Errorf("ReadRecords made %d HEADs, want %d", n, want)
			}
			limit := int32(cmp.Or(tt.workers, syncer.RebuildConcurrency))
			if p := st.peak.Load(); p > limit {
				t.Errorf("%d HEADs in flight, limit %d", p, limit)
			}
		})
	}
}

func TestReadRecordsErrors(t *testing.T) {
	errBoom := errors.New("boom: connection reset")
	tests := []struct {
		name   string
		mutate func(s *fakeStore)
		ctx    func() context.Context
		want   []string
		is     error
	}{
		{"list fails", func(s *fakeStore) { s.listErr = errBoom }, nil, []string{"list", "entries/blog/"}, errBoom},
		{"head fails", func(s *fakeStore) { s.headErr["entries/blog/post-003.html"] = errBoom }, nil,
			[]string{"head", "post-003"}, errBoom},
		{"malformed metadata", func(s *fakeStore) {
			s.objects["entries/blog/post-004.html"].Metadata["date"] = "yesterday"
		}, nil, []string{"entries/blog/post-004.html", "date", "yesterday"}, nil},
		{"missing metadata", func(s *fakeStore) { s.objects["entries/blog/bare.html"] = store.Attrs{} }, nil,
			[]string{"entries/blog/bare.html", "title: missing"}, nil},
		{"not an entry", func(s *fakeStore) { s.objects["entries/blog/post-001.json"] = store.Attrs{} }, nil,
			[]string{"entries/blog/post-001.json", "not an entry"}, nil},
		{"bad slug in key", func(s *fakeStore) { s.objects["entries/blog/Hello World.html"] = store.Attrs{} }, nil,
			[]string{"Hello World"}, nil},
		{"cancelled", nil, func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, []string{"canceled"}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newFakeStore()
			st.seed(t, map[string][]manifest.Record{"blog": richSeries("post", 10)})
			if tt.mutate != nil {
				tt.mutate(st)
			}
			ctx := context.Background()
			if tt.ctx != nil {
				ctx = tt.ctx()
			}
			_, err := rebuildManifests(ctx, st, []manifest.Collection{rbBlog}, 0, 3)
			if err == nil {
				t.Fatalf("got no error, want one mentioning %q", tt.want)
			}
			for _, p := range tt.want {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q does not mention %q", err, p)
				}
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v does not wrap %v", err, tt.is)
			}
		})
	}
}

// TestRebuildDirStore runs ReadRecords against the real local-directory store,
// so non-ASCII metadata goes through the store's encoding and back.
func TestRebuildDirStore(t *testing.T) {
	st, err := store.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cols := []manifest.Collection{rbBlog, rbNotes}
	records := map[string][]manifest.Record{"blog": richSeries("post", 30), "notes": richSeries("note", 2)}
	ctx := context.Background()
	for c, recs := range records {
		for _, r := range recs {
			attrs := store.Attrs{ContentType: "text/html; charset=utf-8", Metadata: manifest.ToMetadata(r)}
			if _, err := st.Put(ctx, manifest.EntryKey(c, r.Slug), []byte("<p>x</p>"), attrs, store.Precondition{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	want, err := manifest.Build(rbSite, cols, records, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := rebuildManifests(ctx, st, cols, 0, 4)
	if err != nil {
		t.Fatalf("rebuild: %v", err)
	}
	if dumpObjects(got) != dumpObjects(want) {
		t.Errorf("a rebuild over %s differs from Build", st)
	}
}
