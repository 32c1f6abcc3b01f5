package content_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	"github.com/axctl/axctl/internal/content"
)

const benchEntries = 2000

// writeCorpus generates n entries, each declaring syntax:code with one Go
// block, and returns the config path and the entry paths.
func writeCorpus(b *testing.B, n int) (string, []string) {
	b.Helper()
	dir := b.TempDir()
	blog := filepath.Join(dir, "content", "blog")
	if err := os.MkdirAll(blog, 0o755); err != nil {
		b.Fatal(err)
	}
	cfg := filepath.Join(dir, "axctl.yaml")
	if err := os.WriteFile(cfg, []byte(defaultConfig), 0o644); err != nil {
		b.Fatal(err)
	}
	paths := make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(blog, fmt.Sprintf("post-%04d.md", i))
		if err := os.WriteFile(paths[i], []byte(benchEntry(i)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return cfg, paths
}

func benchEntry(i int) string {
	return fmt.Sprintf(`---
title: "Post %[1]d: caching at the edge"
date: 2026-01-%02[2]d
description: How entry %[1]d is cached by the Worker.
tags: [caching, workers, post-%[1]d]
features:
  syntax: [code]
---
# Post %[1]d

Axctl renders Markdown **once**, at sync time, and the Worker serves the
HTML from R2 with the cache policy of the status table. See [the docs](https://example.com/docs/%[1]d).

## How it works

- the CLI validates every entry;
- it renders with goldmark and highlights code with chroma;
- it uploads only what changed.

`+"```go"+`
package main

import (
	"fmt"
	"net/http"
)

// handler %[1]d answers with a cached page.
func handler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=60")
	for i := 0; i < %[1]d; i++ {
		fmt.Fprintf(w, "line %%d\n", i)
	}
}
`+"```"+`

## Summary

| Status | Cache |
|--------|-------|
| 200 | 60 s |
| 404 | none |
`, i, i%28+1)
}

func BenchmarkLoad2000(b *testing.B) {
	cfgPath, _ := writeCorpus(b, benchEntries)
	cfg, err := content.LoadConfig(cfgPath)
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				n := 0
				problems, err := content.Load(context.Background(), cfg, content.Options{Concurrency: workers}, func(*content.Entry) error { n++; return nil })
				if err != nil || len(problems) > 0 || n != benchEntries {
					b.Fatalf("Load: %d entries, %v, %v", n, err, problems)
				}
			}
			reportPages(b, cpu)
		})
	}
}

// BenchmarkBareGoldmarkChroma is the baseline: goldmark with GFM and a
// chroma renderer for fenced code, one goroutine, the same files.
func BenchmarkBareGoldmarkChroma(b *testing.B) {
	_, paths := writeCorpus(b, benchEntries)
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	md.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(bareChroma{}, 100)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			var out strings.Builder
			if err := md.Convert(src, &out); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportPages(b, cpu)
}

// reportPages reports wall-clock pages/s and CPU time per page: on a shared
// machine the second one is the fairer comparison of work done.
func reportPages(b *testing.B, cpuBefore time.Duration) {
	pages := float64(benchEntries * b.N)
	b.ReportMetric(pages/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64((cpuTime()-cpuBefore).Microseconds())/pages, "cpu-µs/page")
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type bareChroma struct{}

var bareFormatter = chromahtml.New(chromahtml.WithClasses(true))

func (bareChroma) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		fc := n.(*ast.FencedCodeBlock)
		var code strings.Builder
		for i := 0; i < fc.Lines().Len(); i++ {
			seg := fc.Lines().At(i)
			code.Write(seg.Value(src))
		}
		lexer := lexers.Get(string(fc.Language(src)))
		if lexer == nil {
			lexer = lexers.Fallback
		}
		it, err := chroma.Coalesce(lexer).Tokenise(nil, code.String())
		if err != nil {
			return ast.WalkStop, err
		}
		return ast.WalkSkipChildren, bareFormatter.Format(w, styles.Get("github"), it)
	})
}

// BenchmarkNoopLoad is the validate part of a no-op sync: a Cache opened
// from disk, every entry found unchanged. It reports the live heap per
// entry once the Load is done with its entries held (as a sync holds
// them), which does not depend on the machine's load, and the garbage
// made per entry.
func BenchmarkNoopLoad(b *testing.B) {
	cfgPath, _ := writeCorpus(b, benchEntries)
	cfg, err := content.LoadConfig(cfgPath)
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(b.TempDir(), "cache")
	load := func() ([]*content.Entry, *content.Cache) {
		c, err := content.OpenCache(dir, cfg)
		if err != nil {
			b.Fatal(err)
		}
		var held []*content.Entry
		problems, err := content.Load(context.Background(), cfg, content.Options{Cache: c}, func(e *content.Entry) error {
			held = append(held, e)
			return nil
		})
		if err != nil || len(problems) > 0 || len(held) != benchEntries {
			b.Fatalf("Load: %d entries, %v, %v", len(held), err, problems)
		}
		return held, c
	}
	_, c := load() // cold: renders and fills the cache
	if err := c.Save(); err != nil {
		b.Fatal(err)
	}
	var live uint64
	var ms runtime.MemStats
	b.ReportAllocs()
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		held, c := load()
		for _, e := range held {
			if e.Highlighted != 0 {
				b.Fatal("no-op rendered an entry")
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		live += ms.HeapAlloc - before
		runtime.KeepAlive(held)
		runtime.KeepAlive(c)
	}
	b.ReportMetric(float64(live)/float64(b.N)/benchEntries, "live-B/entry")
}
