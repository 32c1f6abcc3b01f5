// Package cli holds axctl's cobra commands: flags become options, options go
// to a run function, and errors become the exit codes of the CLI contract.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes of the CLI contract.
const (
	ExitOK       = 0
	ExitInvalid  = 1 // content invalid; nothing written
	ExitUsage    = 2
	ExitStore    = 3 // store or network failure; safe to rerun
	ExitRefused  = 4 // refused by a guard such as --max-deletes
	exitInternal = 3
)

// ExitError carries an exit code and an optional message already printed.
type ExitError struct {
	Code   int
	Err    error
	Silent bool // the command already reported the problem
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

func invalid(err error, silent bool) error {
	return &ExitError{Code: ExitInvalid, Err: err, Silent: silent}
}
func storeErr(err error) error { return &ExitError{Code: ExitStore, Err: err} }
func refused(err error) error  { return &ExitError{Code: ExitRefused, Err: err} }
func usage(err error) error    { return &ExitError{Code: ExitUsage, Err: err} }

// IO is the set of streams a command writes to.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
}

// Globals are the root command's persistent flags.
type Globals struct {
	Config string
	JSON   bool
	Quiet  bool
}

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// NewRoot builds the command tree.
func NewRoot(ios IO) *cobra.Command {
	g := &Globals{}
	root := &cobra.Command{
		Use:           "axctl",
		Short:         "Publish Markdown to R2 and serve it from a Cloudflare Worker",
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage(err) })
	pf := root.PersistentFlags()
	pf.StringVar(&g.Config, "config", "", "config file (default ./axctl.yaml, or built-in defaults if absent)")
	pf.BoolVar(&g.JSON, "json", false, "machine-readable output on stdout; human output on stderr")
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "print only errors")
	root.AddCommand(
		newValidateCmd(ios, g, nil),
		newFeaturesCmd(ios, g),
		newSyncCmd(ios, g, nil),
		newManifestCmd(ios, g),
		newPurgeCmd(ios, g, nil),
		newInitCmd(ios, g, nil),
		newDeployCmd(ios, g, nil),
		newPullCmd(ios, g),
		newDevCmd(ios, g, nil),
	)
	return root
}

// Main runs axctl with args and returns the process exit code.
func Main(ctx context.Context, args []string, in io.Reader, out, errw io.Writer) int {
	root := NewRoot(IO{In: in, Out: out, Err: errw})
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil {
		// SIGINT or SIGTERM (main's context): every command stops before
		// its next write, and sync before any manifest once its bodies
		// were interrupted, so the bucket is as a failed sync leaves it.
		fmt.Fprintf(errw, "axctl: interrupted (%v): stopped before writing anything more; rerun to finish\n", context.Cause(ctx))
		return ExitStore
	}
	return report(err, errw)
}

func report(err error, errw io.Writer) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if !ee.Silent && ee.Err != nil {
			fmt.Fprintf(errw, "axctl: %v\n", ee.Err)
		}
		return ee.Code
	}
	fmt.Fprintf(errw, "axctl: %v\n", err)
	if isUsage(err) {
		return ExitUsage
	}
	return exitInternal
}

// isUsage recognises cobra's own argument errors.
func isUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires ", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
