package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/testutil"
	"github.com/axctl/axctl/internal/testutil/countstore"
	"github.com/axctl/axctl/internal/testutil/minio"
)

func TestMain(m *testing.M) { os.Exit(minio.Main(m)) }

// tree is a content tree in a temp dir: axctl.yaml (blog and docs, one
// shard per 25 entries, no target) and content/<collection>/<slug>.md.
type tree struct {
	t   *testing.T
	dir string
}

func newTree(t *testing.T) *tree {
	t.Helper()
	tr := &tree{t: t, dir: t.TempDir()}
	tr.write("axctl.yaml", "site:\n  title: CLI test\n  baseURL: https://cli.example\ncollections:\n  - name: blog\n  - name: docs\n    template: doc\n")
	tr.write("content/docs/intro.md", "---\ntitle: Intro\ndate: 2025-01-01\n---\n\nHello.\n")
	return tr
}

func (tr *tree) write(rel, body string) {
	tr.t.Helper()
	p := filepath.Join(tr.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tr.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) remove(rel string) {
	tr.t.Helper()
	if err := os.Remove(filepath.Join(tr.dir, filepath.FromSlash(rel))); err != nil {
		tr.t.Fatal(err)
	}
}

// posts writes blog entries p0..p<n-1>.
func (tr *tree) posts(n int) {
	for i := range n {
		tr.write(fmt.Sprintf("content/blog/p%d.md", i),
			fmt.Sprintf("---\ntitle: Post %d\ndate: 2026-01-%02d\n---\n\nBody %d.\n", i, i+1, i))
	}
}

func (tr *tree) config() string { return filepath.Join(tr.dir, "axctl.yaml") }

// calls counts Store calls (or, for S3, HTTP requests) by operation.
type calls interface {
	Counts() map[string]int
	Reset()
	Writes() int
	Total() int
}

// bucket is an empty bucket: store counts into reqs, raw does not.
type bucket struct {
	storage, raw store.Store
	reqs         calls
	// target is the --target URL of the same bucket; env makes it usable
	// from the real command line (t.Setenv, so not in parallel tests).
	target string
	env    func(t *testing.T)
}

var kinds = []struct {
	name string
	open func(t *testing.T) *bucket
}{
	{"dir", func(t *testing.T) *bucket {
		dir := filepath.Join(t.TempDir(), "bucket")
		raw, err := store.NewDirStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		cs := countstore.New(raw)
		return &bucket{storage: cs, raw: raw, reqs: cs, target: "file://" + filepath.ToSlash(dir), env: func(*testing.T) {}}
	}},
	{"minio", func(t *testing.T) *bucket {
		srv := minio.Start(t)
		client, ct := testutil.NewCountingClient(nil)
		open := func(opts store.S3Options) store.Store {
			opts.Endpoint, opts.Credentials = srv.Endpoint, srv.Credentials()
			s, err := store.NewS3Store(context.Background(), srv.Bucket, "", opts)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		return &bucket{
			storage: open(store.S3Options{HTTPClient: client}), raw: open(store.S3Options{}), reqs: ct,
			target: srv.Target(""), env: func(t *testing.T) { srv.SetEnv(t) },
		}
	}},
}

func eachKind(t *testing.T, parallel bool, f func(t *testing.T, b *bucket)) {
	t.Helper()
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			if parallel {
				t.Parallel()
			}
			f(t, k.open(t))
		})
	}
}

// result is one command run.
type result struct {
	code        int
	out, errOut string
}

// syncWith runs `axctl [global flags] sync ...` through the real flag
// parsing and exit-code mapping, with store in place of the target.
func syncWith(storage store.Store, args ...string) result {
	return runWith(testFactory(storage, nil), args...)
}

// axctl runs the real command line.
func axctl(args ...string) result {
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

func (r result) want(t *testing.T, code int, what string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", what, r.code, code, r.out, r.errOut)
	}
}

// listing returns every key of the bucket with its ETag.
func listing(t *testing.T, s store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	if err := s.List(context.Background(), "", func(o store.Object) error {
		out[o.Key] = o.ETag
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSyncMaxDeletes: a plan with more deletes than --max-deletes is
// refused with exit 4 before anything is written or deleted.
func TestSyncMaxDeletes(t *testing.T) {
	eachKind(t, true, func(t *testing.T, b *bucket) {
		tr := newTree(t)
		tr.posts(5)
		syncWith(b.storage, "--config", tr.config(), "sync").want(t, 0, "first sync")
		before := listing(t, b.raw)

		for _, i := range []int{0, 1, 2} {
			tr.remove(fmt.Sprintf("content/blog/p%d.md", i))
		}
		tr.write("content/blog/new.md", "---\ntitle: New\ndate: 2026-02-01\n---\n\nNew.\n")
		b.reqs.Reset()
		r := syncWith(b.storage, "--config", tr.config(), "sync", "--max-deletes", "2")
		r.want(t, ExitRefused, "sync --max-deletes 2 with 3 deletes")
		if !strings.Contains(r.errOut, "--max-deletes 2") {
			t.Errorf("stderr does not explain the refusal:\n%s", r.errOut)
		}
		if n := b.reqs.Writes(); n != 0 {
			t.Errorf("refused sync made %d writes: %v", n, b.reqs.Counts())
		}
		if after := listing(t, b.raw); !maps.Equal(after, before) {
			t.Errorf("refused sync changed the bucket:\n before %v\n after %v", before, after)
		}

		syncWith(b.storage, "--config", tr.config(), "sync", "--max-deletes", "3").want(t, 0, "sync --max-deletes 3")
		if _, ok := listing(t, b.raw)["entries/blog/p0.html"]; ok {
			t.Error("p0 not deleted by the allowed sync")
		}
	})
}

// TestSyncDryRun: --dry-run prints the plan and writes nothing, on a
// fresh bucket and after changes.
func TestSyncDryRun(t *testing.T) {
	eachKind(t, true, func(t *testing.T, b *bucket) {
		tr := newTree(t)
		tr.posts(3)
		r := syncWith(b.storage, "--config", tr.config(), "sync", "--dry-run")
		r.want(t, 0, "dry run on an empty bucket")
		if n := b.reqs.Writes(); n != 0 {
			t.Errorf("dry run made %d writes: %v", n, b.reqs.Counts())
		}
		if len(listing(t, b.raw)) != 0 {
			t.Error("dry run wrote objects")
		}
		for _, line := range []string{
			"put    entry    entries/blog/p0.html (new)",
			"put    manifest metadata/site.json (new)",
			"would upload 4 (new 4), unchanged 0, would delete 0, manifests 9", // 5 manifests, 2 sitemap chunks, the search root and one search shard
		} {
			if !strings.Contains(r.errOut, line) {
				t.Errorf("dry run output lacks %q:\n%s", line, r.errOut)
			}
		}

		syncWith(b.storage, "--config", tr.config(), "sync").want(t, 0, "sync")
		before := listing(t, b.raw)
		tr.remove("content/blog/p1.md")
		tr.write("content/blog/p2.md", "---\ntitle: Post 2\ndate: 2026-01-03\n---\n\nEdited.\n")
		b.reqs.Reset()
		r = syncWith(b.storage, "--config", tr.config(), "sync", "--dry-run")
		r.want(t, 0, "dry run after changes")
		t.Logf("dry run requests: %v", b.reqs.Counts())
		if n := b.reqs.Writes(); n != 0 {
			t.Errorf("dry run made %d writes: %v", n, b.reqs.Counts())
		}
		if after := listing(t, b.raw); !maps.Equal(after, before) {
			t.Error("dry run changed the bucket")
		}
		for _, line := range []string{
			"put    entry    entries/blog/p2.html (content changed)",
			"delete entry    entries/blog/p1.html (no longer produced)",
		} {
			if !strings.Contains(r.errOut, line) {
				t.Errorf("dry run output lacks %q:\n%s", line, r.errOut)
			}
		}
	})
}

// syncJSON is the part of `--json sync` output the tests read.
type syncJSON struct {
	Target  string `json:"target"`
	DryRun  bool   `json:"dryRun"`
	Entries int    `json:"entries"`
	Plan    *struct {
		Uploads []struct {
			Key, Kind, Reason string
		} `json:"uploads"`
		Deletes   []struct{ Key string } `json:"deletes"`
		Unchanged int                    `json:"unchanged"`
	} `json:"plan"`
	Result *struct {
		Uploaded map[string]map[string]int `json:"uploaded"`
		Deleted  int                       `json:"deleted"`
	} `json:"result"`
}

// TestSyncJSON: --json prints one JSON document with the plan (and, when
// applied, the result) on stdout.
func TestSyncJSON(t *testing.T) {
	eachKind(t, true, func(t *testing.T, b *bucket) {
		tr := newTree(t)
		tr.posts(2)
		for _, dry := range []bool{true, false} {
			args := []string{"--json", "--config", tr.config(), "sync"}
			if dry {
				args = append(args, "--dry-run")
			}
			r := syncWith(b.storage, args...)
			r.want(t, 0, strings.Join(args, " "))
			var got syncJSON
			if err := json.Unmarshal([]byte(r.out), &got); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, r.out)
			}
			if got.DryRun != dry || got.Entries != 3 || got.Target != b.storage.String() || got.Plan == nil {
				t.Fatalf("dry=%v: %+v", dry, got)
			}
			keys := map[string]string{}
			for _, u := range got.Plan.Uploads {
				keys[u.Key] = u.Kind + "/" + u.Reason
			}
			if keys["entries/blog/p0.html"] != "entry/new" || keys["metadata/blog.json"] != "manifest/new" || keys["metadata/search.json"] != "manifest/new" || keys["metadata/sitemaps/blog/0000.json"] != "manifest/new" || len(keys) != 12 {
				t.Errorf("dry=%v: plan uploads %v", dry, keys)
			}
			if dry != (got.Result == nil) {
				t.Errorf("dry=%v: result %+v", dry, got.Result)
			}
			if !dry && got.Result.Uploaded["entry"]["new"] != 3 {
				t.Errorf("result %+v", got.Result)
			}
		}
	})
}

// TestSyncInvalidContent: invalid content exits 1 and writes nothing: the
// store sees at most the LISTs started while validating (no GET, HEAD, PUT
// or DELETE), and a file:// target is not even created.
func TestSyncInvalidContent(t *testing.T) {
	eachKind(t, true, func(t *testing.T, b *bucket) {
		tr := newTree(t)
		tr.posts(2)
		tr.write("content/blog/bad.md", "---\ndate: 2026-03-01\n---\n\nNo title.\n")
		r := syncWith(b.storage, "--config", tr.config(), "sync")
		r.want(t, ExitInvalid, "sync of invalid content")
		if !strings.Contains(r.errOut, "bad.md:") || !strings.Contains(r.errOut, "nothing was written") {
			t.Errorf("stderr does not name the problem:\n%s", r.errOut)
		}
		if n := b.reqs.Total() - b.reqs.Counts()[testutil.OpList]; n != 0 || b.reqs.Writes() != 0 {
			t.Errorf("%d requests besides LISTs to the store: %v", n, b.reqs.Counts())
		}
	})
	t.Run("image without alt text under images.alt error", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t)
		tr.write("axctl.yaml", "images:\n  alt: error\ncollections:\n  - name: blog\n")
		tr.write("content/blog/a.md", "---\ntitle: A\ndate: 2026-03-01\n---\n\nSee ![](https://example.com/x.png).\n")
		dir := filepath.Join(t.TempDir(), "bucket")
		r := axctl("--config", tr.config(), "sync", "--target", "file://"+filepath.ToSlash(dir))
		r.want(t, ExitInvalid, "sync")
		if !strings.Contains(r.errOut, "a.md:6:5: image \"https://example.com/x.png\" has no alt text") {
			t.Errorf("stderr does not name the image:\n%s", r.errOut)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("target directory exists after an invalid sync (stat: %v)", err)
		}
	})
	t.Run("file target not created", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t)
		tr.write("content/blog/bad.md", "---\ntitle: [not, a, string]\ndate: 2026-03-01\n---\n")
		dir := filepath.Join(t.TempDir(), "bucket")
		axctl("--config", tr.config(), "sync", "--target", "file://"+filepath.ToSlash(dir)).want(t, ExitInvalid, "sync")
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("target directory exists after an invalid sync (stat: %v)", err)
		}
	})
}

// raceStore writes different bytes to the first manifest the sync puts,
// just before the sync's own Put: another sync won the race.
type raceStore struct {
	store.Store
	raw  store.Store
	once sync.Once
}

func (r *raceStore) Put(ctx context.Context, key string, body []byte, a store.Attrs, pre store.Precondition) (string, error) {
	if strings.HasPrefix(key, "metadata/") && key != contract.LeaseKey {
		var err error
		r.once.Do(func() {
			_, err = r.raw.Put(ctx, key, []byte("{}\n"), store.Attrs{ContentType: "application/json"}, store.Precondition{})
		})
		if err != nil {
			return "", err
		}
	}
	return r.Store.Put(ctx, key, body, a, pre)
}

// TestSyncLostRaceExitCode: a manifest changed by another writer between
// List and Put is exit 3 ("rerun"), and the rerun converges.
func TestSyncLostRaceExitCode(t *testing.T) {
	eachKind(t, true, func(t *testing.T, b *bucket) {
		tr := newTree(t)
		tr.posts(2)
		syncWith(b.storage, "--config", tr.config(), "sync").want(t, 0, "first sync")
		tr.posts(3)
		r := syncWith(&raceStore{Store: b.storage, raw: b.raw}, "--config", tr.config(), "sync")
		r.want(t, ExitStore, "sync that loses the race")
		if !strings.Contains(r.errOut, "rerun") {
			t.Errorf("stderr does not say to rerun:\n%s", r.errOut)
		}
		syncWith(b.storage, "--config", tr.config(), "sync").want(t, 0, "rerun")
		r = syncWith(b.storage, "--config", tr.config(), "sync")
		r.want(t, 0, "no-op sync")
		if !strings.Contains(r.errOut, "uploaded 0, unchanged 13, deleted 0, manifests 0") {
			t.Errorf("sync after the rerun was not a no-op:\n%s", r.errOut)
		}
	})
}

// TestSyncWaitsForTheLease: another sync's lease makes `sync --wait 0`
// exit 3 naming the holder, writing nothing; with time to wait, a sync
// prints the holder, takes the lease over once it has not changed for a TTL,
// and exits 0; a no-op sync never looks at the lease.
func TestSyncWaitsForTheLease(t *testing.T) {
	eachKind(t, true, func(t *testing.T, b *bucket) {
		tr := newTree(t)
		tr.posts(2)
		syncWith(b.storage, "--config", tr.config(), "sync").want(t, 0, "first sync")
		lease := []byte(`{"host":"ci-runner-7","pid":4242,"started":"2026-11-30T12:00:00Z","ttl":"30s","renewals":3,"token":"x"}` + "\n")
		if _, err := b.raw.Put(context.Background(), contract.LeaseKey, lease, store.Attrs{ContentType: "application/json"}, store.Precondition{}); err != nil {
			t.Fatal(err)
		}
		syncWith(b.storage, "--config", tr.config(), "sync").want(t, 0, "no-op sync while the lease is held")
		tr.posts(3)
		r := syncWith(b.storage, "--config", tr.config(), "sync", "--wait", "0")
		r.want(t, ExitStore, "sync --wait 0 while another holds the lease")
		if !strings.Contains(r.errOut, "another sync holds the bucket's lease (host ci-runner-7, pid 4242, started 2026-11-30T12:00:00Z)") {
			t.Errorf("stderr does not name the holder:\n%s", r.errOut)
		}
		// A TTL of 1 s left a renewal 666 ms: a loaded machine's MinIO took
		// longer and the sync stopped with "lost the bucket's lease".
		r = syncWith(b.storage, "--config", tr.config(), "sync", "--wait", "30s", "--lease-ttl", "4s")
		r.want(t, 0, "sync that waits out the lease")
		if !strings.Contains(r.errOut, "waiting for another sync of") || !strings.Contains(r.errOut, "pid 4242") {
			t.Errorf("stderr does not say whom it waited for:\n%s", r.errOut)
		}
		if _, _, err := b.raw.Head(context.Background(), contract.LeaseKey); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the lease is still there after the sync: %v", err)
		}
	})
}

// TestManifestRebuildCheck runs the real command line, target and all:
// after a sync the manifests equal a rebuild from metadata; a corrupted
// shard fails --check (exit 1); rebuild repairs it byte for byte.
func TestManifestRebuildCheck(t *testing.T) {
	eachKind(t, false, func(t *testing.T, b *bucket) {
		b.env(t)
		tr := newTree(t)
		tr.posts(4)
		cfg := []string{"--config", tr.config()}
		axctl(append(cfg, "sync", "--target", b.target)...).want(t, 0, "sync")
		check := append(cfg, "manifest", "rebuild", "--check", "--target", b.target)
		r := axctl(check...)
		r.want(t, 0, "rebuild --check after sync")
		if !strings.Contains(r.errOut, "ok: 9 manifest objects match") {
			t.Errorf("stderr: %s", r.errOut)
		}

		ctx := context.Background()
		const shard = "metadata/blog/0000.json"
		good, _, attrs, err := b.raw.Get(ctx, shard)
		if err != nil {
			t.Fatal(err)
		}
		bad := bytes.Replace(good, []byte("Post 1"), []byte("Post one"), 1)
		if _, err := b.raw.Put(ctx, shard, bad, attrs, store.Precondition{}); err != nil {
			t.Fatal(err)
		}
		r = axctl(check...)
		r.want(t, ExitInvalid, "rebuild --check of a corrupted shard")
		if strings.TrimSpace(r.out) != "differs: "+shard {
			t.Errorf("stdout = %q, want the corrupted shard", r.out)
		}

		axctl(append(cfg, "manifest", "rebuild", "--target", b.target)...).want(t, 0, "rebuild")
		fixed, _, fixedAttrs, err := b.raw.Get(ctx, shard)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fixed, good) || fixedAttrs.ContentType != "application/json" {
			t.Errorf("rebuild wrote %q (%q), want the original bytes", fixed, fixedAttrs.ContentType)
		}
		axctl(check...).want(t, 0, "rebuild --check after the repair")
	})
}

// TestManifestRebuildCheckSearchIndex: a search shard changed behind
// axctl's back (a posting's weight) and a stray one are both reported by
// rebuild --check; rebuild restores the one and deletes the other.
func TestManifestRebuildCheckSearchIndex(t *testing.T) {
	eachKind(t, false, func(t *testing.T, b *bucket) {
		b.env(t)
		tr := newTree(t)
		tr.posts(4)
		cfg := []string{"--config", tr.config()}
		axctl(append(cfg, "sync", "--target", b.target)...).want(t, 0, "sync")
		ctx := context.Background()
		var shard string
		err := b.raw.List(ctx, contract.SearchShardPrefix, func(o store.Object) error {
			shard = o.Key
			return nil
		})
		if err != nil || shard == "" {
			t.Fatalf("no search shard: %v", err)
		}
		good, _, attrs, err := b.raw.Get(ctx, shard)
		if err != nil {
			t.Fatal(err)
		}
		bad := bytes.Replace(good, []byte(`"keys":[[`), []byte(`"keys":[["zzz",1,[0,9]],[`), 1)
		if _, err := b.raw.Put(ctx, shard, bad, attrs, store.Precondition{}); err != nil {
			t.Fatal(err)
		}
		const stray = contract.SearchShardPrefix + "1024/7.json"
		if _, err := b.raw.Put(ctx, stray, []byte("{}\n"), attrs, store.Precondition{}); err != nil {
			t.Fatal(err)
		}
		check := append(cfg, "manifest", "rebuild", "--check", "--target", b.target)
		r := axctl(check...)
		r.want(t, ExitInvalid, "rebuild --check of a corrupted search index")
		want := []string{"differs: " + shard, "differs: " + stray}
		if n := strings.Count(r.out, "differs: "); n != 2 {
			t.Errorf("stdout = %q, want exactly %q", r.out, want)
		}
		for _, w := range want {
			if !strings.Contains(r.out, w) {
				t.Errorf("stdout = %q, lacks %q", r.out, w)
			}
		}
		axctl(append(cfg, "manifest", "rebuild", "--target", b.target)...).want(t, 0, "rebuild")
		if fixed, _, _, err := b.raw.Get(ctx, shard); err != nil || !bytes.Equal(fixed, good) {
			t.Errorf("rebuild wrote %q (%v), want the original bytes", fixed, err)
		}
		axctl(check...).want(t, 0, "rebuild --check after the repair")
	})
}
