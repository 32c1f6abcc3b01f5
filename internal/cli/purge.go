package cli

import (
	"context"
	"fmt"

	"github.com/axctl/axctl/internal/content"
)

// purgeAfterSync purges the Cache-Tags a sync touched.
func purgeAfterSync(ctx context.Context, opts *SyncOptions, cfg *content.Config, tags []string) error {
	if len(tags) == 0 {
		if !opts.Quiet {
			fmt.Fprintln(opts.IO.Err, "purge: nothing changed, nothing to purge")
		}
		return nil
	}
	return storeErr(fmt.Errorf("purge of %d tags: not implemented yet", len(tags)))
}
