package cli

import (
	"context"
	"io"
	"os"
	"strings"
	"time"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/purge"
	"github.com/axctl/axctl/internal/store"
)

// Factory is every dependency a command has, in one place (cli/cli's
// cmdutil.Factory): NewFactory builds the real one; tests build the root
// from their own (a store in memory or behind a fault, a purger that
// records, an environment and a clock of their own). A command copies what
// it needs into its options, so its run function sees nothing global.
type Factory struct {
	IO IO
	// Globals are the root's persistent flags, filled in when it parses.
	Globals *Globals
	// Config loads axctl.yaml (content.LoadConfig).
	Config func(path string) (*content.Config, error)
	// OpenStore opens the bucket target names (the config's target when
	// empty), refusing the scaffold's placeholder names.
	OpenStore func(ctx context.Context, cfg *content.Config, target string) (store.Store, error)
	// ListEarly reports whether opening target writes nothing, so sync may
	// open and list it while the content validates (an s3:// target; a
	// file:// target is created when opened).
	ListEarly func(target string) bool
	// NewPurger builds the purger via and url name, secrets from Getenv.
	NewPurger func(cfg *content.Config, via, url string) (purge.Purger, error)
	// Getenv reads the environment (os.Getenv): secrets come only from it.
	Getenv func(key string) string
	// Now is the clock (time.Now).
	Now func() time.Time
	// PurgeSettle is how long after its last write a purge repeats
	// (contract.PurgeSettle; tests shorten it).
	PurgeSettle time.Duration
}

// NewFactory is the factory of the real command line.
func NewFactory(in io.Reader, out, errw io.Writer) *Factory {
	f := &Factory{
		IO:          NewIO(in, out, errw),
		Globals:     &Globals{},
		Config:      content.LoadConfig,
		Getenv:      os.Getenv,
		Now:         time.Now,
		PurgeSettle: contract.PurgeSettle,
		ListEarly: func(target string) bool {
			return strings.HasPrefix(strings.ToLower(target), "s3://")
		},
	}
	f.OpenStore = openTarget
	f.NewPurger = func(cfg *content.Config, via, url string) (purge.Purger, error) {
		return newPurger(f.Getenv, cfg, via, url)
	}
	return f
}

// IO is the set of streams a command reads and writes, and whether the
// error stream is a terminal (progress draws a bar there, plain lines
// elsewhere).
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	ErrTTY   bool
}

// NewIO returns the streams, finding out whether errw is a terminal.
func NewIO(in io.Reader, out, errw io.Writer) IO {
	return IO{In: in, Out: out, Err: errw, ErrTTY: isTerminal(errw)}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
