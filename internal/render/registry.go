// Package render is the canonical feature registry and the renderer: one
// goldmark instance, built once, that turns an entry's Markdown into a safe
// HTML fragment and runs a feature's work only for entries that declare it.
package render

import (
	"fmt"
	"sort"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Feature is one entry of the registry. Adding a feature is one value here,
// one file holding its transform and renderer, and one test case.
type Feature struct {
	Type, Name string
	Doc        string
	// Transform runs after parsing, only for documents declaring the feature.
	Transform func(doc *ast.Document, reader text.Reader, st *docState)
	// Renderers are registered once on the shared goldmark instance.
	Renderers []util.PrioritizedValue
}

// ID is the canonical "<type>:<name>" spelling stored in metadata.
func (f Feature) ID() string { return f.Type + ":" + f.Name }

// Registry lists every feature an entry may declare, sorted by ID.
var Registry = []Feature{
	callouts,
	syntaxCode,
}

// Lookup returns the feature declared as type:name.
func Lookup(typ, name string) (Feature, bool) {
	for _, f := range Registry {
		if f.Type == typ && f.Name == name {
			return f, true
		}
	}
	return Feature{}, false
}

// Types returns the known feature types, sorted.
func Types() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range Registry {
		if !seen[f.Type] {
			seen[f.Type] = true
			out = append(out, f.Type)
		}
	}
	sort.Strings(out)
	return out
}

// Names returns the names registered under typ, sorted.
func Names(typ string) []string {
	var out []string
	for _, f := range Registry {
		if f.Type == typ {
			out = append(out, f.Name)
		}
	}
	sort.Strings(out)
	return out
}

// CheckDeclared explains why type:name is not in the registry, or returns nil.
func CheckDeclared(typ, name string) error {
	if _, ok := Lookup(typ, name); ok {
		return nil
	}
	names := Names(typ)
	if len(names) == 0 {
		return fmt.Errorf("unknown feature type %q (known: %s)", typ, strings.Join(Types(), ", "))
	}
	return fmt.Errorf("unknown feature %q for type %q (known: %s)", name, typ, strings.Join(names, ", "))
}

func rendererFuncs(fs []Feature) []util.PrioritizedValue {
	var out []util.PrioritizedValue
	for _, f := range fs {
		out = append(out, f.Renderers...)
	}
	return out
}

var _ renderer.NodeRenderer = (*funcRenderer)(nil)

// funcRenderer adapts a kind→func pair to goldmark's NodeRenderer.
type funcRenderer struct {
	kind ast.NodeKind
	fn   renderer.NodeRendererFunc
}

func (r *funcRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(r.kind, r.fn)
}
