package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/testutil/minio"
)

// TestPutReaderRefusesOtherBytes: a streamed body that is not the bytes
// hashed at validation (other bytes of the same size, or another size) is
// refused and nothing is written, by both stores.
func TestPutReaderRefusesOtherBytes(t *testing.T) {
	stores := map[string]func(t *testing.T) store.ReaderPutter{
		"dir": func(t *testing.T) store.ReaderPutter {
			s, err := store.NewDirStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"mem": func(t *testing.T) store.ReaderPutter { return store.NewMemStore() },
		"s3": func(t *testing.T) store.ReaderPutter {
			return newS3Store(t, minio.Start(t), "", store.S3Options{MaxAttempts: 1})
		},
	}
	hashed := []byte("the bytes validate hashed")
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			for _, body := range [][]byte{[]byte("THE bytes validate hashed"), []byte("the bytes validate hashed, and more")} {
				_, err := s.PutReader(ctx, "assets/a.txt", bytes.NewReader(body), int64(len(hashed)), store.MD5Hex(hashed), store.Attrs{}, store.Precondition{})
				if err == nil {
					t.Fatalf("PutReader(%q) with the MD5 of %q succeeded", body, hashed)
				}
				if _, _, _, err := s.(store.Store).Get(ctx, "assets/a.txt"); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("after a refused put, Get = %v, want not found", err)
				}
			}
			etag, err := s.PutReader(ctx, "assets/a.txt", bytes.NewReader(hashed), int64(len(hashed)), store.MD5Hex(hashed), store.Attrs{ContentType: "text/plain"}, store.Precondition{})
			if err != nil || etag != store.MD5Hex(hashed) {
				t.Fatalf("PutReader = %q, %v", etag, err)
			}
			got, _, _, err := s.(store.Store).Get(ctx, "assets/a.txt")
			if err != nil || !bytes.Equal(got, hashed) {
				t.Fatalf("Get = %q, %v", got, err)
			}
		})
	}
}
