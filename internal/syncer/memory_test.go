package syncer_test

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/syncer"
)

// TestValidateReleasesCache: once Validate has saved the render cache, the
// Built it returns no longer holds it, so the cache's records (~800 bytes
// an entry) do not live through a cold sync's plan and uploads.
func TestValidateReleasesCache(t *testing.T) {
	s := newSite(t, 10)
	s.blogOf(5)
	cache, err := content.OpenCache(filepath.Join(t.TempDir(), "cache"), s.config())
	if err != nil {
		t.Fatal(err)
	}
	freed := make(chan struct{})
	runtime.AddCleanup(cache, func(ch chan struct{}) { close(ch) }, freed)
	built, problems, err := syncer.Validate(context.Background(), s.config(), syncer.ValidateOptions{Cache: cache})
	if err != nil || len(problems) > 0 {
		t.Fatal(problems, err)
	}
	for range 200 {
		runtime.GC()
		select {
		case <-freed:
			runtime.KeepAlive(built)
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatal("the render cache is still reachable from the Built Validate returned")
}
