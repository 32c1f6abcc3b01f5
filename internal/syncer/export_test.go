package syncer

import (
	"context"

	"github.com/axctl/axctl/internal/store"
)

// AcquireLease exposes acquireLease: the context it returns and its release.
func AcquireLease(ctx context.Context, storage store.Store, opts LeaseOptions) (context.Context, func(), error) {
	lctx, l, err := acquireLease(ctx, storage, opts)
	if err != nil {
		return nil, nil, err
	}
	return lctx, func() { l.release(ctx) }, nil
}

// DocsMade is how many search docs were made from entry bodies so far.
func DocsMade() int64 { return docsMade.Load() }

// ArmGCFloor lets the next Validate start the heap-floor tuner, as TuneGC
// does (without setting GOGC). The func it returns reports whether a
// tuner started since, stops it and disarms.
func ArmGCFloor() (started func() bool) {
	gcFloorAllowed.Store(true)
	return func() bool {
		armed := gcFloorAllowed.Swap(false)
		if t := floorTuner.Swap(nil); t != nil {
			t.stop()
		}
		return !armed
	}
}
