// Package cli holds axctl's cobra commands: flags become options, options go
// to a run function, and errors become the exit codes of the CLI contract.
package cli

import (
	"context"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

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

// NewRoot builds the command tree from f.
func NewRoot(f *Factory) *cobra.Command {
	g := f.Globals
	root := &cobra.Command{
		Use:           "axctl",
		Short:         "Publish Markdown to R2 and serve it from a Cloudflare Worker",
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage(err) })
	pf := root.PersistentFlags()
	pf.StringVar(&g.Config, "config", "", "config file (default ./axctl.yaml, or built-in defaults if absent)")
	pf.BoolVar(&g.JSON, "json", false, "machine-readable output on stdout; human output on stderr")
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "print only errors")
	root.AddCommand(
		NewCmdValidate(f, nil),
		NewCmdFeatures(f),
		NewCmdSync(f, nil),
		NewCmdManifest(f, nil),
		NewCmdPurge(f, nil),
		NewCmdInit(f, nil),
		NewCmdDeploy(f, nil),
		NewCmdPull(f, nil),
		NewCmdDev(f, nil),
	)
	return root
}

// Main runs axctl with args and returns the process exit code.
func Main(ctx context.Context, args []string, in io.Reader, out, errw io.Writer) int {
	return Execute(ctx, NewRoot(NewFactory(in, out, errw)), args, errw)
}
