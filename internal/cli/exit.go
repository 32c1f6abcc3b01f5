package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Exit codes of the CLI contract. ExitCodes describes each; the README's
// "Exit codes" paragraph is written from it (TestExitCodesDocumented).
const (
	ExitOK       = 0
	ExitInvalid  = 1 // content invalid, or an object the store refused; nothing a rerun fixes
	ExitUsage    = 2 // bad flags, arguments, config or environment; nothing written
	ExitStore    = 3 // store, network, purge or deploy failure, or interrupted; safe to rerun
	ExitRefused  = 4 // refused by a guard such as --max-deletes; nothing written
	ExitInternal = 5 // a bug in axctl (an unclassified error or a panic); report it
)

// ExitCodes is the table of exit codes and what each means to a caller.
var ExitCodes = []struct {
	Code    int
	Meaning string
}{
	{ExitOK, "ok"},
	{ExitInvalid, "content invalid (nothing written; or an object the store refused for its key, metadata or size)"},
	{ExitUsage, "usage: a bad flag, argument, config or environment variable (nothing written)"},
	{ExitStore, "store, network, purge or deploy failure, or stopped by SIGINT/SIGTERM (safe to rerun)"},
	{ExitRefused, "refused by a guard (`--max-deletes`, a deploy split changed behind axctl's back)"},
	{ExitInternal, "internal error: a bug in axctl (an unclassified error or a panic; rerunning will not help, report it)"},
}

// ExitError carries an exit code and an optional message already printed.
// Every error a command returns is one (helpers below); any other error is
// a bug and exits ExitInternal.
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

// typedArgs makes every positional-argument error of cmd and its
// subcommands a usage error, so no error of cobra's is recognised by its
// text.
func typedArgs(cmd *cobra.Command) {
	if args := cmd.Args; args != nil {
		cmd.Args = func(c *cobra.Command, a []string) error {
			if err := args(c, a); err != nil {
				return usage(err)
			}
			return nil
		}
	}
	for _, c := range cmd.Commands() {
		typedArgs(c)
	}
}

// Execute runs root with args and returns the exit code: the code of the
// ExitError the command returned, ExitStore when ctx was cancelled
// (SIGINT, SIGTERM), and ExitInternal for any other error or a panic.
func Execute(ctx context.Context, root *cobra.Command, args []string, errw io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(errw, "axctl: internal error: panic: %v (a bug in axctl; please report it)\n%s", r, debug.Stack())
			code = ExitInternal
		}
	}()
	typedArgs(root)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	if _, _, err := root.Find(args); err != nil {
		// The only error Find returns: an unknown command.
		return report(usage(err), errw)
	}
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
	fmt.Fprintf(errw, "axctl: internal error: %v (a bug in axctl; please report it)\n", err)
	return ExitInternal
}
