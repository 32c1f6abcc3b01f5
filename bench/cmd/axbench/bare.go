package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	meta "github.com/yuin/goldmark-meta"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"github.com/axctl/axctl/internal/syncer"
)

// bareMain is `axbench bare`: the limit. It reads every .md file under
// -content, renders it with goldmark (GFM, footnotes, heading IDs,
// frontmatter) and chroma (CSS classes) for fenced code, and writes each
// fragment under -out. No validation, no metadata, no hashing. With -gc
// floor its collector is the one `axctl sync --no-cache` runs with
// (syncer.TuneGCRenderAll: a 64 MiB heap floor, then GOGC=50), so the limit
// has the memory allowance axctl takes; -gc default leaves Go's GOGC=100.
func bareMain(args []string) error {
	fl := flag.NewFlagSet("bare", flag.ExitOnError)
	src := fl.String("content", "", "content directory")
	out := fl.String("out", "", "output directory")
	jobs := fl.Int("j", runtime.GOMAXPROCS(0), "workers")
	gc := fl.String("gc", "default", "collector: default (Go's GOGC, or the environment's) or floor (axctl sync --no-cache's heap floor)")
	_ = fl.Parse(args)
	switch *gc {
	case "default":
	case "floor":
		syncer.TuneGCRenderAll()
	default:
		return fmt.Errorf("bare: -gc %q: want default or floor", *gc)
	}
	var files []string
	err := filepath.WalkDir(*src, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return err
	}
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, meta.New()),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(html.WithXHTML(),
			renderer.WithNodeRenderers(util.Prioritized(codeRenderer{}, 100))),
	)
	ch := make(chan string)
	errs := make(chan error, *jobs)
	var wg sync.WaitGroup
	for i := 0; i < *jobs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for p := range ch {
				b, err := os.ReadFile(p)
				if err == nil {
					buf.Reset()
					err = md.Convert(b, &buf, parser.WithContext(parser.NewContext()))
				}
				if err == nil {
					rel, _ := filepath.Rel(*src, p)
					dst := filepath.Join(*out, strings.TrimSuffix(rel, ".md")+".html")
					if err = os.MkdirAll(filepath.Dir(dst), 0o755); err == nil {
						err = os.WriteFile(dst, buf.Bytes(), 0o644)
					}
				}
				if err != nil {
					select {
					case errs <- fmt.Errorf("%s: %w", p, err):
					default:
					}
				}
			}
		}()
	}
	for _, f := range files {
		ch <- f
	}
	close(ch)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	fmt.Println(len(files))
	return nil
}

// codeRenderer highlights fenced code with a known language, as CSS classes.
type codeRenderer struct{}

var (
	bareFormatter = chromahtml.New(chromahtml.WithClasses(true))
	bareStyle     = styles.Get("github")
)

func (codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, func(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		n := node.(*ast.FencedCodeBlock)
		var code bytes.Buffer
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			code.Write(seg.Value(src))
		}
		if lexer := lexers.Get(string(n.Language(src))); lexer != nil {
			if it, err := chroma.Coalesce(lexer).Tokenise(nil, code.String()); err == nil {
				if err := bareFormatter.Format(w, bareStyle, it); err == nil {
					return ast.WalkSkipChildren, nil
				}
			}
		}
		_, _ = w.WriteString("<pre><code>")
		_, _ = w.Write(util.EscapeHTML(code.Bytes()))
		_, _ = w.WriteString("</code></pre>\n")
		return ast.WalkSkipChildren, nil
	})
}
