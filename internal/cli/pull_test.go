package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/store"
)

func TestPullMirrorsTheBucket(t *testing.T) {
	ctx := context.Background()
	srcDir, dstDir := filepath.Join(t.TempDir(), "src"), filepath.Join(t.TempDir(), "dst")
	src, err := store.NewDirStore(srcDir)
	if err != nil {
		t.Fatal(err)
	}
	put := func(key, body string, meta map[string]string) {
		if _, err := src.Put(ctx, key, []byte(body), store.Attrs{ContentType: "text/html", Metadata: meta}, store.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	put("entries/blog/a.html", "<p>a</p>", map[string]string{"title": "Café ☕"})
	put("entries/blog/b.html", "<p>b</p>", nil)
	pull := func() string {
		var out, errb bytes.Buffer
		code := Main(ctx, []string{"pull", "--target", "file://" + srcDir, dstDir}, nil, &out, &errb)
		if code != 0 {
			t.Fatalf("pull exit %d: %s", code, errb.String())
		}
		return errb.String()
	}
	if msg := pull(); !strings.Contains(msg, "pulled 2 objects") {
		t.Fatalf("first pull: %s", msg)
	}
	if err := src.Delete(ctx, []string{"entries/blog/b.html"}); err != nil {
		t.Fatal(err)
	}
	put("entries/blog/a.html", "<p>a2</p>", map[string]string{"title": "Café ☕ 2"})
	if msg := pull(); !strings.Contains(msg, "pulled 1 objects") || !strings.Contains(msg, "1 removed") {
		t.Fatalf("second pull: %s", msg)
	}
	dst, _ := store.NewDirStore(dstDir)
	body, _, attrs, err := dst.Get(ctx, "entries/blog/a.html")
	if err != nil || string(body) != "<p>a2</p>" || attrs.Metadata["title"] != "Café ☕ 2" {
		t.Fatalf("a.html = %q %v %v", body, attrs.Metadata, err)
	}
	if _, _, err := dst.Head(ctx, "entries/blog/b.html"); err == nil {
		t.Fatal("b.html survived in the copy after it left the bucket")
	}
}
