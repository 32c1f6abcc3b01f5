package render

import (
	"errors"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// nasty are inputs that have made chroma lexers loop, backtrack or panic:
// lone quotes, nested comment openers, unclosed brackets, strings and
// comments, long runs of one token, and random printable text.
func nasty() map[string]string {
	rnd := rand.New(rand.NewSource(1))
	random := make([]byte, 1024)
	const printable = " \t\n!\"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~"
	for i := range random {
		random[i] = printable[rnd.Intn(len(printable))]
	}
	return map[string]string{
		"lone-double-quote": "\"\n",
		"lone-single-quote": "'\n",
		"comment-openers":   "/*/*/*\n",
		"unclosed":          "\"abc\n/* x\n<!-- y\n'''\n(* z\n{- w\n#| v\n",
		"brackets":          strings.Repeat("([{<", 200) + "\n",
		"long-word":         strings.Repeat("a", 2000) + "\n",
		"long-punct":        strings.Repeat("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", 30) + "\n",
		"backslashes":       strings.Repeat("\\", 500) + "\n",
		"random":            string(random),
		"empty":             "",
	}
}

// knownBad are the lexers the issue found looping or panicking.
var knownBad = []string{"jsonata", "jungle", "lilypond", "yang"}

// sweep runs lexer name over every nasty input with a budget, and fails if
// one does not return or a panic escapes highlight.
func sweep(t *testing.T, name string) {
	t.Helper()
	lexer := guardedLexer(name)
	if lexer == nil {
		t.Fatalf("no lexer %q", name)
	}
	type result struct {
		input string
		err   error
	}
	inputs := nasty()
	done := make(chan result, len(inputs))
	for input, code := range inputs { // at once: most of the time is waiting for timeouts
		go func() {
			done <- result{input, highlight(io.Discard, lexer, code, time.Now().Add(200*time.Millisecond))}
		}()
	}
	timeout := time.After(time.Minute) // the budget is 0.2 s; a minute is "never"
	for range inputs {
		select {
		case r := <-done:
			if err := r.err; err != nil && !errors.Is(err, errLexLoop) && !errors.Is(err, errLexSlow) && !errors.Is(err, errBudget) && !errors.Is(err, errLexPanic) {
				t.Errorf("%s on %s: unexpected error %v", name, r.input, err)
			}
		case <-timeout:
			t.Fatalf("%s: highlight did not return on every input", name)
		}
	}
}

// TestKnownBadLexersEnd: the lexers that looped (jsonata, jungle) or
// panicked (yang) end on the inputs, with the reason.
func TestKnownBadLexersEnd(t *testing.T) {
	for _, c := range []struct{ lang, code, want string }{
		{"jsonata", "\"\n", errLexLoop.Error()},
		{"jungle", "\"\n", errLexLoop.Error()},
		{"yang", "/*/*/*\n", "the lexer panicked (unknown state comment)"},
	} {
		err := highlight(io.Discard, guardedLexer(c.lang), c.code, time.Now().Add(time.Hour))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: err = %v, want %q", c.lang, err, c.want)
		}
	}
	for _, name := range knownBad {
		sweep(t, name)
	}
}

// TestEveryLexerEnds runs chroma's lexers over the nasty inputs: every one
// in make soak (AXCTL_SOAK=1, about a minute on two cores), every tenth by
// name otherwise. It proves the guard reaches every lexer: none loops, none
// panics out of highlight.
func TestEveryLexerEnds(t *testing.T) {
	var names []string
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		names = append(names, l.Config().Name)
	}
	sort.Strings(names)
	if os.Getenv("AXCTL_SOAK") == "" {
		var sample []string
		for i := 0; i < len(names); i += 10 {
			sample = append(sample, names[i])
		}
		names = sample
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sweep(t, name)
		})
	}
}

// TestGuardKeepsGoodInput: on chroma's own test files for its lexers, the
// guard never mistakes a lexer for a looping one (maxStill is enough).
func TestGuardKeepsGoodInput(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/alecthomas/chroma/v2").Output()
	if err != nil {
		t.Skipf("cannot find chroma's module: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "lexers", "testdata", "*.actual"))
	if len(files) == 0 {
		t.Skip("no chroma lexer test data in the module cache")
	}
	n := 0
	for _, f := range files {
		lexer := guardedLexer(strings.TrimSuffix(filepath.Base(f), ".actual"))
		if lexer == nil {
			continue
		}
		code, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n++
		if err := highlight(io.Discard, lexer, string(code), time.Now().Add(time.Hour)); errors.Is(err, errLexLoop) || err != nil && !errors.Is(err, errLexSlow) {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
	if n < 100 {
		t.Errorf("only %d of chroma's test files have a lexer", n)
	}
}

// TestRulesTimeOutAtTheGuardsLimit: every rule of a lexer axctl uses (and of
// the lexers it reaches) times its regexp2 matches at matchTimeout, not
// chroma's 250 ms, which a late tick of regexp2's clock reached on a loaded
// machine: the match counted as no match, and the block's bytes changed.
func TestRulesTimeOutAtTheGuardsLimit(t *testing.T) {
	for _, lang := range []string{"go", "python", "html", "php", "bash"} {
		l := guardedLexer(lang)
		if l == nil {
			t.Fatalf("no lexer for %s", lang)
		}
		checked := 0
		var check func(v reflect.Value)
		check = func(v reflect.Value) {
			for v.Kind() == reflect.Interface && !v.IsNil() {
				v = v.Elem()
			}
			if v.Kind() != reflect.Pointer || v.IsNil() {
				return
			}
			if v.Type() != regexLexerType {
				e := v.Elem()
				for i := 0; i < e.NumField(); i++ {
					if f := e.Field(i); f.Type().Implements(lexerType) || f.Type() == lexerType {
						check(f)
					}
				}
				return
			}
			rules := v.Elem().FieldByName("rules").MapRange()
			for rules.Next() {
				list := rules.Value()
				for i := 0; i < list.Len(); i++ {
					cr := (*chroma.CompiledRule)(list.Index(i).UnsafePointer())
					if cr.Regexp == nil {
						continue
					}
					checked++
					if cr.Regexp.MatchTimeout != matchTimeout {
						t.Fatalf("%s: rule %q times out at %v, want %v", lang, cr.Pattern, cr.Regexp.MatchTimeout, matchTimeout)
					}
				}
			}
		}
		check(reflect.ValueOf(l))
		if checked == 0 {
			t.Fatalf("%s: no compiled rule found", lang)
		}
	}
}
