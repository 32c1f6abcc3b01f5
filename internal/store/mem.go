package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// MemStore is a Store held in memory: for tests and for plans that are
// only printed. It keeps the rules the other stores keep (key shapes,
// metadata keys, preconditions, the idempotent conditional put), so a
// test against it means what a test against a directory means.
type MemStore struct {
	mu      sync.Mutex
	objects map[string]memObject
	now     func() time.Time
}

// The limits MemStore refuses beyond, as R2 does: a key's bytes and custom
// metadata as MetadataSize counts it.
const (
	memMaxKeyBytes      = 1024
	memMaxMetadataBytes = 8192
)

type memObject struct {
	body     []byte
	attrs    Attrs
	etag     string
	modified time.Time
}

var (
	_ Store        = (*MemStore)(nil)
	_ ReaderPutter = (*MemStore)(nil)
)

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	return &MemStore{objects: map[string]memObject{}, now: time.Now}
}

// String names the store for messages.
func (s *MemStore) String() string { return "mem://" }

// List calls fn for a snapshot of the keys under prefix, in lexical order;
// fn may call the store.
func (s *MemStore) List(ctx context.Context, prefix string, fn func(Object) error) error {
	s.mu.Lock()
	var objs []Object
	for k, o := range s.objects {
		if strings.HasPrefix(k, prefix) {
			objs = append(objs, Object{Key: k, Size: int64(len(o.body)), ETag: o.etag, LastModified: o.modified})
		}
	}
	s.mu.Unlock()
	slices.SortFunc(objs, func(a, b Object) int { return strings.Compare(a.Key, b.Key) })
	for _, o := range objs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

// Head returns an object's listing fields and attributes.
func (s *MemStore) Head(ctx context.Context, key string) (Object, Attrs, error) {
	_, obj, attrs, err := s.Get(ctx, key)
	return obj, attrs, err
}

// Get returns a copy of an object's bytes and attributes.
func (s *MemStore) Get(ctx context.Context, key string) ([]byte, Object, Attrs, error) {
	if err := ctx.Err(); err != nil {
		return nil, Object{}, Attrs{}, err
	}
	s.mu.Lock()
	o, ok := s.objects[key]
	s.mu.Unlock()
	if !ok {
		return nil, Object{}, Attrs{}, fmt.Errorf("get %q: %w", key, ErrNotFound)
	}
	return bytes.Clone(o.body), Object{Key: key, Size: int64(len(o.body)), ETag: o.etag, LastModified: o.modified}, copyAttrs(o.attrs), nil
}

// Put stores a copy of body and attrs.
func (s *MemStore) Put(ctx context.Context, key string, body []byte, attrs Attrs, pre Precondition) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	if _, err := EncodeMetadata(attrs.Metadata); err != nil {
		return "", fmt.Errorf("put %q: %w", key, err)
	}
	if len(key) > memMaxKeyBytes || MetadataSize(attrs.Metadata) > memMaxMetadataBytes {
		return "", fmt.Errorf("put %q: %w", key, ErrRejected)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	etag := MD5Hex(body)
	s.mu.Lock()
	defer s.mu.Unlock()
	old, exists := s.objects[key]
	failed := (pre.IfNoneMatch && exists) || (pre.IfMatch != "" && (!exists || old.etag != strings.Trim(pre.IfMatch, `"`)))
	if failed {
		if exists && old.etag == etag && sameAttrs(attrs, old.attrs) {
			return etag, nil // already holds exactly this object, as the other stores
		}
		return "", fmt.Errorf("put %q: %w", key, ErrPrecondition)
	}
	s.objects[key] = memObject{body: bytes.Clone(body), attrs: copyAttrs(attrs), etag: etag, modified: s.now()}
	return etag, nil
}

// PutReader is Put reading size bytes from r; a body that is not size bytes
// with this md5 is refused and nothing is written.
func (s *MemStore) PutReader(ctx context.Context, key string, r io.ReadSeeker, size int64, md5 string, attrs Attrs, pre Precondition) (string, error) {
	body, err := io.ReadAll(io.LimitReader(r, size+1))
	if err != nil {
		return "", fmt.Errorf("put %q: %w", key, err)
	}
	if int64(len(body)) != size {
		return "", fmt.Errorf("put %q: body is %d bytes, not the %d it was when hashed", key, len(body), size)
	}
	if got := MD5Hex(body); got != md5 {
		return "", fmt.Errorf("put %q: body has MD5 %s, not the %s it had when hashed", key, got, md5)
	}
	return s.Put(ctx, key, body, attrs, pre)
}

// Delete removes keys; missing keys are not an error.
func (s *MemStore) Delete(ctx context.Context, keys []string) error {
	var errs []error
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := checkKey(key); err != nil {
			errs = append(errs, err)
			continue
		}
		delete(s.objects, key)
	}
	return errors.Join(errs...)
}

func copyAttrs(a Attrs) Attrs {
	if a.Metadata != nil {
		a.Metadata = maps.Clone(a.Metadata)
	}
	return a
}
