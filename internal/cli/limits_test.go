package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/testutil/minio"
	"github.com/axctl/axctl/internal/upload"
)

// TestSyncRejectedPutIsExit1: with limits.metadataBytes above what the
// server takes (R2's 8,192 against MinIO's 2,048), validate passes and the
// server refuses the entry (MetadataTooLarge). That is the content's fault,
// not the store's: exit 1, "a rerun fails the same way", not exit 3's
// "safe to rerun"; and no manifest is written.
func TestSyncRejectedPutIsExit1(t *testing.T) {
	srv := minio.Start(t)
	srv.SetEnv(t)
	tr := newTree(t)
	tr.write("content/blog/big.md", "---\ntitle: Big\ndate: 2026-01-01\ndescription: "+strings.Repeat("d", 3000)+"\n---\n\nBody.\n")
	axctl("--config", tr.config(), "validate").want(t, ExitOK, "validate at R2's limit")
	r := axctl("--config", tr.config(), "sync", "--target", srv.Target(""))
	r.want(t, ExitInvalid, "sync refused by MinIO's metadata limit")
	if !strings.Contains(r.errOut, "fails the same way") || !strings.Contains(r.errOut, "MetadataTooLarge") {
		t.Errorf("stderr does not explain the refusal:\n%s", r.errOut)
	}
	store, err := upload.NewS3Store(context.Background(), srv.Bucket, "", upload.S3Options{Endpoint: srv.Endpoint, Credentials: srv.Credentials()})
	if err != nil {
		t.Fatal(err)
	}
	for k := range listing(t, store) {
		if strings.HasPrefix(k, "metadata/") {
			t.Errorf("manifest %s written by a sync whose entry was refused", k)
		}
	}
}
