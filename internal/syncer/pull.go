package syncer

import (
	"context"
	"fmt"

	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/store"
)

// Pull makes dst a copy of src, bodies and attributes (axctl pull into a
// directory, make preview): a plan that mirrors src's listing onto dst's
// (plan.Mirror: an object is copied when the ETags differ, anything src
// lacks is deleted), applied as sync applies, so a Worker serving dst
// while it changes never reads a manifest before the bodies it names, and
// site.json comes last. Each body is read from src when it is written.
func Pull(ctx context.Context, src, dst store.Store, opts Options) (*Report, error) {
	have, err := listAll(ctx, dst, "")
	if err != nil {
		return nil, err
	}
	var items []plan.Item
	err = src.List(ctx, "", func(o store.Object) error {
		items = append(items, plan.Item{Key: o.Key, Kind: plan.KindOf(o.Key), Size: o.Size, MD5: o.ETag,
			Load: func(ctx context.Context) ([]byte, store.Attrs, error) {
				body, _, attrs, err := src.Get(ctx, o.Key)
				if err != nil {
					return nil, store.Attrs{}, fmt.Errorf("get %q: %w", o.Key, err)
				}
				return body, attrs, nil
			}})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", src, err)
	}
	rep := &Report{Lists: 2, Plan: plan.Mirror(items, have)}
	return rep, applyPlan(ctx, dst, rep, opts)
}
