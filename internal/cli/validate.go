package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/axctl/axctl/internal/content"
)

// ValidateOptions are validate's inputs.
type ValidateOptions struct {
	IO     IO
	Config string
	JSON   bool
	Quiet  bool
	Format string // text, github, json

	// From the factory.
	LoadConfig func(string) (*content.Config, error)
}

// NewCmdValidate is `axctl validate`; runF, when set, runs instead of runValidate (tests).
func NewCmdValidate(f *Factory, runF func(context.Context, *ValidateOptions) error) *cobra.Command {
	g := f.Globals
	opts := &ValidateOptions{IO: f.IO, LoadConfig: f.Config}
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check every entry of every collection; write nothing",
		Long: "Validate parses, checks and renders every entry and reports every problem\n" +
			"as path:line:col: message. It exits 1 if there is any problem.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Config, opts.JSON, opts.Quiet = g.Config, g.JSON, g.Quiet
			if opts.JSON {
				opts.Format = "json"
			}
			switch opts.Format {
			case "text", "github", "json":
			default:
				return usage(fmt.Errorf("--format must be text, github or json, not %q", opts.Format))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runValidate(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text, github or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "github", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// loaded is what a full content load produced: counts, not entries, so
// validating a large tree holds no rendered body or record.
type loaded struct {
	cfg             *content.Config
	entries, drafts int
	problems        []content.Problem
	warnings        []content.Problem
}

func loadAll(ctx context.Context, opts *ValidateOptions) (*loaded, error) {
	cfg, err := opts.LoadConfig(opts.Config)
	if err != nil {
		return nil, usage(err)
	}
	l := &loaded{cfg: cfg}
	warn := func(p content.Problem) { l.warnings = append(l.warnings, p) }
	l.problems, err = content.Load(ctx, cfg, content.Options{Warn: warn}, func(e *content.Entry) error {
		l.entries++
		if e.Draft() {
			l.drafts++
		}
		return nil
	})
	if err != nil {
		return nil, usage(fmt.Errorf("load content: %w", err))
	}
	return l, nil
}

func runValidate(ctx context.Context, opts *ValidateOptions) error {
	l, err := loadAll(ctx, opts)
	var ce *content.ConfigError
	if errors.As(err, &ce) && ce.Line > 0 {
		// A config problem with a position is invalid input like any
		// other: report it in the chosen format (annotations included).
		writeProblems(opts, []content.Problem{{Path: ce.Path, Line: ce.Line, Col: ce.Col, Msg: ce.Msg}}, 0, 0)
		return invalid(fmt.Errorf("invalid config %s", ce.Path), opts.Format != "text")
	}
	if err != nil {
		return err
	}
	writeWarnings(opts, l.warnings)
	ps := l.problems
	if opts.Format == "json" { // one document: its "warnings" list
		ps = append(ps[:len(ps):len(ps)], l.warnings...)
	}
	writeProblems(opts, ps, l.entries, l.drafts)
	if len(l.problems) > 0 {
		return invalid(fmt.Errorf("%d problem(s) in %s", len(l.problems), l.cfg.Root()), opts.Format != "text")
	}
	if !opts.Quiet {
		fmt.Fprintf(opts.IO.Err, "ok: %d entries in %d collections (%d drafts)\n", l.entries, len(l.cfg.Collections), l.drafts)
	}
	return nil
}

func writeProblems(opts *ValidateOptions, ps []content.Problem, entries, drafts int) {
	switch opts.Format {
	case "json":
		writeProblemsJSON(opts.IO.Out, ps, entries, drafts)
	case "github":
		writeProblemsGitHub(opts.IO.Out, ps)
	default:
		for _, p := range ps {
			fmt.Fprintln(opts.IO.Out, p.String())
		}
	}
}

// writeWarnings reports what does not make validate fail (a code block
// shown plain): on stderr as text, as ::warning annotations for github, and
// inside the json document (writeProblemsJSON) for json.
func writeWarnings(opts *ValidateOptions, ws []content.Problem) {
	switch opts.Format {
	case "github":
		writeProblemsGitHub(opts.IO.Out, ws)
	case "text":
		for _, w := range ws {
			fmt.Fprintln(opts.IO.Err, w.String())
		}
	}
}

type jsonProblem struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
}

func writeProblemsJSON(w io.Writer, ps []content.Problem, entries, drafts int) {
	out := struct {
		OK       bool          `json:"ok"`
		Entries  int           `json:"entries"`
		Drafts   int           `json:"drafts"`
		Problems []jsonProblem `json:"problems"`
		Warnings []jsonProblem `json:"warnings"`
	}{OK: true, Entries: entries, Drafts: drafts, Problems: []jsonProblem{}, Warnings: []jsonProblem{}}
	for _, p := range ps {
		if p.Warning {
			out.Warnings = append(out.Warnings, jsonProblem{p.Path, p.Line, p.Col, p.Msg})
		} else {
			out.OK = false
			out.Problems = append(out.Problems, jsonProblem{p.Path, p.Line, p.Col, p.Msg})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

// writeProblemsGitHub prints workflow commands that GitHub turns into
// annotations on the changed lines.
func writeProblemsGitHub(w io.Writer, ps []content.Problem) {
	data := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	prop := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	for _, p := range ps {
		kind := "error"
		if p.Warning {
			kind = "warning"
		}
		fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d::%s\n", kind, prop.Replace(p.Path), p.Line, p.Col, data.Replace(p.Msg))
	}
}
