// Package synctest runs a whole sync in one call, as tests want it:
// validate, then plan and apply (syncer.Publish) with the bucket listed while
// the content validates. axctl's commands take the steps themselves (a
// render cache, a file:// store opened only once the content is valid,
// problems printed), so this is no production path.
package synctest

import (
	"context"
	"errors"
	"fmt"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

// ErrInvalid is returned (wrapped) when the content has problems; the
// report then holds them and nothing was written.
var ErrInvalid = errors.New("content is invalid")

// Run validates cfg's content at opts.Now (zero: the clock) and syncs it
// into storage.
func Run(ctx context.Context, cfg *content.Config, storage store.Store, opts syncer.Options) (*syncer.Report, error) {
	if opts.Listing == nil {
		opts.Listing = syncer.Prefetch(ctx, storage)
	}
	built, problems, err := syncer.Validate(ctx, cfg, syncer.ValidateOptions{Now: opts.Now})
	if err == nil && len(problems) > 0 {
		err = fmt.Errorf("%w: %d problem(s)", ErrInvalid, len(problems))
	}
	if err != nil {
		opts.Listing.Cancel()
		if len(problems) > 0 {
			return &syncer.Report{Problems: problems}, err
		}
		return nil, err
	}
	return syncer.Publish(ctx, built, storage, opts)
}
