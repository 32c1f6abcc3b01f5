package dev

import (
	"context"
	"fmt"
	"time"

	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

// leaseWait bounds the wait for a bucket lease held by an `axctl sync` run
// by hand into the same local bucket.
const leaseWait = 30 * time.Second

// sync validates and, when the content is valid, plans and applies exactly
// as `axctl sync` does into the local bucket. It returns the message for the
// dev server (the objects the plan wrote and the keys it deleted, or the
// problems) and the line for the terminal. Problems, warnings and failed
// writes are printed and shown, not returned: only a cancelled ctx is an
// error, so bad content never stops dev.
func (s *session) sync(ctx context.Context) (message, string, error) {
	t0 := time.Now()
	built, problems, err := syncer.Validate(ctx, s.cfg, syncer.ValidateOptions{Cache: s.cache, KeepLater: true, Prepared: &s.prepared, Unchanged: s.unchanged()})
	validated := time.Since(t0)
	if ctx.Err() != nil {
		return message{}, "", ctx.Err()
	}
	var m message
	if err != nil {
		m.Problems = []string{fmt.Sprintf("load content: %v", err)}
	}
	for _, p := range problems {
		m.Problems = append(m.Problems, p.String())
	}
	if len(m.Problems) > 0 {
		for _, p := range m.Problems {
			fmt.Fprintln(s.opts.Err, p)
		}
		return m, fmt.Sprintf("%d problem(s); nothing was written", len(m.Problems)), nil
	}
	s.unsaved = built
	for _, w := range built.Warnings {
		if !s.quiet {
			fmt.Fprintln(s.opts.Err, w.String())
		}
	}
	t1 := time.Now()
	rep, err := syncer.Publish(ctx, built, s.storage, syncer.Options{
		MaxDeletes: -1, Concurrency: 16, Lease: syncer.LeaseOptions{Wait: leaseWait}, LeaseFirst: true,
	})
	applied := time.Since(t1)
	if ctx.Err() != nil {
		return message{}, "", ctx.Err()
	}
	if err != nil {
		// A write the local bucket refused (a full disk, a limit): the
		// plan may be half applied; the next save plans from what is there.
		msg := fmt.Sprintf("sync %s: %v", s.storage, err)
		fmt.Fprintln(s.opts.Err, msg)
		m.Problems = []string{msg}
		if rep == nil || rep.Plan == nil {
			return m, "sync failed", nil
		}
	}
	for _, a := range rep.Plan.Uploads {
		o, err := s.get(ctx, a.Key)
		if err != nil {
			return message{}, "", err
		}
		m.Put = append(m.Put, o)
	}
	for _, a := range rep.Plan.Deletes {
		m.Delete = append(m.Delete, a.Key)
	}
	if len(m.Problems) > 0 {
		return m, "sync failed", nil
	}
	return m, fmt.Sprintf("synced %d entries: wrote %d, deleted %d, unchanged %d (validate %d ms, plan and apply %d ms)",
		rep.Entries, len(m.Put), len(m.Delete), rep.Plan.Unchanged, validated.Milliseconds(), applied.Milliseconds()), nil
}

// get reads one object of the local bucket as the binding needs it.
func (s *session) get(ctx context.Context, key string) (object, error) {
	body, _, attrs, err := s.storage.Get(ctx, key)
	if err != nil {
		return object{}, fmt.Errorf("read back %q from %s: %w", key, s.storage, err)
	}
	return object{Key: key, Body: body, ContentType: attrs.ContentType, CacheControl: attrs.CacheControl, Metadata: attrs.Metadata}, nil
}

// all reads every object of the local bucket: the dev server's first load.
func (s *session) all(ctx context.Context) ([]object, error) {
	var keys []string
	err := s.storage.List(ctx, "", func(o store.Object) error {
		keys = append(keys, o.Key)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]object, 0, len(keys))
	for _, k := range keys {
		o, err := s.get(ctx, k)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}
