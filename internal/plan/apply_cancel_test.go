package plan_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/store"
)

// cancelOnPut cancels a context on its n-th Put and records every key it
// was asked to write.
type cancelOnPut struct {
	store.Store
	n       int
	cancel  context.CancelFunc
	mu      sync.Mutex
	puts    []string
	deletes int
}

func (c *cancelOnPut) Delete(ctx context.Context, keys []string) error {
	c.mu.Lock()
	c.deletes += len(keys)
	c.mu.Unlock()
	return c.Store.Delete(ctx, keys)
}

func (c *cancelOnPut) Put(ctx context.Context, key string, body []byte, attrs store.Attrs, pre store.Precondition) (string, error) {
	c.mu.Lock()
	c.puts = append(c.puts, key)
	if len(c.puts) == c.n {
		c.cancel()
	}
	c.mu.Unlock()
	return c.Store.Put(ctx, key, body, attrs, pre)
}

// TestApplyStopsBeforeManifestsWhenCancelled: a signal (context cancelled)
// while bodies are written starts no further body, no manifest and no
// delete, and Apply returns the context's error.
func TestApplyStopsBeforeManifestsWhenCancelled(t *testing.T) {
	dir, err := store.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := &plan.Plan{Deletes: []plan.Action{{Key: "entries/blog/old.html", Kind: plan.KindEntry}}}
	for i := range 200 {
		key := fmt.Sprintf("entries/blog/e%03d.html", i)
		p.Uploads = append(p.Uploads, plan.Action{Key: key, Kind: plan.KindEntry, Item: &plan.Item{Key: key, Body: []byte(key)}})
	}
	for _, key := range []string{"metadata/blog/0000.json", "metadata/blog.json", "metadata/site.json"} {
		p.Uploads = append(p.Uploads, plan.Action{Key: key, Kind: plan.KindManifest, Item: &plan.Item{Key: key, Body: []byte("{}")}})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &cancelOnPut{Store: dir, n: 5, cancel: cancel}
	_, err = plan.Apply(ctx, s, p, plan.ApplyOptions{Concurrency: 2})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Apply = %v, want context.Canceled", err)
	}
	for _, k := range s.puts {
		if strings.HasPrefix(k, "metadata/") {
			t.Errorf("Put(%q) after cancellation", k)
		}
	}
	// At most the puts in flight when the fifth one cancelled.
	if len(s.puts) > 5+2 {
		t.Errorf("%d puts started; want at most 7 (5, then those already in flight)", len(s.puts))
	}
	if s.deletes != 0 {
		t.Errorf("%d deletes after cancellation", s.deletes)
	}
}
