package syncer

import (
	"context"
	"time"

	"github.com/axctl/axctl/internal/store"
)

// SetNow replaces the expiry clock for a test and returns the restore func.
func SetNow(f func() time.Time) (restore func()) {
	old := now
	now = f
	return func() { now = old }
}

// AcquireLease exposes acquireLease: the context it returns and its release.
func AcquireLease(ctx context.Context, storage store.Store, opts LeaseOptions) (context.Context, func(), error) {
	lctx, l, err := acquireLease(ctx, storage, opts)
	if err != nil {
		return nil, nil, err
	}
	return lctx, l.release, nil
}

// DocsMade is how many search docs were made from entry bodies so far.
func DocsMade() int64 { return docsMade.Load() }
