// Package testutil holds helpers shared by tests: a request-counting HTTP
// transport. Servers live in sub-packages (minio, faultproxy).
package testutil

import (
	"maps"
	"net/http"
	"sync"
)

// Operations as CountingTransport classifies S3 requests.
const (
	OpList   = "LIST"   // GET on a bucket with list-type=2 (ListObjectsV2)
	OpGet    = "GET"    // GET of an object
	OpHead   = "HEAD"   // HEAD of an object or bucket
	OpPut    = "PUT"    // PUT of an object (or bucket creation)
	OpDelete = "DELETE" // DELETE of one object, or POST ?delete (DeleteObjects)
	OpOther  = "OTHER"  // anything else
)

// CountingTransport is an http.RoundTripper that counts requests by S3
// operation. Every attempt counts, retries included: it is what the server
// sees. Safe for concurrent use; the zero value uses http.DefaultTransport.
type CountingTransport struct {
	Base http.RoundTripper

	mu     sync.Mutex
	counts map[string]int
}

// NewCountingClient returns an *http.Client whose transport is a new
// CountingTransport over base (nil: http.DefaultTransport).
func NewCountingClient(base http.RoundTripper) (*http.Client, *CountingTransport) {
	ct := &CountingTransport{Base: base}
	return &http.Client{Transport: ct}, ct
}

// RoundTrip counts req, then passes it on.
func (c *CountingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	op := Classify(req)
	c.mu.Lock()
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	c.counts[op]++
	c.mu.Unlock()
	base := c.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(req)
}

// Count returns how many requests of op were sent.
func (c *CountingTransport) Count(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[op]
}

// Counts returns a copy of all counts by op.
func (c *CountingTransport) Counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.counts)
}

// Total returns the number of requests sent.
func (c *CountingTransport) Total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.counts {
		n += v
	}
	return n
}

// Writes returns the number of requests that may change the bucket.
func (c *CountingTransport) Writes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[OpPut] + c.counts[OpDelete] + c.counts[OpOther]
}

// Reset sets every count to zero.
func (c *CountingTransport) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts = nil
}

// Classify names the S3 operation of a path-style or virtual-host request.
func Classify(req *http.Request) string {
	q := req.URL.Query()
	switch req.Method {
	case http.MethodGet:
		if q.Get("list-type") == "2" {
			return OpList
		}
		return OpGet
	case http.MethodHead:
		return OpHead
	case http.MethodPut:
		return OpPut
	case http.MethodDelete:
		return OpDelete
	case http.MethodPost:
		if q.Has("delete") {
			return OpDelete
		}
	}
	return OpOther
}
