package syncer_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
	"github.com/axctl/axctl/internal/testutil/synctest"
)

// foreignLease writes a lease as a sync on another machine would, and never
// renews it: the state a holder killed with -9 leaves. Its TTL (1 s) is
// below the waiters' here: a waiter waits the longer of the two.
func foreignLease(t *testing.T, storage store.Store) {
	t.Helper()
	foreignLeaseTTL(t, storage, "1s")
}

func foreignLeaseTTL(t *testing.T, storage store.Store, ttl string) {
	t.Helper()
	h := syncer.Holder{Host: "ci-runner-7", PID: 4242, Started: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), TTL: ttl}
	b, _ := json.Marshal(h)
	if _, err := storage.Put(context.Background(), contract.LeaseKey, b, store.Attrs{ContentType: "application/json"}, store.Precondition{IfNoneMatch: true}); err != nil {
		t.Fatal(err)
	}
}

// A sync that finds the lease held, and may not wait, writes nothing and
// says who holds it; with time to wait, it takes over a lease that does not
// change for a TTL, tells who it waited for, and leaves no lease behind.
func TestLeaseHeldThenTakenOver(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
		s := newSite(t, 3)
		s.blogOf(4)
		b := open(t)
		foreignLease(t, b.raw)
		_, err := synctest.Run(context.Background(), s.config(), b.storage, syncer.Options{MaxDeletes: -1})
		if !errors.Is(err, syncer.ErrLeaseHeld) || !strings.Contains(err.Error(), "host ci-runner-7, pid 4242, started 2026-11-30T12:00:00Z") {
			t.Fatalf("err = %v, want ErrLeaseHeld naming the holder", err)
		}
		if objs := snapshot(t, b.raw); len(objs) != 1 {
			t.Fatalf("a sync that could not take the lease wrote %v", keysOf(objs))
		}

		var waited []syncer.Holder
		const ttl = 2 * time.Second // renewals get 2/3 of it: enough for a loaded MinIO
		t0 := time.Now()
		rep, err := synctest.Run(context.Background(), s.config(), b.storage, syncer.Options{MaxDeletes: -1,
			Lease: syncer.LeaseOptions{TTL: ttl, Wait: 20 * time.Second, Waiting: func(h syncer.Holder) { waited = append(waited, h) }}})
		if err != nil {
			t.Fatalf("sync after the holder's lease expired: %v", err)
		}
		if time.Since(t0) < ttl {
			t.Errorf("took the lease over after %s, before a TTL (%s)", time.Since(t0), ttl)
		}
		if len(waited) != 1 || waited[0].PID != 4242 {
			t.Errorf("Waiting called with %v, want the holder once", waited)
		}
		objs := snapshot(t, b.raw)
		if _, ok := objs[contract.LeaseKey]; ok {
			t.Errorf("the lease is still there after the sync")
		}
		consistent(t, objs, "blog")
		if rep.Result == nil {
			t.Errorf("nothing applied")
		}
	})
}

// A held lease is renewed: another sync waiting twice its TTL never takes
// it over, and gets it at once after the release.
func TestLeaseRenewedWhileHeld(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
		b := open(t)
		opts := syncer.LeaseOptions{TTL: 2 * time.Second, Wait: 5 * time.Second}
		ctx, release, err := syncer.AcquireLease(context.Background(), b.storage, opts)
		if err != nil {
			t.Fatal(err)
		}
		_, release2, err := syncer.AcquireLease(context.Background(), b.storage, opts)
		switch {
		case err == nil:
			// Only if the holder could not renew in time (a loaded machine)
			// and had stopped before: never two holders at once.
			release2()
			if !errors.Is(context.Cause(ctx), syncer.ErrLeaseLost) {
				t.Fatalf("a second sync took over a lease its holder still thinks it has")
			}
			t.Logf("%s: the holder could not renew in time (%v); the waiter took over after it stopped", b.kind, context.Cause(ctx))
		case !errors.Is(err, syncer.ErrLeaseHeld):
			t.Fatalf("second acquire while the first renews: %v, want ErrLeaseHeld", err)
		case ctx.Err() != nil:
			t.Fatalf("the holder's context ended: %v", context.Cause(ctx))
		}
		release()
		_, release3, err := syncer.AcquireLease(context.Background(), b.storage, syncer.LeaseOptions{TTL: opts.TTL})
		if err != nil {
			t.Fatalf("acquire after release, without waiting: %v", err)
		}
		release3()
	})
}

// lossyStore takes the lease over behind its holder's back once armed.
type lossyStore struct {
	store.Store
	mu    sync.Mutex
	armed bool
}

func (l *lossyStore) Put(ctx context.Context, key string, body []byte, a store.Attrs, pre store.Precondition) (string, error) {
	l.mu.Lock()
	armed := l.armed
	l.mu.Unlock()
	if armed && key == contract.LeaseKey {
		_, _ = l.Store.Put(ctx, key, []byte(`{"host":"thief"}`), a, store.Precondition{})
	}
	return l.Store.Put(ctx, key, body, a, pre)
}

// A holder whose lease was taken over learns it at its next renewal: its
// context is cancelled with ErrLeaseLost, so it stops writing.
func TestLeaseLostCancels(t *testing.T) {
	b := openDir(t)
	ls := &lossyStore{Store: b.storage}
	ctx, release, err := syncer.AcquireLease(context.Background(), ls, syncer.LeaseOptions{TTL: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ls.mu.Lock()
	ls.armed = true
	ls.mu.Unlock()
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the holder never noticed")
	}
	if !errors.Is(context.Cause(ctx), syncer.ErrLeaseLost) {
		t.Fatalf("cause = %v, want ErrLeaseLost", context.Cause(ctx))
	}
}

// failingDeletes fails the first n deletes of the lease, as a bad network
// does (a reset, a 503 past the SDK's retries).
type failingDeletes struct {
	store.Store
	mu sync.Mutex
	n  int
}

func (f *failingDeletes) Delete(ctx context.Context, keys []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(keys) == 1 && keys[0] == contract.LeaseKey && f.n > 0 {
		f.n--
		return errors.New("connection reset by peer")
	}
	return f.Store.Delete(ctx, keys)
}

// A sync that finished releases its lease even when the first deletes fail:
// the next sync must not wait a TTL for a lease nobody holds. (The soak's
// faulty network found a sync that exited 0 and left its lease.)
func TestLeaseReleasedThroughFailingDeletes(t *testing.T) {
	s := newSite(t, 3)
	s.blogOf(4)
	b := openDir(t)
	fd := &failingDeletes{Store: b.storage, n: 3}
	if _, err := synctest.Run(context.Background(), s.config(), fd, syncer.Options{MaxDeletes: -1, Lease: syncer.LeaseOptions{TTL: 6 * time.Second}}); err != nil {
		t.Fatal(err)
	}
	if fd.n != 0 {
		t.Fatalf("%d failing deletes left: the sync did not try to release its lease", fd.n)
	}
	if _, _, err := b.raw.Head(context.Background(), contract.LeaseKey); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after a finished sync, Head(%s) = %v, want not found", contract.LeaseKey, err)
	}
}

// manifest rebuild writes under the lease as sync does: with the lease held
// by another sync and no time to wait, it writes nothing and names the
// holder; once the lease is free it rebuilds and leaves no lease behind.
func TestRebuildTakesTheLease(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
		s := newSite(t, 3)
		s.blogOf(4)
		b := open(t)
		if _, err := synctest.Run(context.Background(), s.config(), b.storage, syncer.Options{MaxDeletes: -1}); err != nil {
			t.Fatal(err)
		}
		if err := b.raw.Delete(context.Background(), []string{contract.SiteKey}); err != nil { // what the rebuild has to write
			t.Fatal(err)
		}
		foreignLease(t, b.raw)
		before := snapshot(t, b.raw)
		_, err := syncer.Rebuild(context.Background(), s.config(), b.storage, syncer.Options{MaxDeletes: -1})
		if !errors.Is(err, syncer.ErrLeaseHeld) || !strings.Contains(err.Error(), "pid 4242") {
			t.Fatalf("rebuild under another's lease: err = %v, want ErrLeaseHeld naming the holder", err)
		}
		if after := snapshot(t, b.raw); !reflect.DeepEqual(keysOf(after), keysOf(before)) {
			t.Fatalf("a rebuild that could not take the lease wrote: %v, was %v", keysOf(after), keysOf(before))
		}
		if err := b.raw.Delete(context.Background(), []string{contract.LeaseKey}); err != nil {
			t.Fatal(err)
		}
		if _, err := syncer.Rebuild(context.Background(), s.config(), b.storage, syncer.Options{MaxDeletes: -1}); err != nil {
			t.Fatal(err)
		}
		objs := snapshot(t, b.raw)
		if _, ok := objs[contract.LeaseKey]; ok {
			t.Errorf("the lease is still there after the rebuild")
		}
		if _, ok := objs[contract.SiteKey]; !ok {
			t.Errorf("the rebuild did not write %s", contract.SiteKey)
		}
		consistent(t, objs, "blog")
	})
}

// LeaseFirst (axctl dev) lists once, under the lease: a held lease stops it
// before any write, a sync with writes lists once and leaves no lease, and
// so does one with nothing to write.
func TestLeaseFirstListsOnceUnderTheLease(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
		ctx := context.Background()
		s := newSite(t, 3)
		s.blogOf(4)
		b := open(t)
		publish := func() (*syncer.Report, error) {
			built, ps, err := syncer.Validate(ctx, s.config(), syncer.ValidateOptions{})
			if err != nil || len(ps) > 0 {
				t.Fatal(err, ps)
			}
			return syncer.Publish(ctx, built, b.storage, syncer.Options{MaxDeletes: -1, LeaseFirst: true})
		}
		foreignLease(t, b.raw)
		if _, err := publish(); !errors.Is(err, syncer.ErrLeaseHeld) {
			t.Fatalf("err = %v, want ErrLeaseHeld", err)
		}
		if objs := snapshot(t, b.raw); len(objs) != 1 {
			t.Fatalf("a sync that could not take the lease wrote %v", keysOf(objs))
		}
		if err := b.raw.Delete(ctx, []string{contract.LeaseKey}); err != nil {
			t.Fatal(err)
		}
		for i, writes := range []bool{true, false} {
			rep, err := publish()
			if err != nil {
				t.Fatal(err)
			}
			if rep.Lists != 1 || rep.Plan.Empty() == writes {
				t.Errorf("sync %d: %d listings, plan empty %v", i, rep.Lists, rep.Plan.Empty())
			}
			objs := snapshot(t, b.raw)
			if _, ok := objs[contract.LeaseKey]; ok {
				t.Errorf("sync %d: the lease is still there", i)
			}
			consistent(t, objs, "blog")
		}
	})
}

// A waiter with a short TTL waits out the holder's longer one (the lease's
// ttl) before it takes the lease over: the holder renews only every third
// of its own TTL, so an ETag unchanged for the waiter's TTL does not mean
// it is gone (soak.TestLeaseTTLsDiffer has it alive).
func TestLeaseTakeoverWaitsTheHoldersTTL(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
		s := newSite(t, 3)
		s.blogOf(2)
		b := open(t)
		const holder = 3 * time.Second
		foreignLeaseTTL(t, b.raw, holder.String())
		t0 := time.Now()
		_, err := synctest.Run(context.Background(), s.config(), b.storage, syncer.Options{MaxDeletes: -1,
			Lease: syncer.LeaseOptions{TTL: time.Second, Wait: 20 * time.Second}})
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(t0); d < holder {
			t.Errorf("took over a lease with a %s TTL after %s (its own TTL 1 s)", holder, d.Round(time.Millisecond))
		}
	})
}
