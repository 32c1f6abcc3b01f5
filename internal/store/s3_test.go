package store_test

import (
	"context"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/store/storetest"
	"github.com/axctl/axctl/internal/testutil"
	"github.com/axctl/axctl/internal/testutil/minio"
)

func TestMain(m *testing.M) { os.Exit(minio.Main(m)) }

func newS3Store(t *testing.T, srv *minio.Server, prefix string, opts store.S3Options) *store.S3Store {
	t.Helper()
	if opts.Endpoint == "" {
		opts.Endpoint = srv.Endpoint
	}
	if opts.Credentials == nil {
		opts.Credentials = srv.Credentials()
	}
	s, err := store.NewS3Store(context.Background(), srv.Bucket, prefix, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestS3StoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return newS3Store(t, minio.Start(t), "", store.S3Options{})
	}, storetest.MinIO)
}

func TestS3StoreConformanceWithPrefix(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return newS3Store(t, minio.Start(t), "site/v1", store.S3Options{})
	}, storetest.MinIO)
}

// headerRecorder keeps the headers of DeleteObjects requests.
type headerRecorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	del  []http.Header
}

func (h *headerRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if testutil.Classify(req) == testutil.OpDelete {
		h.mu.Lock()
		h.del = append(h.del, req.Header.Clone())
		h.mu.Unlock()
	}
	return h.base.RoundTrip(req)
}

// TestS3StoreRequests counts what each Store call costs on the wire.
func TestS3StoreRequests(t *testing.T) {
	srv := minio.Start(t)
	rec := &headerRecorder{base: http.DefaultTransport}
	client, ct := testutil.NewCountingClient(rec)
	s := newS3Store(t, srv, "p", store.S3Options{HTTPClient: client})
	ctx := context.Background()

	step := func(name string, want map[string]int, f func() error) {
		t.Helper()
		ct.Reset()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := ct.Counts(); !maps.Equal(got, want) {
			t.Errorf("%s: requests %v, want %v", name, got, want)
		}
	}
	var keys []string
	for i := range 1001 {
		keys = append(keys, fmt.Sprintf("k/%04d", i))
	}
	step("put", map[string]int{testutil.OpPut: 3}, func() error {
		for _, k := range keys[:3] {
			if _, err := s.Put(ctx, k, []byte(k), store.Attrs{Metadata: map[string]string{"title": "Café"}}, store.Precondition{}); err != nil {
				return err
			}
		}
		return nil
	})
	step("list", map[string]int{testutil.OpList: 1}, func() error {
		return s.List(ctx, "", func(store.Object) error { return nil })
	})
	step("head", map[string]int{testutil.OpHead: 1}, func() error { _, _, err := s.Head(ctx, keys[0]); return err })
	step("get", map[string]int{testutil.OpGet: 1}, func() error { _, _, _, err := s.Get(ctx, keys[0]); return err })
	step("delete 1001", map[string]int{testutil.OpDelete: 2}, func() error { return s.Delete(ctx, keys) })
	step("delete none", nil, func() error { return s.Delete(ctx, nil) })
	if ct.Writes() != 0 || ct.Total() != 0 {
		t.Errorf("after Reset and no calls: writes %d, total %d", ct.Writes(), ct.Total())
	}

	// DeleteObjects must carry a checksum even with WhenRequired; record
	// which one the SDK sends (R2 and MinIO both need one).
	if len(rec.del) == 0 {
		t.Fatal("no DeleteObjects request recorded")
	}
	h := rec.del[0]
	if h.Get("Content-Md5") == "" && h.Get("X-Amz-Checksum-Crc32") == "" && h.Get("X-Amz-Checksum-Crc32c") == "" {
		t.Errorf("DeleteObjects sent no checksum header: %v", h)
	}
	t.Logf("DeleteObjects checksum headers: Content-MD5=%q x-amz-checksum-crc32=%q x-amz-sdk-checksum-algorithm=%q",
		h.Get("Content-Md5"), h.Get("X-Amz-Checksum-Crc32"), h.Get("X-Amz-Sdk-Checksum-Algorithm"))
}

// TestS3StoreWire checks what other S3 clients see: encoded-words for
// non-ASCII values, plain ASCII left alone, keys under the prefix.
func TestS3StoreWire(t *testing.T) {
	srv := minio.Start(t)
	s := newS3Store(t, srv, "/site/", store.S3Options{})
	ctx := context.Background()
	meta := map[string]string{"title": "Café 🚀", "plain": "hello world", "lead": " x"}
	if _, err := s.Put(ctx, "a.html", []byte("x"), store.Attrs{ContentType: "text/html", Metadata: meta}, store.Precondition{}); err != nil {
		t.Fatal(err)
	}
	raw, err := srv.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(srv.Bucket), Key: aws.String("site/a.html")})
	if err != nil {
		t.Fatalf("raw HEAD site/a.html: %v", err)
	}
	if got := raw.Metadata["plain"]; got != "hello world" {
		t.Errorf("raw plain = %q", got)
	}
	for _, k := range []string{"title", "lead"} {
		v := raw.Metadata[k]
		if !strings.HasPrefix(v, "=?UTF-8?b?") {
			t.Errorf("raw %s = %q, want an encoded-word", k, v)
		}
		if d, _ := new(mime.WordDecoder).DecodeHeader(v); d != meta[k] {
			t.Errorf("raw %s decodes to %q, want %q", k, d, meta[k])
		}
	}
	// A sibling key outside the prefix stays invisible.
	if _, err := srv.Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(srv.Bucket), Key: aws.String("sitemap.xml"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := s.List(ctx, "", func(o store.Object) error { got = append(got, o.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"a.html"}) {
		t.Errorf("List = %q, want [a.html]", got)
	}
	if want := "s3://" + srv.Bucket + "/site"; s.String() != want {
		t.Errorf("String() = %q, want %q", s.String(), want)
	}
}

// TestOpenS3FromEnv goes through Open with the standard chain and
// AXCTL_S3_ENDPOINT, as the CLI does.
func TestOpenS3FromEnv(t *testing.T) {
	srv := minio.Start(t)
	srv.SetEnv(t)
	s, err := store.Open(context.Background(), srv.Target("pre"), store.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(context.Background(), "k", []byte("v"), store.Attrs{}, store.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(srv.Bucket), Key: aws.String("pre/k")}); err != nil {
		t.Errorf("object not at pre/k: %v", err)
	}
	// Wrong credentials: a clear failure, and the secret is not in it.
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-1234")
	s, err = store.Open(context.Background(), srv.Target(""), store.OpenOptions{S3: store.S3Options{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Head(context.Background(), "k")
	if err == nil || strings.Contains(err.Error(), "not-the-secret-1234") || strings.Contains(err.Error(), srv.SecretKey) {
		t.Errorf("Head with a wrong secret = %v", err)
	}
}
