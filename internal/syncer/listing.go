package syncer

import (
	"context"
	"fmt"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/store"
)

// Listing is a bucket listing started in the background (Prefetch). A sync's
// first listing needs nothing from the content, so it runs while the content
// is validated: a no-op sync then costs about the longer of the two instead
// of their sum. Only reads start early; writes still wait for validation,
// and for invalid content Cancel stops the listing and nothing is written.
type Listing struct {
	cancel context.CancelFunc
	done   chan struct{}
	// set before done is closed
	remote  map[string]store.Object // managed keys only
	pending store.Object            // contract.PurgePendingKey, if listed
	err     error
}

// Prefetch starts listing store and returns at once. The listing is used
// by the next Publish given it in Options.Listing; Cancel releases it when no
// Publish will (invalid content).
func Prefetch(ctx context.Context, storage store.Store) *Listing {
	ctx, cancel := context.WithCancel(ctx)
	l := &Listing{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		l.remote, l.pending, l.err = list(ctx, storage)
	}()
	return l
}

// Cancel stops the listing and waits for it to end.
func (l *Listing) Cancel() {
	if l == nil {
		return
	}
	l.cancel()
	<-l.done
}

// wait returns the listing once it is complete.
func (l *Listing) wait(ctx context.Context) (map[string]store.Object, store.Object, error) {
	select {
	case <-l.done:
	case <-ctx.Done():
		l.Cancel()
		return nil, store.Object{}, ctx.Err()
	}
	defer l.cancel()
	return l.remote, l.pending, l.err
}

// list lists the whole target once (⌈objects/1000⌉ LIST requests on S3),
// keeping the managed keys and the pending-purge record: cheaper than a
// listing per prefix as long as the target holds little else (give sync its
// own bucket or prefix).
func list(ctx context.Context, storage store.Store) (map[string]store.Object, store.Object, error) {
	remote := map[string]store.Object{}
	var pending store.Object
	err := storage.List(ctx, "", func(o store.Object) error {
		if plan.Managed(o.Key) {
			remote[o.Key] = o
		}
		if o.Key == contract.PurgePendingKey {
			pending = o
		}
		return nil
	})
	if err != nil {
		return nil, store.Object{}, fmt.Errorf("list %s: %w", storage, err)
	}
	return remote, pending, nil
}
