package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/testutil/minio"
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
	tr.write("axctl.yaml", "site:\n  title: CLI test\n  baseURL: https://cli.example\nlimits:\n  metadataBytes: 8192 # R2 only\ncollections:\n  - name: blog\n  - name: docs\n    template: doc\n")
	tr.write("content/blog/big.md", "---\ntitle: Big\ndate: 2026-01-01\ndescription: "+strings.Repeat("d", 3000)+"\n---\n\nBody.\n")
	axctl("--config", tr.config(), "validate").want(t, ExitOK, "validate at R2's limit")
	r := axctl("--config", tr.config(), "sync", "--target", srv.Target(""))
	r.want(t, ExitInvalid, "sync refused by MinIO's metadata limit")
	if !strings.Contains(r.errOut, "fails the same way") || !strings.Contains(r.errOut, "MetadataTooLarge") {
		t.Errorf("stderr does not explain the refusal:\n%s", r.errOut)
	}
	storage, err := store.NewS3Store(context.Background(), srv.Bucket, "", store.S3Options{Endpoint: srv.Endpoint, Credentials: srv.Credentials()})
	if err != nil {
		t.Fatal(err)
	}
	for k := range listing(t, storage) {
		if strings.HasPrefix(k, "metadata/") {
			t.Errorf("manifest %s written by a sync whose entry was refused", k)
		}
	}
}

// TestLongTOCSyncsToMinIO: a post whose table of contents alone is over
// 2 KB of JSON (the AXIVO journal's was 2,134 bytes) validates under the
// default limit (MinIO's 2,048) and syncs to MinIO, because the table of
// contents travels in the body object, not in custom metadata; the
// metadata holds only listing fields. A description that does not fit the
// default limit is refused at validate, before any write.
func TestLongTOCSyncsToMinIO(t *testing.T) {
	srv := minio.Start(t)
	srv.SetEnv(t)
	tr := newTree(t)
	var body strings.Builder
	for i := range 60 {
		fmt.Fprintf(&body, "## Section number %d about “caching” & `<things>`\n\nText %d.\n\n", i, i)
	}
	tr.write("content/blog/long.md", "---\ntitle: Long\ndate: 2026-01-01\n---\n\n"+body.String())
	axctl("--config", tr.config(), "validate").want(t, ExitOK, "validate under the default limit")
	axctl("--config", tr.config(), "sync", "--target", srv.Target("")).want(t, ExitOK, "sync to MinIO")
	storage, err := store.NewS3Store(context.Background(), srv.Bucket, "", store.S3Options{Endpoint: srv.Endpoint, Credentials: srv.Credentials()})
	if err != nil {
		t.Fatal(err)
	}
	b, _, attrs, err := storage.Get(context.Background(), "entries/blog/long.html")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := attrs.Metadata["toc"]; ok {
		t.Error("the table of contents is still in the object's metadata")
	}
	_, rest, _ := bytes.Cut(b, []byte("\n"))
	toc, _, err := manifest.SplitTOC(rest)
	if err != nil || len(toc) != 60 || len(manifest.TOCLine(toc)) <= 2134 {
		t.Errorf("body's table of contents: %d headings (%v)", len(toc), err)
	}

	tr.write("content/blog/long.md", "---\ntitle: Long\ndate: 2026-01-01\ndescription: "+strings.Repeat("d", 2000)+"\n---\n\nBody.\n")
	r := axctl("--config", tr.config(), "validate")
	r.want(t, ExitInvalid, "a description over the default limit")
	if out := r.out + r.errOut; !strings.Contains(out, "long.md:1:1: metadata is") || !strings.Contains(out, "the limit is 2048") {
		t.Errorf("validate does not name the limit:\n%s%s", r.out, r.errOut)
	}
}
