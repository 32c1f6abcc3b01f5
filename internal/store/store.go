// Package store is a flat key/value bucket: the Store interface, its
// implementations (a local directory, S3/R2 and memory), custom metadata as it
// goes over the wire, and the MD5 every ETag is. It knows nothing of entries,
// manifests or key layouts (internal/contract, internal/plan).
package store

import (
	"context"
	"errors"
	"time"
)

// ErrPrecondition is returned (wrapped) by Put when its precondition fails:
// the object changed since it was listed, or exists when it should not.
var ErrPrecondition = errors.New("precondition failed")

// ErrNotFound is returned (wrapped) by Head and Get for a missing key.
var ErrNotFound = errors.New("object not found")

// ErrRejected is returned (wrapped) by Put when the server refuses the
// object itself: a key, metadata or body over its limits. Rerunning cannot
// help; the content must change (the CLI exits 1, not 3).
var ErrRejected = errors.New("the store refused the object's key, metadata or size")

// Object describes one stored object as a listing sees it.
type Object struct {
	Key          string
	Size         int64
	ETag         string // without quotes; hex MD5 for single-part uploads
	LastModified time.Time
}

// Attrs are the attributes stored with an object besides its bytes.
type Attrs struct {
	ContentType  string
	CacheControl string
	// Metadata holds custom metadata: lowercase ASCII keys, UTF-8 values as
	// the caller gave them. Stores encode non-ASCII values on write (RFC 2047)
	// and decode them on read, so a round trip returns the same strings.
	Metadata map[string]string
}

// Precondition guards a Put. The zero value puts unconditionally.
type Precondition struct {
	IfMatch     string // put only if the current ETag equals this
	IfNoneMatch bool   // put only if no object exists at the key
}

// Store is a flat key/value bucket.
//
// Keys are relative to the store's prefix and never start with "/".
// All methods are safe for concurrent use.
type Store interface {
	// List calls fn exactly once for each object whose key starts with
	// prefix, in lexical key order, without reading metadata. It stops and
	// returns fn's error if fn returns one.
	List(ctx context.Context, prefix string, fn func(Object) error) error
	// Head returns an object's listing fields and attributes without its body.
	Head(ctx context.Context, key string) (Object, Attrs, error)
	// Get returns an object's bytes and attributes.
	Get(ctx context.Context, key string) ([]byte, Object, Attrs, error)
	// Put writes body with attrs at key and returns the new ETag. A failed
	// precondition returns an error wrapping ErrPrecondition and writes nothing.
	Put(ctx context.Context, key string, body []byte, attrs Attrs, pre Precondition) (string, error)
	// Delete removes keys (missing keys are not an error), batching as the
	// backend allows.
	Delete(ctx context.Context, keys []string) error
	// String names the store for messages, e.g. "file:///tmp/b" or "s3://b/p".
	String() string
}
