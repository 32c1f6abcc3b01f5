package render

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestPrescanPassesOrdinaryMarkdown: what people write stays under every
// limit, however long; each hostile shape is found on its line.
func TestPrescanPassesOrdinaryMarkdown(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      string // "" or "line: fragment"
	}{
		{"rule of 40 dashes", strings.Repeat("- ", 40) + "\n", ""},
		{"rule of stars", strings.Repeat("* ", 50) + "\n", ""},
		{"deep code", "```yaml\n" + strings.Repeat(" ", 200) + "- x\n" + strings.Repeat(">", 100) + "\n```\n", ""},
		{"six-level list", "- a\n  - b\n    - c\n      - d\n        - e\n          - f\n", ""},
		{"big table", "| a | b | c |\n|---|---|---|\n" + strings.Repeat("| 1 | 2 | 3 |\n", 3000), ""},
		{"many closed links", strings.Repeat("[a](https://example.com/x) ", 5000) + "\n", ""},
		{"many definitions apart", strings.Repeat("[r]: /x\n\n", 6000), ""},
		{"lists on one line", strings.Repeat("- ", 40) + "x\n", "1: blockquotes and lists nest 40 deep"},
		{"nested parens never close", strings.Repeat("[a](()", 8000) + "\n", "1: this paragraph's 8000 unclosed link openings"},
		{"angle destinations never close", strings.Repeat("[a](<x) ", 8000) + "\n", "1: this paragraph's 8000 unclosed link openings"},
		{"angle destinations", strings.Repeat("[a](<x y>) ", 5000) + "\n", ""},
		{"closed links with parens", strings.Repeat("[a](https://x.example/a_(b)) ", 5000) + "\n", ""},
		{"quote in code ends", "```\n>>>\n```\n" + strings.Repeat(">", 33) + "\n", "4: blockquotes and lists nest 33 deep"},
		{"long list of reference links", strings.Repeat("- [a][r] and [b]\n", 30000), ""},
		{"long blockquote of paragraphs", strings.Repeat("> see [a] and [^n] for *this*\n>\n", 20000), ""},
		{"table rows with labels and emphasis", "| a | b |\n|---|---|\n" + strings.Repeat("| [x] *y* | snake_case_name |\n", 20000), ""},
		{"emphasis in many paragraphs", strings.Repeat(strings.Repeat("*a* _b_ ", 400)+"\n\n", 100), ""},
		{"shortcut labels on lines", strings.Repeat("[a]\n", 20000), "1: this paragraph's 20000 link labels"},
		{"footnote references on lines", strings.Repeat("x[^1]\n", 20000), "1: this paragraph's 20000 link labels"},
		{"reference links in a quote", strings.Repeat("> [a][b]\n", 12000), "1: this paragraph's 24000 link labels"},
		{"unmatched emphasis runs", "x\n" + strings.Repeat("*_a_**__a", 4000) + "\n", "1: this paragraph's 20000 runs"},
		{"emphasis runs on lines", strings.Repeat("a_b *c\n", 9000), "1: this paragraph's 18000 runs"},
		{"strikethrough runs add up", strings.Repeat(strings.Repeat("~a ", 8000)+"\n\n", 5), "9: this paragraph's 8000 runs"},
		{"tilde fence is not closed by backticks", "~~~\n```\n" + strings.Repeat(">", 40) + "\n~~~\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := &docState{lines: lineStarts([]byte(c.src))}
			prescan([]byte(c.src), 0, Limits{}, st.addf)
			got := ""
			if len(st.problems) > 0 {
				got = fmt.Sprintf("%d: %s", st.problems[0].Line, st.problems[0].Msg)
			}
			if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestLinkOpeningsScratchReused: one scratch reused over lines of every
// length (longer ones first, so stale tables are left behind) counts as a
// fresh one does on each line.
func TestLinkOpeningsScratchReused(t *testing.T) {
	parts := []string{"](", "](<", ">", "(", ")", " ", "\t", "x", "[a", "]"}
	r := rand.New(rand.NewPCG(3, 4))
	var reused linkScratch
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := r.IntN(40 - i%40); n >= 0; n-- {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		line := []byte(b.String())
		var fresh linkScratch
		gu, gr := reused.linkOpenings(line)
		wu, wr := fresh.linkOpenings(line)
		if gu != wu || gr != wr {
			t.Fatalf("linkOpenings(%q) with a reused scratch = %d, %d; fresh = %d, %d", line, gu, gr, wu, wr)
		}
	}
}

// TestLinkOpeningsDirectMatchesTables: the direct reading counts as the
// tables do, on random lines with any number of "](", and linkOpenings
// (which reads directly up to maxDirectLinks) as well.
func TestLinkOpeningsDirectMatchesTables(t *testing.T) {
	parts := []string{"](", "](<", ">", "<", "(", ")", "((", "))", " ", "\t", "x", "abc", "[a", "]", "\\"}
	r := rand.New(rand.NewPCG(5, 6))
	var sc linkScratch
	few := 0
	for range 100000 {
		var b strings.Builder
		for n := r.IntN(30); n >= 0; n-- {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		line := []byte(b.String())
		var at []int
		for i := 0; i+1 < len(line); i++ {
			if line[i] == ']' && line[i+1] == '(' {
				at = append(at, i)
			}
		}
		wu, wr := sc.linkOpeningsTables(line)
		if gu, gr := linkOpeningsDirect(line, at); gu != wu || gr != wr {
			t.Fatalf("linkOpeningsDirect(%q) = %d, %d; the tables give %d, %d", line, gu, gr, wu, wr)
		}
		if gu, gr := sc.linkOpenings(line); gu != wu || gr != wr {
			t.Fatalf("linkOpenings(%q) = %d, %d; the tables give %d, %d", line, gu, gr, wu, wr)
		}
		if len(at) > 0 && len(at) <= maxDirectLinks {
			few++
		}
	}
	if few < 10000 {
		t.Fatalf("only %d lines with 1 to %d links: the test says little", few, maxDirectLinks)
	}
}
