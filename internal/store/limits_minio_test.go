package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/store/storetest"
	"github.com/axctl/axctl/internal/testutil/minio"
)

// minioMetadataLimit is MinIO's user metadata budget (maxUserDataSize in
// cmd/generic-handlers.go): it refuses a request whose x-amz-meta-* header
// names plus values exceed it.
const minioMetadataLimit = 2048

// TestMinIOMetadataBoundary uses a real MinIO as the oracle for
// store.MetadataSize: metadata that MetadataSize counts at exactly the
// limit is stored, one byte more is refused, and the refusal is
// ErrRejected (a content error, exit 1), for plain ASCII, encoded words
// (non-ASCII, leading spaces) and many short keys alike.
func TestMinIOMetadataBoundary(t *testing.T) {
	srv := minio.Start(t)
	s := newS3Store(t, srv, "", store.S3Options{})
	ctx := context.Background()
	cases := map[string]func(limit int) map[string]string{
		"ascii": func(limit int) map[string]string {
			return map[string]string{"title": strings.Repeat("x", limit-len("x-amz-meta-title"))}
		},
		"encoded": storetest.AtLimit,
		"many keys": func(limit int) map[string]string {
			m := map[string]string{}
			for i := 0; store.MetadataSize(m) < limit-40; i++ {
				m[string(rune('a'+i%26))+strings.Repeat("k", i/26)] = "é v"
			}
			m["filler"] = ""
			m["filler"] = strings.Repeat("y", limit-store.MetadataSize(m))
			return m
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			at := mk(minioMetadataLimit)
			if n := store.MetadataSize(at); n != minioMetadataLimit {
				t.Fatalf("MetadataSize = %d, want %d", n, minioMetadataLimit)
			}
			if _, err := s.Put(ctx, "at-limit-"+name, []byte("x"), store.Attrs{Metadata: at}, store.Precondition{}); err != nil {
				t.Fatalf("MinIO refused metadata MetadataSize counts at its limit (%d): %v", minioMetadataLimit, err)
			}
			over := mk(minioMetadataLimit + 1)
			if n := store.MetadataSize(over); n != minioMetadataLimit+1 {
				t.Fatalf("MetadataSize = %d, want %d", n, minioMetadataLimit+1)
			}
			_, err := s.Put(ctx, "over-limit-"+name, []byte("x"), store.Attrs{Metadata: over}, store.Precondition{})
			if err == nil {
				t.Fatalf("MinIO stored metadata MetadataSize counts one byte over its limit: MetadataSize undercounts")
			}
			if !errors.Is(err, store.ErrRejected) {
				t.Errorf("over-limit put: %v; want an error wrapping ErrRejected", err)
			}
		})
	}
}

// TestMinIOKeyLimit: a key of contract.MaxKeyBytes bytes is stored, one
// byte more is refused with KeyTooLongError, which is ErrRejected.
func TestMinIOKeyLimit(t *testing.T) {
	srv := minio.Start(t)
	s := newS3Store(t, srv, "", store.S3Options{})
	ctx := context.Background()
	long := func(n int) string {
		// Segments of 200 bytes: MinIO stores keys as paths (at most 255
		// bytes a name). 1024 and 1025 end inside a segment.
		return strings.Repeat(strings.Repeat("k", 200)+"/", n/201+1)[:n]
	}
	if k := long(contract.MaxKeyBytes); len(k) != contract.MaxKeyBytes {
		t.Fatalf("key is %d bytes", len(k))
	}
	if _, err := s.Put(ctx, long(contract.MaxKeyBytes), []byte("x"), store.Attrs{}, store.Precondition{}); err != nil {
		t.Fatalf("a %d-byte key: %v", contract.MaxKeyBytes, err)
	}
	_, err := s.Put(ctx, long(contract.MaxKeyBytes+1), []byte("x"), store.Attrs{}, store.Precondition{})
	if !errors.Is(err, store.ErrRejected) {
		t.Fatalf("a %d-byte key: %v; want ErrRejected (KeyTooLongError)", contract.MaxKeyBytes+1, err)
	}
}
