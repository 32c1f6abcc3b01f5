// Package countstore wraps an store.Store and counts its calls under the
// operation names testutil.CountingTransport uses for S3 requests, so tests
// can assert request counts the same way against every store.
package countstore

import (
	"context"
	"maps"
	"sync"

	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/testutil"
)

// Store counts calls: one List call is one LIST, one Delete call one DELETE
// (a batch, as DeleteObjects is).
type Store struct {
	store.Store
	mu     sync.Mutex
	counts map[string]int
}

var _ store.Store = (*Store)(nil)

// New wraps s.
func New(s store.Store) *Store { return &Store{Store: s} }

func (c *Store) add(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	c.counts[op]++
}

// List implements store.Store.
func (c *Store) List(ctx context.Context, prefix string, fn func(store.Object) error) error {
	c.add(testutil.OpList)
	return c.Store.List(ctx, prefix, fn)
}

// Head implements store.Store.
func (c *Store) Head(ctx context.Context, key string) (store.Object, store.Attrs, error) {
	c.add(testutil.OpHead)
	return c.Store.Head(ctx, key)
}

// Get implements store.Store.
func (c *Store) Get(ctx context.Context, key string) ([]byte, store.Object, store.Attrs, error) {
	c.add(testutil.OpGet)
	return c.Store.Get(ctx, key)
}

// Put implements store.Store.
func (c *Store) Put(ctx context.Context, key string, body []byte, attrs store.Attrs, pre store.Precondition) (string, error) {
	c.add(testutil.OpPut)
	return c.Store.Put(ctx, key, body, attrs, pre)
}

// Delete implements store.Store.
func (c *Store) Delete(ctx context.Context, keys []string) error {
	c.add(testutil.OpDelete)
	return c.Store.Delete(ctx, keys)
}

// Counts returns the calls so far by operation.
func (c *Store) Counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.counts)
}

// Reset forgets the counts.
func (c *Store) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts = nil
}

// Writes counts the calls that change the bucket.
func (c *Store) Writes() int {
	n := c.Counts()
	return n[testutil.OpPut] + n[testutil.OpDelete] + n[testutil.OpOther]
}

// Total counts every call.
func (c *Store) Total() int {
	total := 0
	for _, v := range c.Counts() {
		total += v
	}
	return total
}
