// Package bench holds what the benchmarks share: the minimal Hugo theme the
// comparison site uses (hugo-theme/), embedded so the corpus generator can
// write a self-contained Hugo site.
package bench

import "embed"

// HugoTheme is bench/hugo-theme: layouts that render each page's Markdown
// body and nothing else.
//
//go:embed hugo-theme
var HugoTheme embed.FS
