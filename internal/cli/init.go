package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/scaffold"
)

// InitOptions are init's inputs.
type InitOptions struct {
	IO            IO
	Quiet         bool
	Dir           string
	UpgradeWorker bool
	// From is an existing tree (Hugo, Jekyll, Docusaurus, Hexo… or plain Markdown) to publish
	// in place: axctl.yaml is written into it.
	From string

	// From the factory.
	LoadConfig func(string) (*content.Config, error)
}

// NewCmdInit is `axctl init`; runF, when set, runs instead of runInit (tests).
func NewCmdInit(f *Factory, runF func(context.Context, *InitOptions) error) *cobra.Command {
	g := f.Globals
	opts := &InitOptions{IO: f.IO, LoadConfig: f.Config}
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Scaffold a site: axctl.yaml, an example entry, the Worker, the workflows",
		Long: "Init writes a new site into DIR (default: the current directory): axctl.yaml,\n" +
			"content/blog/hello.md, the Worker (worker/: its code, wrangler.jsonc,\n" +
			"package.json and package-lock.json), .gitignore and the GitHub workflows\n" +
			"(pr.yml, sync.yml, deploy.yml).\n\n" +
			"It is idempotent: a file that already has the scaffold's bytes is\n" +
			"\"unchanged\", and a file with any other bytes is yours and is never\n" +
			"overwritten (\"skipped (modified)\"). Names left as " + scaffold.Placeholder + " (the bucket,\n" +
			"the Worker, the site URL) make `axctl sync` and `axctl deploy` refuse to run.\n\n" +
			"After upgrading axctl, --upgrade-worker makes worker/src/ and worker/public/\n" +
			"this axctl's Worker: changed files are replaced (\"updated\") and files it\n" +
			"does not ship are deleted (\"removed\"); all other files keep the rule above.\n\n" +
			"With --from DIR, init inspects an existing Hugo or Zola site, Jekyll site or\n" +
			"folder of Markdown and writes into DIR an axctl.yaml that publishes it in place\n" +
			"(no file is rewritten), plus the Worker and the workflows; it prints what it\n" +
			"mapped and what it could not, with counts (docs/migrating.md).",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Quiet = g.Quiet
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			if opts.From != "" && len(args) == 1 && filepath.Clean(args[0]) != filepath.Clean(opts.From) {
				return usage(fmt.Errorf("init --from %s: the site is published in place, so axctl.yaml goes into %s (leave out DIR)", opts.From, opts.From))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runInit(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.UpgradeWorker, "upgrade-worker", false, "replace worker/src/ and worker/public/ with this axctl's Worker")
	cmd.Flags().StringVar(&opts.From, "from", "", "publish the existing Hugo, Zola, Jekyll, Docusaurus, Hexo, Astro, mdBook… or Markdown tree in `DIR` in place")
	return cmd
}

func runInit(_ context.Context, opts *InitOptions) error {
	if opts.From != "" {
		return runInitFrom(opts)
	}
	if st, err := os.Stat(opts.Dir); err == nil && !st.IsDir() {
		return usage(fmt.Errorf("init: %q is not a directory", opts.Dir))
	}
	results, err := scaffold.Write(opts.Dir, opts.UpgradeWorker)
	if !opts.Quiet {
		for _, r := range results {
			fmt.Fprintf(opts.IO.Err, "%-20s %s\n", r.Status, filepath.Join(opts.Dir, filepath.FromSlash(r.Path)))
		}
	}
	if err != nil {
		return storeErr(err)
	}
	if !opts.Quiet {
		fmt.Fprintf(opts.IO.Err, "next: replace %s in axctl.yaml and worker/wrangler.jsonc, then `axctl validate`\n", scaffold.Placeholder)
	}
	return nil
}

// refusePlaceholder is a usage error when a resource name given to sync or
// deploy is still the scaffold's placeholder.
func refusePlaceholder(what, value, where string) error {
	if err := scaffold.CheckName(what, value, where); err != nil {
		return usage(err)
	}
	return nil
}

// runInitFrom writes the configuration that publishes an existing tree in
// place, with the Worker and workflows, and reports the mapping on stdout.
func runInitFrom(opts *InitOptions) error {
	if opts.UpgradeWorker {
		return usage(errors.New("init: --from and --upgrade-worker do not go together"))
	}
	src, err := scaffold.Inspect(opts.From)
	if err != nil {
		return usage(err)
	}
	if len(src.Collections) == 0 {
		src.Report(opts.IO.Out)
		return usage(fmt.Errorf("init --from %s: no Markdown file there can be an entry", opts.From))
	}
	cfg := src.Config()
	results, err := scaffold.WriteFrom(opts.From, cfg)
	if !opts.Quiet {
		for _, r := range results {
			fmt.Fprintf(opts.IO.Err, "%-20s %s\n", r.Status, filepath.Join(opts.From, filepath.FromSlash(r.Path)))
		}
	}
	if err != nil {
		return storeErr(err)
	}
	src.Report(opts.IO.Out)
	path := filepath.Join(opts.From, "axctl.yaml")
	if data, err := os.ReadFile(path); err == nil && !bytes.Equal(data, cfg) {
		fmt.Fprintf(opts.IO.Err, "axctl.yaml exists and was kept: the configuration above was not written (move the file away and run init --from again)\n")
		return nil
	}
	if _, err := opts.LoadConfig(path); err != nil {
		return fmt.Errorf("init --from: the written axctl.yaml does not load (a bug in axctl): %w", err)
	}
	if !opts.Quiet {
		fmt.Fprintf(opts.IO.Err, "next: axctl validate --config %s (every problem, with its position), then axctl sync\n", path)
	}
	return nil
}
