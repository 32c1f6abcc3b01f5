package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestDirPutsBesideDeletes: Puts of distinct keys run at once (each holds
// only its key's lock), several making the same new folders, while Deletes
// empty other keys of those folders. Every Put succeeds and leaves its body
// and sidecar; every deleted key is gone. (It fails when a Put that finds
// its folder made by another meanwhile gives up: with one mutex for every
// Put that never happened.)
func TestDirPutsBesideDeletes(t *testing.T) {
	ctx := context.Background()
	for round := range 20 {
		dir := t.TempDir()
		s, err := NewDirStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		const folders, perFolder = 8, 12
		key := func(f, i int) string { return fmt.Sprintf("d%d/e%d/k%d.html", f, i%3, i) }
		// The odd keys exist first and are deleted while the even ones
		// are put into the same folders.
		for f := range folders {
			for i := 1; i < perFolder; i += 2 {
				if _, err := s.Put(ctx, key(f, i), []byte("old"), Attrs{}, Precondition{}); err != nil {
					t.Fatal(err)
				}
			}
		}
		var wg sync.WaitGroup
		errs := make(chan error, folders*perFolder)
		for f := range folders {
			wg.Go(func() {
				var odd []string
				for i := 1; i < perFolder; i += 2 {
					odd = append(odd, key(f, i))
				}
				if err := s.Delete(ctx, odd); err != nil {
					errs <- err
				}
			})
			for i := 0; i < perFolder; i += 2 {
				wg.Go(func() {
					if _, err := s.Put(ctx, key(f, i), fmt.Appendf(nil, "body %d %d", f, i), Attrs{ContentType: "text/html"}, Precondition{IfNoneMatch: true}); err != nil {
						errs <- err
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("round %d: %v", round, err)
		}
		for f := range folders {
			for i := range perFolder {
				body, bodyErr := os.ReadFile(filepath.Join(dir, filepath.FromSlash(key(f, i))))
				_, metaErr := os.Stat(s.metaPath(key(f, i)))
				if i%2 == 1 {
					if bodyErr == nil || metaErr == nil {
						t.Fatalf("round %d: deleted %s is still there", round, key(f, i))
					}
					continue
				}
				if want := fmt.Sprintf("body %d %d", f, i); string(body) != want || metaErr != nil {
					t.Fatalf("round %d: %s = %q (%v), sidecar %v; want %q", round, key(f, i), body, bodyErr, metaErr, want)
				}
			}
		}
	}
}
