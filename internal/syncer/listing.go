package syncer

import (
	"context"
	"fmt"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/upload"
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
	remote  map[string]upload.Object // managed keys only
	pending upload.Object            // contract.PurgePendingKey, if listed
	err     error
}

// Prefetch starts listing store and returns at once. The listing is used
// by the next Plan given it in Options.Listing; Cancel releases it when no
// Plan will (invalid content).
func Prefetch(ctx context.Context, store upload.Store) *Listing {
	ctx, cancel := context.WithCancel(ctx)
	l := &Listing{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		l.remote, l.pending, l.err = list(ctx, store)
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
func (l *Listing) wait(ctx context.Context) (map[string]upload.Object, upload.Object, error) {
	select {
	case <-l.done:
	case <-ctx.Done():
		l.Cancel()
		return nil, upload.Object{}, ctx.Err()
	}
	defer l.cancel()
	return l.remote, l.pending, l.err
}

// list lists the whole target once (⌈objects/1000⌉ LIST requests on S3),
// keeping the managed keys and the pending-purge record: cheaper than a
// listing per prefix as long as the target holds little else (give sync its
// own bucket or prefix).
func list(ctx context.Context, store upload.Store) (map[string]upload.Object, upload.Object, error) {
	remote := map[string]upload.Object{}
	var pending upload.Object
	err := store.List(ctx, "", func(o upload.Object) error {
		if upload.Managed(o.Key) {
			remote[o.Key] = o
		}
		if o.Key == contract.PurgePendingKey {
			pending = o
		}
		return nil
	})
	if err != nil {
		return nil, upload.Object{}, fmt.Errorf("list %s: %w", store, err)
	}
	return remote, pending, nil
}
