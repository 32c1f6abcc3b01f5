package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/purge"
	"github.com/axctl/axctl/internal/store"
)

// flakyPurge is a Worker purge route that answers 503 while down is set
// and otherwise records the tags of each request.
type flakyPurge struct {
	*httptest.Server
	down atomic.Bool
	mu   sync.Mutex
	got  [][]string
}

func newFlakyPurge(t *testing.T) *flakyPurge {
	fp := &flakyPurge{}
	fp.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fp.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		var body struct{ Tags []string }
		_ = json.NewDecoder(r.Body).Decode(&body)
		fp.mu.Lock()
		fp.got = append(fp.got, body.Tags)
		fp.mu.Unlock()
		_, _ = w.Write([]byte(`{"purged":true}`))
	}))
	t.Cleanup(fp.Close)
	return fp
}

// purger is the Worker purger for fp, without retries (a 503 fails at once).
func (fp *flakyPurge) purger() purge.Purger {
	return &purge.Worker{URL: fp.URL, Secret: testSecret, Client: fp.Client(), Retry: purge.Retry{Attempts: 1}}
}

func (fp *flakyPurge) requests() [][]string {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	return slices.Clone(fp.got)
}

const testSettle = 20 * time.Millisecond

// syncPurging runs sync with store and p in place of the target and the
// configured purger, the second purge testSettle after the last write.
func syncPurging(storage store.Store, p purge.Purger, args ...string) result {
	f := testFactory(storage, p)
	f.PurgeSettle = testSettle
	return runWith(f, args...)
}

// purging runs purge likewise.
func purging(storage store.Store, p purge.Purger, args ...string) result {
	return syncPurging(storage, p, args...)
}

// recorded reads the pending-purge record straight from the bucket (nil
// when absent).
func recorded(t *testing.T, s store.Store) []string {
	t.Helper()
	body, _, _, err := s.Get(context.Background(), contract.PurgePendingKey)
	if err != nil {
		return nil
	}
	var rec struct {
		Version int      `json:"version"`
		Tags    []string `json:"tags"`
	}
	if err := json.Unmarshal(body, &rec); err != nil || rec.Version != 1 || rec.Tags == nil {
		t.Fatalf("%s is not a record: %q (%v)", contract.PurgePendingKey, body, err)
	}
	return rec.Tags
}

// purgeJSON is the part of sync --json these tests read.
type purgeJSON struct {
	Purge, Pending, Unpurged []string
}

func decodeSync(t *testing.T, r result) purgeJSON {
	t.Helper()
	var out purgeJSON
	if err := json.Unmarshal([]byte(r.out), &out); err != nil {
		t.Fatalf("sync --json: %v\n%s", err, r.out)
	}
	return out
}

// allPurged is every tag the server received, sorted and distinct.
func allPurged(reqs [][]string) []string {
	return slices.Compact(slices.Sorted(slices.Values(slices.Concat(reqs...))))
}

func dirBucket(t *testing.T) store.Store {
	s, err := store.NewDirStore(filepath.Join(t.TempDir(), "bucket"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSyncFailedPurgeIsRecorded: sync --purge with the purge route down
// writes the bucket, exits 3, prints the tags it could not purge (stderr and
// --json "unpurged") and leaves them in metadata/purge.json; the rerun with
// nothing changed purges exactly them (twice) and clears the record; the
// next rerun has nothing to purge.
func TestSyncFailedPurgeIsRecorded(t *testing.T) {
	fp := newFlakyPurge(t)
	storage := dirBucket(t)
	tr := newTree(t)
	tr.posts(2)
	fp.down.Store(true)
	r := syncPurging(storage, fp.purger(), "--config", tr.config(), "--json", "sync", "--purge")
	r.want(t, ExitStore, "sync --purge with the purge route down")
	out := decodeSync(t, r)
	if len(out.Purge) == 0 || !slices.Contains(out.Purge, "e:blog/p1") || !slices.Equal(out.Unpurged, out.Purge) {
		t.Fatalf("--json: purge %q, unpurged %q", out.Purge, out.Unpurged)
	}
	if !strings.Contains(r.errOut, "purge failed") || !strings.Contains(r.errOut, strings.Join(out.Purge, " ")) {
		t.Errorf("stderr does not name the tags it could not purge:\n%s", r.errOut)
	}
	if got := recorded(t, storage); !slices.Equal(got, out.Purge) {
		t.Fatalf("recorded %q, want %q", got, out.Purge)
	}
	before := listing(t, storage)

	fp.down.Store(false)
	r = syncPurging(storage, fp.purger(), "--config", tr.config(), "sync", "--purge")
	r.want(t, ExitOK, "rerun with nothing changed")
	reqs := fp.requests()
	if len(reqs) != 2 || !slices.Equal(allPurged(reqs), out.Purge) {
		t.Fatalf("the rerun purged %q, want %q twice", reqs, out.Purge)
	}
	if got := recorded(t, storage); len(got) != 0 {
		t.Errorf("record not cleared: %q", got)
	}
	after := listing(t, storage)
	delete(before, contract.PurgePendingKey)
	delete(after, contract.PurgePendingKey)
	if !maps.Equal(before, after) {
		t.Errorf("the rerun changed more than the record")
	}

	r = syncPurging(storage, fp.purger(), "--config", tr.config(), "sync", "--purge")
	r.want(t, ExitOK, "third sync")
	if !strings.Contains(r.errOut, "nothing to purge") || len(fp.requests()) != 2 {
		t.Errorf("third sync purged again (%d requests):\n%s", len(fp.requests()), r.errOut)
	}
}

// TestPurgePendingAccumulates: two failed syncs leave the union of their
// tags; a failing `purge --pending` keeps them (exit 3); a working one
// purges exactly the union and clears it; then there is nothing pending.
func TestPurgePendingAccumulates(t *testing.T) {
	fp := newFlakyPurge(t)
	storage := dirBucket(t)
	tr := newTree(t)
	tr.posts(1)
	fp.down.Store(true)
	r := syncPurging(storage, fp.purger(), "--config", tr.config(), "--json", "sync", "--purge")
	r.want(t, ExitStore, "first failed sync")
	first := decodeSync(t, r).Purge
	tr.write("content/docs/guide.md", "---\ntitle: Guide\ndate: 2025-02-01\ntags: [howto]\n---\n\nG.\n")
	r = syncPurging(storage, fp.purger(), "--config", tr.config(), "--json", "sync", "--purge")
	r.want(t, ExitStore, "second failed sync")
	out := decodeSync(t, r)
	want := allPurged([][]string{first, out.Purge})
	if !slices.Contains(out.Purge, "t:howto") || slices.Contains(first, "t:howto") || !slices.Equal(out.Pending, first) {
		t.Fatalf("second sync: purge %q pending %q (first %q)", out.Purge, out.Pending, first)
	}
	if !slices.Equal(out.Unpurged, want) {
		t.Errorf("unpurged %q, want the union %q", out.Unpurged, want)
	}
	if got := recorded(t, storage); !slices.Equal(got, want) {
		t.Fatalf("recorded %q, want the union %q", got, want)
	}

	r = purging(storage, fp.purger(), "--config", tr.config(), "purge", "--pending")
	r.want(t, ExitStore, "purge --pending with the route down")
	if got := recorded(t, storage); !slices.Equal(got, want) {
		t.Fatalf("a failed purge --pending changed the record: %q", got)
	}
	fp.down.Store(false)
	r = purging(storage, fp.purger(), "--config", tr.config(), "purge", "--pending")
	r.want(t, ExitOK, "purge --pending")
	if reqs := fp.requests(); len(reqs) != 2 || !slices.Equal(reqs[0], want) || !slices.Equal(reqs[1], want) {
		t.Fatalf("purge --pending sent %q, want %q twice", reqs, want)
	}
	if got := recorded(t, storage); len(got) != 0 {
		t.Errorf("record not cleared: %q", got)
	}
	r = purging(storage, fp.purger(), "--config", tr.config(), "purge", "--pending")
	r.want(t, ExitOK, "purge --pending, nothing left")
	if !strings.Contains(r.errOut, "nothing pending") || len(fp.requests()) != 2 {
		t.Errorf("nothing pending, yet %d requests:\n%s", len(fp.requests()), r.errOut)
	}
}

// TestSyncDryRunShowsPending: with tags pending, sync --dry-run (with and
// without --purge, text and --json) shows them, writes nothing and purges
// nothing.
func TestSyncDryRunShowsPending(t *testing.T) {
	fp := newFlakyPurge(t)
	storage := dirBucket(t)
	tr := newTree(t)
	tr.posts(1)
	fp.down.Store(true)
	r := syncPurging(storage, fp.purger(), "--config", tr.config(), "--json", "sync", "--purge")
	r.want(t, ExitStore, "failed sync")
	pending := decodeSync(t, r).Purge
	fp.down.Store(false)
	tr.posts(3)
	before := listing(t, storage)
	for _, args := range [][]string{{"sync", "--dry-run", "--purge"}, {"sync", "--dry-run"}} {
		r = syncPurging(storage, fp.purger(), append([]string{"--config", tr.config()}, args...)...)
		r.want(t, ExitOK, strings.Join(args, " "))
		if !strings.Contains(r.errOut, strings.Join(pending, " ")) {
			t.Errorf("%s does not show the pending tags %q:\n%s", args, pending, r.errOut)
		}
		r = syncPurging(storage, fp.purger(), append([]string{"--config", tr.config(), "--json"}, args...)...)
		if got := decodeSync(t, r).Pending; !slices.Equal(got, pending) {
			t.Errorf("%s --json: pending %q, want %q", args, got, pending)
		}
	}
	if after := listing(t, storage); !maps.Equal(before, after) {
		t.Errorf("a dry run wrote to the bucket")
	}
	if n := len(fp.requests()); n != 0 {
		t.Errorf("a dry run sent %d purge requests", n)
	}
}

// dyingStore fails every put of an entry body: a sync that dies after
// writing the record and before its purge.
type dyingStore struct {
	store.Store
	mu   sync.Mutex
	keys []string
}

func (d *dyingStore) Put(ctx context.Context, key string, body []byte, a store.Attrs, pre store.Precondition) (string, error) {
	d.mu.Lock()
	d.keys = append(d.keys, key)
	d.mu.Unlock()
	if strings.HasPrefix(key, "entries/") {
		return "", context.DeadlineExceeded
	}
	return d.Store.Put(ctx, key, body, a, pre)
}

// TestSyncRecordsTagsBeforeWriting: the tags a sync --purge will purge are
// in the bucket before its first body write, so a sync that dies between
// its writes and its purge loses nothing: the next sync --purge purges them.
func TestSyncRecordsTagsBeforeWriting(t *testing.T) {
	fp := newFlakyPurge(t)
	storage := dirBucket(t)
	tr := newTree(t)
	tr.posts(2)
	d := &dyingStore{Store: storage}
	r := syncPurging(d, fp.purger(), "--config", tr.config(), "sync", "--purge")
	r.want(t, ExitStore, "a sync whose body writes fail")
	at := slices.Index(d.keys, contract.PurgePendingKey)
	body := slices.IndexFunc(d.keys, func(k string) bool { return !strings.HasPrefix(k, "metadata/") })
	if at < 0 || body < 0 || at > body {
		t.Fatalf("writes %q: want %s before the first body", d.keys, contract.PurgePendingKey)
	}
	rec := recorded(t, storage)
	if !slices.Contains(rec, "e:blog/p0") || !slices.Contains(rec, "c:blog") {
		t.Fatalf("recorded %q before the bodies", rec)
	}
	r = syncPurging(storage, fp.purger(), "--config", tr.config(), "--json", "sync", "--purge")
	r.want(t, ExitOK, "rerun")
	if got := allPurged(fp.requests()); !slices.Equal(got, allPurged([][]string{rec, decodeSync(t, r).Purge})) {
		t.Errorf("rerun purged %q, recorded %q", got, rec)
	}
	if got := recorded(t, storage); len(got) != 0 {
		t.Errorf("record not cleared: %q", got)
	}
}

// TestManifestRebuildKeepsPending: the record is not a manifest: `manifest
// rebuild --check` passes beside it and `manifest rebuild` leaves it.
func TestManifestRebuildKeepsPending(t *testing.T) {
	fp := newFlakyPurge(t)
	dir := filepath.Join(t.TempDir(), "bucket")
	storage, err := store.NewDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	target := "file://" + filepath.ToSlash(dir)
	tr := newTree(t)
	tr.posts(2)
	fp.down.Store(true)
	syncPurging(storage, fp.purger(), "--config", tr.config(), "sync", "--purge").want(t, ExitStore, "failed purge")
	want := recorded(t, storage)
	axctl("--config", tr.config(), "manifest", "rebuild", "--check", "--target", target).want(t, ExitOK, "rebuild --check")
	axctl("--config", tr.config(), "manifest", "rebuild", "--target", target).want(t, ExitOK, "rebuild")
	if got := recorded(t, storage); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("after rebuild the record holds %q, want %q", got, want)
	}
}

// TestSyncPurgeInterruptedDuringSettle: a signal (the context cancelled)
// while sync --purge waits to purge again leaves the tags recorded and
// says so; it used to re-record them with the cancelled context and print
// "NOT recorded (context canceled): purge them by hand". The next sync
// --purge purges them.
func TestSyncPurgeInterruptedDuringSettle(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fp := newFlakyPurge(t)
	inner := fp.Config.Handler
	fp.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner.ServeHTTP(w, r)
		cancel() // Ctrl-C once the first purge is done
	})
	storage := ctxStore{dirBucket(t)} // a cancelled request fails, as over the network
	tr := newTree(t)
	tr.posts(2)
	f := testFactory(storage, fp.purger())
	f.PurgeSettle = time.Minute
	code := Execute(ctx, NewRoot(f), []string{"--config", tr.config(), "sync", "--purge"}, f.IO.Err)
	errOut := f.IO.Err.(*bytes.Buffer).String()
	if code == ExitOK {
		t.Fatalf("interrupted sync --purge exit 0:\n%s", errOut)
	}
	if strings.Contains(errOut, "NOT recorded") || !strings.Contains(errOut, "recorded in "+contract.PurgePendingKey) {
		t.Errorf("stderr after the interruption:\n%s", errOut)
	}
	tags := recorded(t, storage)
	if !slices.Contains(tags, "e:blog/p1") {
		t.Fatalf("recorded %q after the interruption, want the sync's tags", tags)
	}
	r := syncPurging(storage, fp.purger(), "--config", tr.config(), "sync", "--purge")
	r.want(t, ExitOK, "the next sync --purge")
	if got := recorded(t, storage); len(got) != 0 {
		t.Errorf("record not cleared by the next sync: %q", got)
	}
}

// ctxStore is a store whose requests fail once their context is done, as
// an S3 client's do (the dir store does not look).
type ctxStore struct{ store.Store }

func (s ctxStore) Get(ctx context.Context, key string) ([]byte, store.Object, store.Attrs, error) {
	if err := ctx.Err(); err != nil {
		return nil, store.Object{}, store.Attrs{}, err
	}
	return s.Store.Get(ctx, key)
}

func (s ctxStore) Put(ctx context.Context, key string, body []byte, attrs store.Attrs, pre store.Precondition) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return s.Store.Put(ctx, key, body, attrs, pre)
}
