package render

import (
	"errors"
	"reflect"
	"sync"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// Chroma's lexers are regexp2 state machines. Each regexp match is bounded
// (chroma sets a 250 ms MatchTimeout) but the machine around them is not:
// a rule that matches the empty string without changing state loops
// forever (jsonata on a lone `"`, jungle), slow rules add up (lilypond),
// and an unknown state panics (yang on `/*/*/*`). Chroma has no option to
// bound a tokenization, so every compiled rule of a lexer gets a guard
// mutator before axctl first uses it. Chroma calls a rule's mutator after
// every match; the guard aborts the tokenization (chroma panics with the
// error the mutator returns; highlight recovers) when:
//
//   - the lexer matched maxStill times without advancing: a position can only
//     grow, so every endless loop ends up standing still, and this catches
//     each one after the same number of steps on any machine;
//   - the tokenization has run longer than lexTimeLimit.
//
// Between tokens, highlight also checks the entry's own deadline.

var (
	errLexLoop = errors.New("the lexer stopped advancing (an endless loop in its rules)")
	errLexSlow = errors.New("the lexer ran out of time")
)

// maxStill is how many matches in a row may leave the position unchanged.
// Legitimate lexers push or pop a few states at one position; chroma's own
// lexer test data passes with it (TestGuardKeepsGoodInput).
const maxStill = 256

// lexTimeLimit bounds one tokenization, nested ones included, whatever the
// entry's budget: delegating lexers (ERB, PHTML, Svelte...) tokenize their
// whole input before returning a first token, out of highlight's sight.
var lexTimeLimit = DefaultRenderTime

// matchTimeout replaces chroma's 250 ms regexp2 MatchTimeout on every rule.
// regexp2 times a match by a clock that a goroutine advances every 100 ms;
// on a loaded machine that tick comes late, then jumps, and a match that
// took microseconds times out. Chroma takes a timed-out match for no match,
// without a word, so a block's tokens — and the page's bytes, its hash and
// its search text — depended on the machine's load (seen at load 12-20 on
// the benchmark corpus). At lexTimeLimit a timeout means the tokenization
// has run about that long, which highlight treats as running out of time:
// the block is plain, with a warning, and rendered again next sync. A
// catastrophic pattern still stops, after this long.
var matchTimeout = lexTimeLimit

// timeoutSlack is how much sooner than matchTimeout a match may time out by
// regexp2's coarse clock (its deadline is read from a value up to a tick
// old, plus one tick).
const timeoutSlack = 250 * time.Millisecond

type guardKey struct{}

type guardState struct {
	start time.Time
	pos   int
	still int
}

// guard is the mutator wrapped around every rule's own (next may be nil).
type guard struct{ next chroma.Mutator }

func (g guard) Mutate(l *chroma.LexerState) error {
	st, _ := l.MutatorContext[guardKey{}].(*guardState)
	if st == nil {
		st = &guardState{start: time.Now(), pos: -1}
		l.MutatorContext[guardKey{}] = st
	}
	if l.Pos != st.pos {
		st.pos, st.still = l.Pos, 0
	} else if st.still++; st.still > maxStill {
		return errLexLoop
	}
	if time.Since(st.start) > lexTimeLimit {
		return errLexSlow
	}
	if g.next != nil {
		return g.next.Mutate(l)
	}
	return nil
}

var (
	guardMu  sync.Mutex
	guarded  = map[uintptr]bool{}
	guardAll bool
	// alsoGuard names the lexers a lexer reaches through its function
	// emitters, where guardLexer cannot look: Go's raw strings are Go
	// templates (chroma.UsingLexer). A lexer with function emitters that is
	// not listed here makes guardLexer guard every lexer.
	alsoGuard = map[string][]string{"Go": {"Go Text Template"}}
)

// guardedLexer returns the lexer for lang with it, and every lexer it can
// reach, guarded; nil when chroma has none.
func guardedLexer(lang string) chroma.Lexer {
	l := lexers.Get(lang)
	if l == nil {
		return nil
	}
	guardMu.Lock()
	defer guardMu.Unlock()
	if !guardAll {
		guardLexer(reflect.ValueOf(l))
	}
	if !warmed[l] {
		warm(l)
		warmed[l] = true
	}
	return l
}

// warmed holds the lexers whose rules chroma has compiled (guardMu).
var warmed = map[chroma.Lexer]bool{}

// warm makes chroma compile l's rules now, on an empty input, so that the
// first entry using a lexer does not pay for it out of its render budget.
func warm(l chroma.Lexer) {
	defer func() { _ = recover() }() // a lexer that fails here fails again, with its reason, in highlight
	if it, err := l.Tokenise(nil, ""); err == nil {
		for t := it(); t != chroma.EOF; t = it() {
		}
	}
}

var (
	regexLexerType = reflect.TypeOf((*chroma.RegexLexer)(nil))
	lexerType      = reflect.TypeOf((*chroma.Lexer)(nil)).Elem()
)

// guardLexer guards the lexer v holds, the lexers in its fields (delegating
// and remapping lexers), and those its rules name. A lexer that may choose
// its sublexer from the text (UsingByGroup: Markdown's fenced code; a
// function emitter: Raku's pod, HTTP bodies) can reach any: then every
// registered lexer is guarded, once (about a second).
// Called with guardMu held; a lexer is modified only before its first use,
// as every use goes through guardedLexer first.
func guardLexer(v reflect.Value) {
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Pointer || v.IsNil() || guarded[v.Pointer()] {
		return
	}
	guarded[v.Pointer()] = true
	if v.Type() != regexLexerType {
		e := v.Elem()
		if !wrappers[e.Type().Name()] {
			guardEvery() // it may pick a lexer at run time (http, markdown)
			return
		}
		for i := 0; i < e.NumField(); i++ {
			if f := e.Field(i); f.Type().Implements(lexerType) || f.Type() == lexerType {
				guardLexer(f)
			}
		}
		return
	}
	rl := (*chroma.RegexLexer)(v.UnsafePointer()) // compiles the rules
	if _, err := rl.Rules(); err != nil {
		return // Tokenise fails the same way: the block stays plain
	}
	var reach []string
	any, opaque := false, false
	rules := v.Elem().FieldByName("rules").MapRange()
	for rules.Next() {
		list := rules.Value()
		for i := 0; i < list.Len(); i++ {
			cr := (*chroma.CompiledRule)(list.Index(i).UnsafePointer())
			cr.Mutator = guard{cr.Mutator}
			if cr.Regexp != nil {
				cr.Regexp.MatchTimeout = matchTimeout
			}
			if cr.Type != nil {
				names, a, o := sublexers(reflect.ValueOf(cr.Type), 0)
				reach, any, opaque = append(reach, names...), any || a, opaque || o
			}
		}
	}
	also, known := alsoGuard[rl.Config().Name]
	if any || opaque && !known {
		guardEvery()
		return
	}
	for _, name := range append(reach, also...) {
		if sub := lexers.Get(name); sub != nil {
			guardLexer(reflect.ValueOf(sub))
		}
	}
}

// wrappers are the lexer types that only combine the lexers in their
// fields; any other type than chroma.RegexLexer may pick one at run time.
var wrappers = map[string]bool{"delegatingLexer": true, "remappingLexer": true, "coalescer": true}

// guardEvery guards every registered lexer, once (about a second).
func guardEvery() {
	if guardAll {
		return
	}
	guardAll = true
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		guardLexer(reflect.ValueOf(l))
	}
}

// sublexers lists the lexer names an emitter delegates to (chroma.Using),
// and reports whether it picks one from the text (chroma.UsingByGroup) and
// whether it holds a function, whose reach reflection cannot see
// (chroma.UsingLexer, chroma.ByGroupNames, a lexer's own EmitterFunc).
func sublexers(v reflect.Value, depth int) (names []string, any, opaque bool) {
	if depth > 8 {
		return nil, false, true
	}
	for (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) && !v.IsNil() {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Func:
		return nil, false, !v.IsNil()
	case reflect.Struct:
		switch v.Type().Name() {
		case "usingByGroup":
			return nil, true, false
		case "usingEmitter":
			return []string{v.FieldByName("Lexer").String()}, false, false
		}
		for i := 0; i < v.NumField(); i++ {
			n, a, o := sublexers(v.Field(i), depth+1)
			names, any, opaque = append(names, n...), any || a, opaque || o
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			n, a, o := sublexers(v.Index(i), depth+1)
			names, any, opaque = append(names, n...), any || a, opaque || o
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			n, a, o := sublexers(it.Value(), depth+1)
			names, any, opaque = append(names, n...), any || a, opaque || o
		}
	}
	return names, any, opaque
}
