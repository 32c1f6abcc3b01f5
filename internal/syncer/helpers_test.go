package syncer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
	"github.com/axctl/axctl/internal/testutil"
	"github.com/axctl/axctl/internal/testutil/countstore"
	"github.com/axctl/axctl/internal/testutil/minio"
	"github.com/axctl/axctl/internal/testutil/synctest"
)

func TestMain(m *testing.M) { os.Exit(minio.Main(m)) }

// site is a content tree in a temp dir: axctl.yaml with two collections
// (blog, docs) and entries under content/<collection>/<slug>.md.
type site struct {
	t   *testing.T
	dir string
}

func newSite(t *testing.T, pageSize int) *site {
	t.Helper()
	s := &site{t: t, dir: t.TempDir()}
	s.write("axctl.yaml", fmt.Sprintf(`site:
  title: Test site
  baseURL: https://test.example
content: content
pageSize: %d
collections:
  - name: blog
  - name: docs
    template: doc
`, pageSize))
	for _, c := range []string{"blog", "docs"} {
		if err := os.MkdirAll(filepath.Join(s.dir, "content", c), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// write writes a file relative to the site root, creating directories.
func (s *site) write(rel, body string) {
	s.t.Helper()
	p := filepath.Join(s.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func (s *site) remove(rel string) {
	s.t.Helper()
	if err := os.Remove(filepath.Join(s.dir, filepath.FromSlash(rel))); err != nil {
		s.t.Fatal(err)
	}
}

// entry writes content/<col>/<slug>.md with a title, a date (YYYY-MM-DD)
// and a body; extra is more frontmatter lines.
func (s *site) entry(col, slug, title, date, body string, extra ...string) {
	s.t.Helper()
	front := fmt.Sprintf("title: %q\ndate: %s\n", title, date)
	for _, l := range extra {
		front += l + "\n"
	}
	s.write(entryPath(col, slug), "---\n"+front+"---\n\n"+body+"\n")
}

func entryPath(col, slug string) string { return "content/" + col + "/" + slug + ".md" }

func (s *site) config() *content.Config {
	s.t.Helper()
	cfg, err := content.LoadConfig(filepath.Join(s.dir, "axctl.yaml"))
	if err != nil {
		s.t.Fatal(err)
	}
	return cfg
}

// blogOf writes n blog entries p00..p<n-1>, one day apart from 2026-01-01.
func (s *site) blogOf(n int) {
	for i := range n {
		s.entry("blog", fmt.Sprintf("p%02d", i), fmt.Sprintf("Post %d", i),
			time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC).Format("2006-01-02"),
			fmt.Sprintf("Body of post %d.", i))
	}
}

// counter counts requests by testutil operation name.
type counter interface {
	Counts() map[string]int
	Reset()
	Writes() int
	Total() int
}

// bucket is one empty bucket of a store kind: store counts its requests in
// reqs; raw reaches the same objects uncounted, for assertions.
type bucket struct {
	kind    string
	storage store.Store
	raw     store.Store
	reqs    counter
}

// storeKinds are the store implementations every sync test runs against.
var storeKinds = []struct {
	name string
	open func(t *testing.T) *bucket
}{
	{"dir", openDir},
	{"minio", openMinIO},
}

// eachStore runs f as a parallel subtest per store kind.
func eachStore(t *testing.T, f func(t *testing.T, open func(t *testing.T) *bucket)) {
	t.Helper()
	for _, k := range storeKinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			f(t, k.open)
		})
	}
}

func openDir(t *testing.T) *bucket {
	t.Helper()
	raw, err := store.NewDirStore(filepath.Join(t.TempDir(), "bucket"))
	if err != nil {
		t.Fatal(err)
	}
	cs := countstore.New(raw)
	return &bucket{kind: "dir", storage: cs, raw: raw, reqs: cs}
}

func openMinIO(t *testing.T) *bucket {
	t.Helper()
	srv := minio.Start(t)
	client, ct := testutil.NewCountingClient(nil)
	return &bucket{
		kind:    "minio",
		storage: s3Store(t, srv, store.S3Options{HTTPClient: client}),
		raw:     s3Store(t, srv, store.S3Options{}),
		reqs:    ct,
	}
}

func s3Store(t *testing.T, srv *minio.Server, opts store.S3Options) *store.S3Store {
	t.Helper()
	if opts.Endpoint == "" {
		opts.Endpoint = srv.Endpoint
	}
	opts.Credentials = srv.Credentials()
	s, err := store.NewS3Store(context.Background(), srv.Bucket, "", opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// recordingStore remembers the keys written and deleted through it.
type recordingStore struct {
	store.Store
	skip    string // a key not recorded (the sync lease)
	mu      sync.Mutex
	puts    []string
	deletes []string
}

func (r *recordingStore) Put(ctx context.Context, key string, body []byte, attrs store.Attrs, pre store.Precondition) (string, error) {
	r.mu.Lock()
	if key != r.skip {
		r.puts = append(r.puts, key)
	}
	r.mu.Unlock()
	return r.Store.Put(ctx, key, body, attrs, pre)
}

func (r *recordingStore) Delete(ctx context.Context, keys []string) error {
	r.mu.Lock()
	for _, k := range keys {
		if k != r.skip {
			r.deletes = append(r.deletes, k)
		}
	}
	r.mu.Unlock()
	return r.Store.Delete(ctx, keys)
}

func (r *recordingStore) written() (bodies, manifests []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range r.puts {
		if strings.HasPrefix(k, "metadata/") {
			manifests = append(manifests, k)
		} else {
			bodies = append(bodies, k)
		}
	}
	sort.Strings(bodies)
	sort.Strings(manifests)
	return bodies, manifests
}

// run syncs s into store with no delete limit and fails the test on error.
func run(t *testing.T, s *site, storage store.Store) *syncer.Report {
	t.Helper()
	return runAt(t, s, storage, time.Time{})
}

// runAt is run with the clock at now (zero: the clock).
func runAt(t *testing.T, s *site, storage store.Store, now time.Time) *syncer.Report {
	t.Helper()
	rep, err := synctest.Run(context.Background(), s.config(), storage, syncer.Options{MaxDeletes: -1, Now: now})
	if err != nil {
		t.Fatalf("sync into %s: %v", storage, err)
	}
	return rep
}

// object and snapshot are testutil's, shared with the soak tests.
type object = testutil.Object

func snapshot(t *testing.T, s store.Store) map[string]object { return testutil.Snapshot(t, s) }

func keysOf(m map[string]object) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sameBucket fails unless got and want hold the same keys with the same
// bytes, content type, cache control and custom metadata.
func sameBucket(t *testing.T, got, want map[string]object) {
	t.Helper()
	if d := testutil.BucketDiff(got, want); d != "" {
		t.Fatal(d)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// consistent fails unless every object a manifest names exists: the
// shards each index lists, and the entry of every shard record and of
// site.json's latest. It returns the entry keys the shards name, once per
// mention.
func consistent(t *testing.T, objs map[string]object, cols ...string) []string {
	t.Helper()
	var named []string
	for _, c := range cols {
		ix, err := manifest.DecodeIndex(objs[manifest.IndexKey(c)].Body)
		if err != nil {
			t.Fatalf("%s: %v", manifest.IndexKey(c), err)
		}
		total := 0
		for _, ref := range ix.Shards {
			o, ok := objs[ref.Key]
			if !ok {
				t.Fatalf("index %s names missing shard %s", c, ref.Key)
			}
			sh, err := manifest.DecodeShard(o.Body)
			if err != nil {
				t.Fatalf("%s: %v", ref.Key, err)
			}
			for _, r := range sh.Records {
				if _, ok := objs[r.Key]; !ok {
					t.Errorf("shard %s names missing entry %s", ref.Key, r.Key)
				}
				named = append(named, r.Key)
			}
			total += len(sh.Records)
		}
		if total != ix.Total {
			t.Errorf("index %s: total %d, shards hold %d", c, ix.Total, total)
		}
	}
	sm, err := manifest.DecodeSite(objs[manifest.SiteKey].Body)
	if err != nil {
		t.Fatalf("site.json: %v", err)
	}
	for _, r := range sm.Latest {
		if _, ok := objs[r.Key]; !ok {
			t.Errorf("site.json names missing entry %s", r.Key)
		}
	}
	return named
}
