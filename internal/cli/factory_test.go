package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/purge"
	"github.com/axctl/axctl/internal/store"
)

// testFactory is the real factory writing to buffers (not a terminal),
// with storage, when set, in place of every target (listed early, as an
// S3 target is) and p, when set, in place of every purger.
func testFactory(storage store.Store, p purge.Purger) *Factory {
	f := NewFactory(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	if storage != nil {
		f.OpenStore = func(context.Context, *content.Config, string) (store.Store, error) { return storage, nil }
		f.ListEarly = func(string) bool { return true }
	}
	if p != nil {
		f.NewPurger = func(*content.Config, string, string) (purge.Purger, error) { return p, nil }
	}
	return f
}

// runWith runs `axctl args...` through the root built from f: the real
// flag parsing and exit-code mapping.
func runWith(f *Factory, args ...string) result {
	code := Execute(context.Background(), NewRoot(f), args, f.IO.Err)
	return result{code, f.IO.Out.(*bytes.Buffer).String(), f.IO.Err.(*bytes.Buffer).String()}
}

// TestProgressFollowsTheTerminal: the streams say whether stderr is a
// terminal (a bar, redrawn in place) or not (plain lines), and a pipe is
// not one.
func TestProgressFollowsTheTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if NewIO(r, w, w).ErrTTY {
		t.Error("a pipe is taken for a terminal")
	}
	for _, tty := range []bool{true, false} {
		var b bytes.Buffer
		p := newProgress(IO{Err: &b, ErrTTY: tty}, false)
		p.update(1, 4)
		p.done()
		if bar := strings.Contains(b.String(), "\r[#######"); bar != tty {
			t.Errorf("tty %v: %q", tty, b.String())
		}
	}
}
