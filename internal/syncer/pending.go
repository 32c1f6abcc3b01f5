package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/store"
)

// The pending-purge record (contract.PurgePendingKey) holds the Cache-Tags
// a `sync --purge` has to purge and has not yet. A sync that will purge
// adds its tags to it in the same plan as its writes, before any body
// (plan.KindPurge), so neither a failed purge nor a killed process loses
// them; a successful purge removes them again. The bytes are deterministic:
// {"version":1,"tags":[sorted, distinct]} and a newline. A cleared record is
// kept with no tags; its ETag (emptyPendingMD5) tells a sync from the
// listing alone that nothing is pending.

// pendingTag is a Cache-Tag name the Worker would send (policy.js TAG_OK).
var pendingTag = regexp.MustCompile(`^[\x21-\x2b\x2d-\x7e]+$`)

// pendingTries bounds the rereads of a record another sync changed meanwhile.
const pendingTries = 5

var emptyPendingMD5 = store.MD5Hex(pendingBody(nil))

type pendingRecord struct {
	Version int      `json:"version"`
	Tags    []string `json:"tags"`
}

// pendingBody encodes a record of tags.
func pendingBody(tags []string) []byte {
	b, _ := json.Marshal(pendingRecord{Version: 1, Tags: union(tags)})
	return append(b, '\n')
}

// decodePending reads a record strictly: version 1, known fields only, every
// tag a Cache-Tag name.
func decodePending(b []byte) ([]string, error) {
	var p pendingRecord
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s is not a pending-purge record: %w", contract.PurgePendingKey, err)
	}
	if p.Version != 1 {
		return nil, fmt.Errorf("%s: version %d, want 1", contract.PurgePendingKey, p.Version)
	}
	for _, t := range p.Tags {
		if len(t) > 1024 || !pendingTag.MatchString(t) {
			return nil, fmt.Errorf("%s: %q is not a Cache-Tag name", contract.PurgePendingKey, t)
		}
	}
	return union(p.Tags), nil
}

// union returns the distinct tags of all lists, sorted; never nil.
func union(lists ...[]string) []string {
	out := []string{}
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ReadPending returns the tags recorded as still to purge in store, and the
// ETag of the record ("" when there is none).
func ReadPending(ctx context.Context, storage store.Store) ([]string, string, error) {
	body, obj, _, err := storage.Get(ctx, contract.PurgePendingKey)
	if errors.Is(err, store.ErrNotFound) {
		return []string{}, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", contract.PurgePendingKey, err)
	}
	tags, err := decodePending(body)
	return tags, obj.ETag, err
}

// RecordPending adds tags to the record with a conditional write.
func RecordPending(ctx context.Context, storage store.Store, tags []string) error {
	return updatePending(ctx, storage, func(cur []string) []string { return union(cur, tags) })
}

// ClearPending removes purged tags from the record with a conditional write
// and returns what is left (tags another sync recorded meanwhile).
func ClearPending(ctx context.Context, storage store.Store, purged []string) ([]string, error) {
	var left []string
	err := updatePending(ctx, storage, func(cur []string) []string {
		left = slices.DeleteFunc(slices.Clone(cur), func(t string) bool { return slices.Contains(purged, t) })
		return left
	})
	return left, err
}

// updatePending rewrites the record as change says, with If-Match on the
// ETag it read (If-None-Match when there was none), rereading when another
// sync changed it in between.
func updatePending(ctx context.Context, storage store.Store, change func([]string) []string) error {
	for range pendingTries {
		cur, etag, err := ReadPending(ctx, storage)
		if err != nil {
			return err
		}
		next := union(change(cur))
		if slices.Equal(next, cur) {
			return nil
		}
		pre := store.Precondition{IfMatch: etag, IfNoneMatch: etag == ""}
		_, err = storage.Put(ctx, contract.PurgePendingKey, pendingBody(next), store.Attrs{ContentType: "application/json"}, pre)
		if !errors.Is(err, store.ErrPrecondition) {
			if err != nil {
				return fmt.Errorf("write %s: %w", contract.PurgePendingKey, err)
			}
			return nil
		}
	}
	return fmt.Errorf("write %s: changed by another sync %d times in a row", contract.PurgePendingKey, pendingTries)
}

// pendingAction is the plan's write of the record: the tags already pending
// and the ones this plan will purge, before any body (Apply writes
// plan.KindPurge first). Nil when the record already holds them all.
func pendingAction(pending, purge []string, obj store.Object, exists bool) *plan.Action {
	all := union(pending, purge)
	if len(all) == len(union(pending)) {
		return nil
	}
	body := pendingBody(all)
	pre := store.Precondition{IfNoneMatch: true}
	if exists {
		pre = store.Precondition{IfMatch: obj.ETag}
	}
	it := &plan.Item{Key: contract.PurgePendingKey, Kind: plan.KindPurge, Body: body, MD5: store.MD5Hex(body),
		Attrs: store.Attrs{ContentType: "application/json"}}
	return &plan.Action{Key: it.Key, Kind: it.Kind, Reason: plan.ReasonPurgePending, Pre: pre, Item: it}
}

// readPendingListed reads the record the listing shows, without a request
// when its ETag is the empty record's.
func readPendingListed(ctx context.Context, storage store.Store, obj store.Object) ([]string, bool, error) {
	if obj.ETag == emptyPendingMD5 {
		return []string{}, false, nil
	}
	tags, _, err := ReadPending(ctx, storage)
	return tags, true, err
}

// planPending reads the record the listing shows (obj, zero when absent)
// into rep.Pending and, when the sync will purge a plan that writes, puts
// the record's write first in the plan.
func planPending(ctx context.Context, storage store.Store, rep *Report, obj store.Object, purge bool) error {
	rep.Pending = []string{}
	if obj.Key != "" {
		tags, read, err := readPendingListed(ctx, storage, obj)
		if read {
			rep.ManifestGets++
		}
		if err != nil {
			return err
		}
		rep.Pending = tags
	}
	if !purge || rep.Plan.Empty() {
		return nil
	}
	if a := pendingAction(rep.Pending, rep.Purge, obj, obj.Key != ""); a != nil {
		rep.Plan.Uploads = append([]plan.Action{*a}, rep.Plan.Uploads...)
	}
	return nil
}
