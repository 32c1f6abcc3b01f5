package plan_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/store"
)

// plainStore hides DirStore's PutReader, so Apply takes its fallback.
type plainStore struct{ store.Store }

// TestApplyOpensBodies: an item with Open is streamed from what Open
// returns (the file, opened at apply time), through PutReader or the
// fallback; a body that changed since it was hashed fails the apply.
func TestApplyOpensBodies(t *testing.T) {
	src := filepath.Join(t.TempDir(), "photo.png")
	body := []byte(strings.Repeat("png bytes ", 1000))
	if err := os.WriteFile(src, body, 0o644); err != nil {
		t.Fatal(err)
	}
	item := plan.Item{
		Key: "assets/0123456789abcdef0123456789abcdef.png", Kind: plan.KindAsset,
		Open: func() (io.ReadSeekCloser, error) { return os.Open(src) },
		Size: int64(len(body)), MD5: store.MD5Hex(body),
	}
	for _, wrap := range []bool{false, true} {
		dir, err := store.NewDirStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		var s store.Store = dir
		if wrap {
			s = plainStore{dir}
		}
		p := &plan.Plan{Uploads: []plan.Action{{Key: item.Key, Kind: item.Kind, Reason: plan.ReasonNew, Item: &item}}}
		if _, err := plan.Apply(context.Background(), s, p, plan.ApplyOptions{}); err != nil {
			t.Fatalf("wrapped %v: %v", wrap, err)
		}
		if got, _, _, err := s.Get(context.Background(), item.Key); err != nil || !bytes.Equal(got, body) {
			t.Fatalf("wrapped %v: Get = %d bytes, %v", wrap, len(got), err)
		}
		changed := item
		changed.MD5 = store.MD5Hex([]byte("other"))
		changed.Key = "assets/fedcba9876543210fedcba9876543210.png"
		p = &plan.Plan{Uploads: []plan.Action{{Key: changed.Key, Kind: changed.Kind, Reason: plan.ReasonNew, Item: &changed}}}
		if _, err := plan.Apply(context.Background(), s, p, plan.ApplyOptions{}); err == nil {
			t.Fatalf("wrapped %v: a body with another MD5 was written", wrap)
		}
	}
}

// TestApplyKnownMD5: a body read from Src (a rendered entry in the cache)
// is written with the MD5 hashed when it was rendered, not hashed again;
// a file that no longer has that MD5 fails the apply and writes nothing.
func TestApplyKnownMD5(t *testing.T) {
	src := filepath.Join(t.TempDir(), "entry.html")
	body := []byte("<p>rendered</p>\n")
	if err := os.WriteFile(src, body, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		md5  string
		ok   bool
	}{{"same", store.MD5Hex(body), true}, {"changed since rendered", store.MD5Hex([]byte("<p>before</p>\n")), false}} {
		s, err := store.NewDirStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		item := plan.Item{Key: "entries/blog/a.html", Kind: plan.KindEntry, Src: src, MD5: tc.md5}
		p := &plan.Plan{Uploads: []plan.Action{{Key: item.Key, Kind: item.Kind, Reason: plan.ReasonNew, Item: &item}}}
		_, err = plan.Apply(context.Background(), s, p, plan.ApplyOptions{})
		got, obj, _, gerr := s.Get(context.Background(), item.Key)
		switch {
		case tc.ok && (err != nil || gerr != nil || !bytes.Equal(got, body) || obj.ETag != tc.md5):
			t.Errorf("%s: apply %v, get %v: %q etag %s", tc.name, err, gerr, got, obj.ETag)
		case !tc.ok && (err == nil || gerr == nil):
			t.Errorf("%s: apply %v, and the key holds %q (get %v)", tc.name, err, got, gerr)
		}
	}
}
