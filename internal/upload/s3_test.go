package upload_test

import (
	"context"
	"os"
	"testing"

	"github.com/axctl/axctl/internal/testutil/minio"
	"github.com/axctl/axctl/internal/upload"
	"github.com/axctl/axctl/internal/upload/storetest"
)

func TestMain(m *testing.M) { os.Exit(minio.Main(m)) }

func newS3Store(t *testing.T, srv *minio.Server, prefix string, opts upload.S3Options) *upload.S3Store {
	t.Helper()
	if opts.Endpoint == "" {
		opts.Endpoint = srv.Endpoint
	}
	if opts.Credentials == nil {
		opts.Credentials = srv.Credentials()
	}
	s, err := upload.NewS3Store(context.Background(), srv.Bucket, prefix, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestS3StoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) upload.Store {
		return newS3Store(t, minio.Start(t), "", upload.S3Options{})
	}, storetest.MinIO)
}

func TestS3StoreConformanceWithPrefix(t *testing.T) {
	storetest.Run(t, func(t *testing.T) upload.Store {
		return newS3Store(t, minio.Start(t), "site/v1", upload.S3Options{})
	}, storetest.MinIO)
}
