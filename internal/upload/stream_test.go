package upload_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/testutil/minio"
	"github.com/axctl/axctl/internal/upload"
)

func md5Of(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// TestPutReaderRefusesOtherBytes: a streamed body that is not the bytes
// hashed at validation (other bytes of the same size, or another size) is
// refused and nothing is written, by both stores.
func TestPutReaderRefusesOtherBytes(t *testing.T) {
	stores := map[string]func(t *testing.T) upload.ReaderPutter{
		"dir": func(t *testing.T) upload.ReaderPutter {
			s, err := upload.NewDirStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"s3": func(t *testing.T) upload.ReaderPutter {
			return newS3Store(t, minio.Start(t), "", upload.S3Options{MaxAttempts: 1})
		},
	}
	hashed := []byte("the bytes validate hashed")
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			for _, body := range [][]byte{[]byte("THE bytes validate hashed"), []byte("the bytes validate hashed, and more")} {
				_, err := s.PutReader(ctx, "assets/a.txt", bytes.NewReader(body), int64(len(hashed)), md5Of(hashed), upload.Attrs{}, upload.Precondition{})
				if err == nil {
					t.Fatalf("PutReader(%q) with the MD5 of %q succeeded", body, hashed)
				}
				if _, _, _, err := s.(upload.Store).Get(ctx, "assets/a.txt"); !errors.Is(err, upload.ErrNotFound) {
					t.Fatalf("after a refused put, Get = %v, want not found", err)
				}
			}
			etag, err := s.PutReader(ctx, "assets/a.txt", bytes.NewReader(hashed), int64(len(hashed)), md5Of(hashed), upload.Attrs{ContentType: "text/plain"}, upload.Precondition{})
			if err != nil || etag != md5Of(hashed) {
				t.Fatalf("PutReader = %q, %v", etag, err)
			}
			got, _, _, err := s.(upload.Store).Get(ctx, "assets/a.txt")
			if err != nil || !bytes.Equal(got, hashed) {
				t.Fatalf("Get = %q, %v", got, err)
			}
		})
	}
}

// plainStore hides DirStore's PutReader, so Apply takes its fallback.
type plainStore struct{ upload.Store }

// TestApplyOpensBodies: an item with Open is streamed from what Open
// returns (the file, opened at apply time), through PutReader or the
// fallback; a body that changed since it was hashed fails the apply.
func TestApplyOpensBodies(t *testing.T) {
	src := filepath.Join(t.TempDir(), "photo.png")
	body := []byte(strings.Repeat("png bytes ", 1000))
	if err := os.WriteFile(src, body, 0o644); err != nil {
		t.Fatal(err)
	}
	item := upload.Item{
		Key: "assets/0123456789abcdef0123456789abcdef.png", Kind: upload.KindAsset,
		Open: func() (io.ReadSeekCloser, error) { return os.Open(src) },
		Size: int64(len(body)), MD5: md5Of(body),
	}
	for _, wrap := range []bool{false, true} {
		dir, err := upload.NewDirStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		var s upload.Store = dir
		if wrap {
			s = plainStore{dir}
		}
		plan := &upload.Plan{Uploads: []upload.Action{{Key: item.Key, Kind: item.Kind, Reason: upload.ReasonNew, Item: &item}}}
		if _, err := upload.Apply(context.Background(), s, plan, upload.ApplyOptions{}); err != nil {
			t.Fatalf("wrapped %v: %v", wrap, err)
		}
		if got, _, _, err := s.Get(context.Background(), item.Key); err != nil || !bytes.Equal(got, body) {
			t.Fatalf("wrapped %v: Get = %d bytes, %v", wrap, len(got), err)
		}
		changed := item
		changed.MD5 = md5Of([]byte("other"))
		changed.Key = "assets/fedcba9876543210fedcba9876543210.png"
		plan = &upload.Plan{Uploads: []upload.Action{{Key: changed.Key, Kind: changed.Kind, Reason: upload.ReasonNew, Item: &changed}}}
		if _, err := upload.Apply(context.Background(), s, plan, upload.ApplyOptions{}); err == nil {
			t.Fatalf("wrapped %v: a body with another MD5 was written", wrap)
		}
	}
}
