package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/store"
)

// TestSyncVerify: `sync --verify` through the command line reports the
// metadata stripped from an entry's sidecar behind axctl's back (a plain
// sync sees nothing), --dry-run writes nothing, the run repairs it (exit 0),
// and the next run finds no difference.
func TestSyncVerify(t *testing.T) {
	tr := newTree(t)
	tr.posts(2)
	storage, err := store.NewDirStore(filepath.Join(t.TempDir(), "bucket"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := "--config=" + tr.config()
	syncWith(storage, cfg, "sync").want(t, ExitOK, "first sync")
	side := filepath.Join(storage.Dir(), ".meta", "entries", "docs", "intro.html.json")
	b, err := os.ReadFile(side)
	if err != nil {
		t.Fatal(err)
	}
	stripped := strings.Replace(string(b), `"hash": "`, `"hash-gone": "`, 1)
	if stripped == string(b) {
		t.Fatalf("no hash in the sidecar:\n%s", b)
	}
	if err := os.WriteFile(side, []byte(stripped), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := syncWith(storage, cfg, "sync"); r.code != ExitOK || !strings.Contains(r.errOut, "uploaded 0,") {
		t.Fatalf("a plain sync saw the stripped metadata (exit %d):\n%s", r.code, r.errOut)
	}

	dry := syncWith(storage, cfg, "sync", "--verify", "--dry-run")
	dry.want(t, ExitOK, "sync --verify --dry-run")
	for _, want := range []string{`verify: entries/docs/intro.html: metadata.hash is "", want "`, "1 differ from the content (to put again)", "(bucket attributes differ)"} {
		if !strings.Contains(dry.errOut, want) {
			t.Errorf("dry run lacks %q:\n%s", want, dry.errOut)
		}
	}
	if now, _ := os.ReadFile(side); string(now) != stripped {
		t.Error("--dry-run wrote the sidecar")
	}

	fix := syncWith(storage, cfg, "sync", "--verify")
	fix.want(t, ExitOK, "sync --verify")
	if !strings.Contains(fix.errOut, "(put again)") || !strings.Contains(fix.errOut, "uploaded 1 (bucket attributes differ 1)") {
		t.Errorf("repair run:\n%s", fix.errOut)
	}
	again := syncWith(storage, cfg, "sync", "--verify")
	again.want(t, ExitOK, "second sync --verify")
	if strings.Contains(again.errOut, "verify: entries/") || !strings.Contains(again.errOut, "0 differ from the content\n") {
		t.Errorf("second run still finds differences:\n%s", again.errOut)
	}
}
