package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/testutil/faultproxy"
	"github.com/axctl/axctl/internal/testutil/minio"
)

// TestS3StoreThroughFaults: with 15% of requests failing (503 SlowDown,
// connection resets, stalls), puts, lists, gets and deletes still converge
// to exactly the intended bucket thanks to the SDK's retryer.
func TestS3StoreThroughFaults(t *testing.T) {
	srv := minio.Start(t)
	proxy := faultproxy.Start(t, srv.Endpoint, faultproxy.Config{Seed: 7, Rate: 0.15})
	s := newS3Store(t, srv, "", store.S3Options{Endpoint: proxy.URL, MaxAttempts: 10, MaxBackoff: 50 * time.Millisecond})
	ctx := context.Background()

	const n = 80
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := fmt.Sprintf("e/%03d", i)
			attrs := store.Attrs{ContentType: "text/plain", Metadata: map[string]string{"title": "Café " + k}}
			if _, err := s.Put(ctx, k, []byte(k), attrs, store.Precondition{}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "m.json", []byte("{}"), store.Attrs{}, store.Precondition{IfNoneMatch: true}); err != nil {
		t.Fatalf("conditional put through faults: %v", err)
	}
	var drop []string
	for i := 0; i < n; i += 2 {
		drop = append(drop, fmt.Sprintf("e/%03d", i))
	}
	if err := s.Delete(ctx, drop); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < n; i += 2 {
		k := fmt.Sprintf("e/%03d", i)
		body, _, attrs, err := s.Get(ctx, k)
		if err != nil || string(body) != k || attrs.Metadata["title"] != "Café "+k {
			t.Fatalf("Get(%q) = %q, %+v, %v", k, body, attrs, err)
		}
	}

	// Check the end state without faults, through a clean client.
	proxy.SetRate(0)
	direct := newS3Store(t, srv, "", store.S3Options{})
	var got []string
	if err := direct.List(ctx, "", func(o store.Object) error { got = append(got, o.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := 1; i < n; i += 2 {
		want = append(want, fmt.Sprintf("e/%03d", i))
	}
	want = append(want, "m.json")
	if !slices.Equal(got, want) {
		t.Errorf("bucket has %d keys, want %d: %q", len(got), len(want), got)
	}
	c := proxy.Counts()
	t.Logf("proxy: %v", c)
	if c["SlowDown"] == 0 || c["ResetBefore"] == 0 || c["Stall"] == 0 {
		t.Errorf("not every fault was exercised: %v", c)
	}
}

// TestS3StoreLostResponses: every other request is applied by the server
// but its response is lost (connection reset). Conditional writes retried
// by the SDK must still succeed, not report a lost race.
func TestS3StoreLostResponses(t *testing.T) {
	srv := minio.Start(t)
	proxy := faultproxy.Start(t, srv.Endpoint, faultproxy.Config{Seed: 3, Rate: 0.5, Faults: []faultproxy.Fault{faultproxy.ResetAfter}})
	s := newS3Store(t, srv, "", store.S3Options{Endpoint: proxy.URL, MaxAttempts: 10, MaxBackoff: 50 * time.Millisecond})
	ctx := context.Background()
	attrs := store.Attrs{ContentType: "application/json"}
	etag, err := s.Put(ctx, "m.json", []byte("v1"), attrs, store.Precondition{IfNoneMatch: true})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	for i := 2; i <= 6; i++ {
		etag, err = s.Put(ctx, "m.json", fmt.Appendf(nil, "v%d", i), attrs, store.Precondition{IfMatch: etag})
		if err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
	}
	if body, _, _, err := s.Get(ctx, "m.json"); err != nil || string(body) != "v6" {
		t.Errorf("final = %q, %v", body, err)
	}
	t.Logf("proxy: %v", proxy.Counts())
}
