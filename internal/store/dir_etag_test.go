package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/axctl/axctl/internal/store"
)

// TestDirListETagMemo: a DirStore that lists again (as `axctl dev` does
// after every save) reports the true ETag of every body while another
// DirStore on the same folder (another process) rewrites, replaces with
// bodies of the same size, and deletes objects at random: the memo never
// serves a stale ETag.
func TestDirListETagMemo(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writer, err := store.NewDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	lister, err := store.NewDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(16, 2))
	want := map[string]string{}
	for round := range 300 {
		key := fmt.Sprintf("k/%d", r.IntN(6))
		switch r.IntN(4) {
		case 0:
			if err := writer.Delete(ctx, []string{key}); err != nil {
				t.Fatal(err)
			}
			delete(want, key)
		default: // same size every time: only the bytes tell the bodies apart
			body := []byte(fmt.Sprintf("body %04d", r.IntN(10000)))
			if _, err := writer.Put(ctx, key, body, store.Attrs{ContentType: "text/plain"}, store.Precondition{}); err != nil {
				t.Fatal(err)
			}
			want[key] = store.MD5Hex(body)
		}
		got := map[string]string{}
		if err := lister.List(ctx, "", func(o store.Object) error {
			got[o.Key] = o.ETag
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("round %d: listed %v, want %v", round, got, want)
		}
	}
}
