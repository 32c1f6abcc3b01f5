package syncer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/store"
)

// ErrLeaseHeld is returned (wrapped) when another sync held the bucket's
// lease for longer than the sync would wait, and ErrLeaseLost when a sync
// could not renew its own lease in time: both are safe to rerun (exit 3).
var (
	ErrLeaseHeld = errors.New("another sync holds the bucket's lease")
	ErrLeaseLost = errors.New("lost the bucket's lease")
)

// DefaultLeaseTTL is how long a lease outlives its last renewal: a sync
// killed without cleanup (kill -9, a lost machine) delays the next one by at
// most this much. A holder renews every third of it.
const DefaultLeaseTTL = 30 * time.Second

// LeaseOptions tune the lease a sync holds while it lists, plans, writes
// and deletes.
type LeaseOptions struct {
	TTL  time.Duration // 0: DefaultLeaseTTL
	Wait time.Duration // how long to wait for another holder; 0: not at all
	// Waiting is called once per holder seen, with that holder's lease.
	Waiting func(Holder)
}

// Holder is the body of contract.LeaseKey: who holds the bucket.
type Holder struct {
	Host     string    `json:"host"`
	PID      int       `json:"pid"`
	Started  time.Time `json:"started"`
	TTL      string    `json:"ttl"`
	Renewals int       `json:"renewals"` // makes every renewal's bytes, so its ETag, new
	// Token tells two leases of one process apart: a store takes a refused
	// conditional Put that finds its very bytes stored for a success.
	Token string `json:"token"`
}

// ttl is the TTL the holder renews by (a third of it apart), 0 when its
// lease does not say. A waiter whose own TTL is shorter waits the holder's:
// a sync with `--lease-ttl 10m` renews every 200 s, and one with the
// default 30 s took its lease over while it was writing (session 9,
// TestLeaseTTLsDiffer).
func (h Holder) ttl() time.Duration {
	d, err := time.ParseDuration(h.TTL)
	if err != nil || d < 0 {
		return 0
	}
	return d
}

// same reports whether h and o are the same sync (renewals apart).
func (h Holder) same(o Holder) bool {
	return h.Host == o.Host && h.PID == o.PID && h.Started.Equal(o.Started) && h.Token == o.Token
}

func (h Holder) String() string {
	return fmt.Sprintf("host %s, pid %d, started %s", h.Host, h.PID, h.Started.Format(time.RFC3339))
}

// lease is a held lease: renewed in the background until released.
type lease struct {
	storage store.Store
	ttl     time.Duration
	holder  Holder
	cancel  context.CancelCauseFunc
	stop    chan struct{}
	done    chan struct{}

	mu   sync.Mutex // held through a renewal: orders the holder's renewals and etag
	etag string
	// renewed is when the last successful renewal (or the acquisition) was
	// sent, on this machine's monotonic clock. Read without mu: a write
	// checks it (check) while a renewal is in flight.
	renewed atomic.Pointer[time.Time]
}

// acquireLease takes contract.LeaseKey with a conditional write: created
// with If-None-Match: *, or taken over with If-Match once the lease seen
// has not changed for a whole TTL (this sync's or the holder's, whichever
// is longer) on this machine's clock (a holder renews
// every TTL/3, so an unchanged ETag means it is gone; no clocks are
// compared between machines). It returns a context that is cancelled if
// the lease cannot be renewed, and the lease to release.
func acquireLease(ctx context.Context, storage store.Store, opts LeaseOptions) (context.Context, *lease, error) {
	ttl := opts.TTL
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	host, _ := os.Hostname()
	token := make([]byte, 8)
	_, _ = rand.Read(token)
	l := &lease{storage: storage, ttl: ttl, holder: Holder{Host: host, PID: os.Getpid(), Started: time.Now().UTC().Truncate(time.Second), TTL: ttl.String(), Token: hex.EncodeToString(token)}}
	deadline := time.Now().Add(opts.Wait)
	w := &waiter{storage: storage, opts: opts}
	absent := true // as far as we know: try to create it
	for {
		pre, try := store.Precondition{IfNoneMatch: true}, absent
		if !absent && time.Since(w.since) >= max(ttl, w.holder.ttl()) {
			pre, try = store.Precondition{IfMatch: w.seen}, true // unchanged for a TTL: take it over
		}
		if try {
			sent := time.Now()
			etag, err := l.put(ctx, pre, 0)
			if err == nil {
				l.etag = etag
				l.renewed.Store(&sent)
				return context.WithValue(l.start(ctx), leaseKey{}, l), l, nil
			}
			if !errors.Is(err, store.ErrPrecondition) {
				return nil, nil, fmt.Errorf("take the lease %s: %w", contract.LeaseKey, err)
			}
		}
		wasAbsent := absent && try
		var err error
		if absent, err = w.look(ctx); err != nil {
			return nil, nil, err
		}
		if absent && !wasAbsent {
			continue // released meanwhile: create it at once (once; then poll)
		}
		if time.Now().After(deadline) {
			return nil, nil, fmt.Errorf("%w (%s); waited %s: rerun when it is done, or give --wait more time", ErrLeaseHeld, w.holder, opts.Wait)
		}
		select {
		case <-ctx.Done():
			return nil, nil, context.Cause(ctx)
		case <-time.After(min(ttl/10, time.Second)):
		}
	}
}

// waiter watches another sync's lease: its ETag, since when this machine
// has seen that ETag, and who holds it.
type waiter struct {
	storage store.Store
	opts    LeaseOptions
	seen    string
	since   time.Time
	holder  Holder
}

// look reads the lease's ETag (a HEAD) and, when it changed, its holder,
// reporting a new holder to opts.Waiting. It says whether the lease is absent.
func (w *waiter) look(ctx context.Context) (absent bool, err error) {
	obj, _, err := w.storage.Head(ctx, contract.LeaseKey)
	switch {
	case errors.Is(err, store.ErrNotFound):
		w.seen = ""
		return true, nil
	case err != nil:
		return false, fmt.Errorf("read the lease %s: %w", contract.LeaseKey, err)
	case obj.ETag != w.seen:
		w.seen, w.since = obj.ETag, time.Now()
		h := readHolder(ctx, w.storage)
		if !h.same(w.holder) && w.opts.Waiting != nil && w.opts.Wait > 0 {
			w.opts.Waiting(h)
		}
		w.holder = h
	}
	return false, nil
}

// readHolder reads the lease's body for messages; a lease that cannot be
// read or decoded is reported as an unknown holder.
func readHolder(ctx context.Context, storage store.Store) Holder {
	var h Holder
	body, _, _, err := storage.Get(ctx, contract.LeaseKey)
	if err == nil {
		_ = json.Unmarshal(body, &h)
	}
	if h.Host == "" {
		h.Host = "unknown"
	}
	return h
}

// put writes the lease body with pre and returns its new ETag, giving up
// after limit (0: no limit).
func (l *lease) put(ctx context.Context, pre store.Precondition, limit time.Duration) (string, error) {
	body, err := json.Marshal(l.holder)
	if err != nil {
		return "", err
	}
	if limit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
	}
	return l.storage.Put(ctx, contract.LeaseKey, append(body, '\n'), store.Attrs{ContentType: "application/json"}, pre)
}

// start renews the lease every TTL/3 until release, retrying a failed
// renewal until 2/3 of a TTL after the last success (others may take the
// lease over at a whole TTL). If a renewal finds the lease taken over, or
// none succeeds in time, the returned context is cancelled with ErrLeaseLost.
func (l *lease) start(parent context.Context) context.Context {
	ctx, cancel := context.WithCancelCause(parent)
	l.cancel, l.stop, l.done = cancel, make(chan struct{}), make(chan struct{})
	go func() {
		defer close(l.done)
		tick := time.NewTicker(l.ttl / 3)
		defer tick.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if err := l.keep(ctx); err != nil {
				cancel(fmt.Errorf("%w (%s): %w", ErrLeaseLost, contract.LeaseKey, err))
				return
			}
		}
	}()
	return ctx
}

// keep renews the lease, retrying until 2/3 of a TTL after the last
// successful renewal; a lease taken over is not retried.
func (l *lease) keep(ctx context.Context) error {
	for {
		left := time.Until(l.renewed.Load().Add(2 * l.ttl / 3))
		if left <= 0 {
			return fmt.Errorf("not renewed for %s", 2*l.ttl/3)
		}
		err := l.renew(ctx, left)
		if err == nil || errors.Is(err, store.ErrPrecondition) || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-l.stop:
			return nil
		case <-time.After(min(left, l.ttl/30)):
		}
	}
}

// renew rewrites the lease conditionally on the ETag this sync wrote last,
// giving up after limit.
func (l *lease) renew(ctx context.Context, limit time.Duration) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.holder.Renewals++
	sent := time.Now()
	etag, err := l.put(ctx, store.Precondition{IfMatch: l.etag}, limit)
	if err != nil {
		return err
	}
	l.etag = etag
	l.renewed.Store(&sent)
	return nil
}

// release stops renewing and removes the lease. The delete itself is not
// conditional (S3 has no portable conditional DeleteObject): no one takes
// over a lease within a TTL of its last renewal, so the lease is renewed
// first unless that was less than TTL/2 ago, and the delete follows, tried
// again until it succeeds or TTL/3 has passed (a sync that finished may take
// that long on a bad network, so the next sync does not wait a TTL for it).
// A sync stopped by a signal (ctx done) gives it a second at most, so that
// it ends soon. A lease that cannot be released expires after its TTL.
func (l *lease) release(ctx context.Context) {
	defer l.cancel(nil)
	close(l.stop)
	<-l.done
	bound := l.ttl / 3
	if ctx.Err() != nil {
		bound = min(bound, time.Second)
	}
	rctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	recent := time.Since(*l.renewed.Load()) < l.ttl/2
	if !recent && l.renew(rctx, bound) != nil {
		return
	}
	for rctx.Err() == nil {
		if l.storage.Delete(rctx, []string{contract.LeaseKey}) == nil {
			return
		}
		select {
		case <-rctx.Done():
		case <-time.After(min(bound/10, 100*time.Millisecond)):
		}
	}
}

// leaseKey is the context key under which acquireLease's context carries
// its lease, for fenceWrites.
type leaseKey struct{}

// check is called before every write and delete made under the lease. It
// fails, and cancels the lease's context, once the last successful renewal
// was sent 2/3 of a TTL ago or more: another sync may take the lease over
// a whole TTL after it saw that renewal, so a write sent now could land
// after the takeover. The renewal loop notices the same, but only when
// its goroutine next runs: a process stopped past its TTL (SIGSTOP, a
// suspended VM or runner) resumes with writes ready to send and its
// renewal timer due at the same instant, and the writes went first
// (TestLeaseHolderPaused: a resumed sync deleted bodies the new holder's
// manifests named).
func (l *lease) check() error {
	if since := time.Since(*l.renewed.Load()); since >= 2*l.ttl/3 {
		err := fmt.Errorf("%w (%s): not renewed for %s", ErrLeaseLost, contract.LeaseKey, since.Round(time.Millisecond))
		l.cancel(err)
		return err
	}
	return nil
}

// fenceWrites returns storage whose writes and deletes first check the
// lease ctx carries (the context acquireLease returned), or storage itself
// when ctx carries none.
func fenceWrites(ctx context.Context, storage store.Store) store.Store {
	l, _ := ctx.Value(leaseKey{}).(*lease)
	if l == nil {
		return storage
	}
	f := fenced{Store: storage, l: l}
	if rp, ok := storage.(store.ReaderPutter); ok {
		return fencedStreams{f, rp}
	}
	return f
}

// fenced is a store whose writes and deletes are made only while its lease
// is surely held (lease.check).
type fenced struct {
	store.Store
	l *lease
}

func (f fenced) Put(ctx context.Context, key string, body []byte, attrs store.Attrs, pre store.Precondition) (string, error) {
	if err := f.l.check(); err != nil {
		return "", err
	}
	return f.Store.Put(ctx, key, body, attrs, pre)
}

func (f fenced) Delete(ctx context.Context, keys []string) error {
	if err := f.l.check(); err != nil {
		return err
	}
	return f.Store.Delete(ctx, keys)
}

// fencedStreams is fenced for a store that takes streamed bodies.
type fencedStreams struct {
	fenced
	rp store.ReaderPutter
}

func (f fencedStreams) PutReader(ctx context.Context, key string, r io.ReadSeeker, size int64, md5 string, attrs store.Attrs, pre store.Precondition) (string, error) {
	if err := f.l.check(); err != nil {
		return "", err
	}
	return f.rp.PutReader(ctx, key, r, size, md5, attrs, pre)
}
