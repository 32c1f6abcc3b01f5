// Package search builds the full-text index `axctl sync` writes next to the
// manifests and the Worker answers /search from (docs/search.md): words are
// cut by Unicode word segmentation (rivo/uniseg, UAX #29) and folded with
// golang.org/x/text (compatibility decomposition, marks removed, case
// folded). worker/src/search.js normalizes queries with the same steps;
// testdata/search/terms.json, written by this package's tests, holds the
// inputs and terms both sides must agree on.
package search

import (
	"iter"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// MaxWordRunes is the longest word indexed or searched; longer runs of
// letters (hashes, base64) are dropped.
const MaxWordRunes = 32

// marks removes nonspacing marks (diacritics), except the kana voicing
// marks, which NFC composes back into the kana they belong to.
var marks = runes.Remove(runes.Predicate(func(r rune) bool {
	return unicode.Is(unicode.Mn, r) && r != 0x3099 && r != 0x309A
}))

// Fold maps s to its search form: NFKD, marks removed, case folded, NFKD
// again (folding can produce decomposable runes), marks removed, NFC.
// "Café" and "CAFE" both fold to "cafe"; "ｶﾞ" to "ガ".
//
// An ASCII character followed by another (or by nothing) is only
// lower-cased: what the chain does to it, since no ASCII character
// decomposes, is a mark, or composes with the ASCII character after it or
// as the second of any pair. One followed by a non-ASCII rune goes
// through the chain with it ("<" and U+0338 compose to "≮" in NFC, though
// the chain removes the mark first), and so does the rest, in runs that
// end before an ASCII character followed by another. Most punctuation of
// a text is such a character and skips the chain. TestFoldFastPath checks
// this against the chain on whole strings.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	fold(&b, s, false)
	return b.String()
}

// fold writes Fold(s) to b; with dots, every full stop of the result as a
// space (as strings.ReplaceAll of it would: a full stop is one byte, never
// part of another rune's).
func fold(b *strings.Builder, s string, dots bool) {
	plain := func(i int) bool { // s[i] may skip the chain
		return s[i] < utf8.RuneSelf && (i+1 == len(s) || s[i+1] < utf8.RuneSelf)
	}
	for len(s) > 0 {
		i := 0
		for i < len(s) && plain(i) {
			i++
		}
		// Write the stretch as runs that stay as they are, each byte that
		// changes (an upper-case letter, a full stop with dots) between.
		for run := s[:i]; len(run) > 0; {
			k := 0
			for k < len(run) && !('A' <= run[k] && run[k] <= 'Z' || dots && run[k] == '.') {
				k++
			}
			b.WriteString(run[:k])
			if k == len(run) {
				break
			}
			if c := run[k]; c == '.' {
				b.WriteByte(' ')
			} else {
				b.WriteByte(c + 'a' - 'A')
			}
			run = run[k+1:]
		}
		s = s[i:]
		if len(s) == 0 {
			return
		}
		j := 1
		for j < len(s) && !plain(j) {
			j++
		}
		out := foldChain(s[:j])
		if dots {
			out = strings.ReplaceAll(out, ".", " ")
		}
		b.WriteString(out)
		s = s[j:]
	}
}

// newFoldChain is Fold's transformation.
func newFoldChain() transform.Transformer {
	return transform.Chain(norm.NFKD, marks, cases.Fold(), norm.NFKD, marks, norm.NFC)
}

// foldChains reuses chains: each new one allocates five 4 KiB buffers,
// and a cold sync folds every non-ASCII run of every entry, so fresh
// chains were a third of its live heap at the peak (garbage made faster
// than it was collected). transform.String resets the chain it is given.
var foldChains = sync.Pool{New: func() any { return newFoldChain() }}

// foldChain is Fold's transformation, for any string.
func foldChain(s string) string {
	t := foldChains.Get().(transform.Transformer)
	out, _, err := transform.String(t, s)
	foldChains.Put(t)
	if err != nil {
		return ""
	}
	return out
}

// dense reports whether r belongs to a script written without spaces
// between words: such runs are indexed as overlapping bigrams instead of
// segmented words, so "東京" finds "東京都" whatever a dictionary says.
func dense(r rune) bool {
	if r < 0x0E00 { // Thai, the first of these scripts
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar) ||
		r == 0x30FC || r == 0x3099 || r == 0x309A
}

// Word is one word of folded text: a segmented word, or a whole run of a
// dense script.
type Word struct {
	Text  string
	Dense bool
}

// Words folds s and cuts it into words. A segmented word keeps only its
// letters, marks and digits ("can't" → "cant", "foo_bar" → "foobar"; a full
// stop separates: "node.js" → "node", "js") and is
// dropped if it has no letter or digit or is longer than MaxWordRunes.
func Words(s string) []Word {
	ws := words(s)
	for i := range ws {
		ws[i].Text = strings.Clone(ws[i].Text)
	}
	return ws
}

// words is Words whose words may share their bytes with one folded copy
// of s (a word kept past its caller, as a map key, must be cloned: it
// would hold the whole text).
func words(s string) []Word {
	// A full stop always separates: ICU builds disagree on "e.g." (workerd's
	// cuts it, UAX #29 and Node's do not), and the Worker must agree with Go.
	var fb strings.Builder
	fb.Grow(len(s))
	fold(&fb, s, true)
	s = fb.String()
	out := make([]Word, 0, len(s)/5+1) // English averages over 5 bytes a word and its space (about 6 in the bench corpus): one allocation, no growing
	for len(s) > 0 {
		i := indexDense(s)
		if i < 0 {
			i = len(s)
		}
		out = appendSegmented(out, s[:i])
		s = s[i:]
		j := strings.IndexFunc(s, func(r rune) bool { return !dense(r) })
		if j < 0 {
			j = len(s)
		}
		if j > 0 {
			out = append(out, Word{Text: s[:j], Dense: true})
		}
		s = s[j:]
	}
	return out
}

// indexDense is strings.IndexFunc(s, dense) without decoding most of s:
// every rune dense accepts is U+0E00 or above, so its UTF-8 lead byte is
// 0xE0 or more, and no byte below that (ASCII, a two-byte rune, any
// continuation byte) starts one. Where IndexFunc starts a rune at such a
// byte, so does this, and it reads the same rune there
// (TestIndexDenseMatchesIndexFunc).
func indexDense(s string) int {
	for i := 0; i < len(s); {
		if s[i] < 0xE0 {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if dense(r) {
			return i
		}
		i += n
	}
	return -1
}

// appendSegmented appends the words of s (folded, no dense run) that UAX
// #29 word segmentation gives: ASCII stretches by asciiWords, the rest by
// uniseg. A stretch is cut where a break is certain whatever surrounds it
// (after a space, before an ASCII letter or digit: no rule joins a space
// to a letter, and none looks further than the character on each side),
// so each part segments as it does inside the whole.
func appendSegmented(out []Word, s string) []Word {
	for len(s) > 0 {
		q := 0 // the first non-ASCII byte
		for q < len(s) && s[q] < utf8.RuneSelf {
			q++
		}
		if q == len(s) {
			return asciiWords(out, s)
		}
		c := q // the last certain break at or before it
		for c > 0 && !(s[c-1] == ' ' && c < q && asciiAlnum(s[c])) {
			c--
		}
		out = asciiWords(out, s[:c])
		e := q + 1 // the first certain break after it
		for e < len(s) && !(s[e-1] == ' ' && asciiAlnum(s[e])) {
			e++
		}
		out = unisegWords(out, s[c:e])
		s = s[e:]
	}
	return out
}

func unisegWords(out []Word, s string) []Word {
	state := -1
	var seg string
	for len(s) > 0 {
		seg, s, state = uniseg.FirstWordInString(s, state)
		if w := keepWordRunes(seg); w != "" {
			out = append(out, Word{Text: w})
		}
	}
	return out
}

func asciiAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// asciiWords is unisegWords for ASCII s: the rules of UAX #29 that join
// ASCII characters into one word are WB5 and WB8–10 (letters and digits),
// WB13a/b (the underscore, ExtendNumLet, beside letters, digits and
// itself), WB6/7 (a letter, one of ":" "." "'" and a letter) and WB11/12
// (a digit, one of "," ";" "." "'" and a digit); every other pair breaks,
// and the characters a word keeps are its letters and digits.
// TestASCIIWordsMatchUniseg checks it against uniseg on random strings.
func asciiWords(out []Word, s string) []Word {
	class := func(i int) byte {
		if i < 0 || i >= len(s) {
			return 0
		}
		return asciiClass[s[i]]
	}
	joined := func(i int) bool { // no break between s[i-1] and s[i]
		a, b := class(i-1), class(i)
		switch {
		case (a == 'L' || a == 'N') && (b == 'L' || b == 'N'),
			(a == 'L' || a == 'N' || a == 'E') && b == 'E',
			a == 'E' && (b == 'L' || b == 'N'):
			return true
		case a == 'L' && (b == 'B' || b == 'M'): // WB6
			return class(i+1) == 'L'
		case (a == 'B' || a == 'M') && b == 'L': // WB7
			return class(i-2) == 'L'
		case a == 'N' && (b == 'B' || b == 'U'): // WB12
			return class(i+1) == 'N'
		case (a == 'B' || a == 'U') && b == 'N': // WB11
			return class(i-2) == 'N'
		}
		return false
	}
	for i := 0; i < len(s); {
		j := i + 1
		for j < len(s) && joined(j) {
			j++
		}
		out = appendASCIIWord(out, s[i:j])
		i = j
	}
	return out
}

// asciiClass is the class asciiWords gives each byte: 'L' a letter, 'N' a
// digit, 'E' the underscore (ExtendNumLet), 'B' "." and "'" (MidNumLet,
// Single_Quote: between letters or digits), 'M' ":" (MidLetter), 'U' ","
// and ";" (MidNum), 0 anything else.
var asciiClass = func() (t [256]byte) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = 'L', 'L'
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 'N'
	}
	t['_'] = 'E'
	t['.'], t['\''] = 'B', 'B'
	t[':'] = 'M'
	t[','], t[';'] = 'U', 'U'
	return t
}()

// appendASCIIWord is keepWordRunes for an ASCII segment.
func appendASCIIWord(out []Word, seg string) []Word {
	n, all := 0, true
	for i := 0; i < len(seg); i++ {
		if asciiAlnum(seg[i]) {
			n++
		} else {
			all = false
		}
	}
	if n == 0 || n > MaxWordRunes {
		return out
	}
	if all {
		return append(out, Word{Text: seg})
	}
	b := make([]byte, 0, n)
	for i := 0; i < len(seg); i++ {
		if asciiAlnum(seg[i]) {
			b = append(b, seg[i])
		}
	}
	return append(out, Word{Text: string(b)})
}

func keepWordRunes(seg string) string {
	var b strings.Builder
	alnum := false
	for _, r := range seg {
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			alnum = true
			b.WriteRune(r)
		case unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	if !alnum || utf8.RuneCountInString(b.String()) > MaxWordRunes {
		return ""
	}
	return b.String()
}

// Terms are the index terms of words: a segmented word is one term; a
// dense run is its overlapping bigrams ("東京都" → "東京", "京都"), or itself
// when it is one rune.
func Terms(words []Word) []string {
	return slices.AppendSeq(make([]string, 0, len(words)), termSeq(words))
}

// termSeq yields the terms of words in Terms' order, without a slice.
func termSeq(words []Word) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, w := range words {
			if !w.Dense {
				if !yield(w.Text) {
					return
				}
				continue
			}
			rs := []rune(w.Text)
			if len(rs) == 1 && !yield(w.Text) {
				return
			}
			for i := 0; i+1 < len(rs); i++ {
				if !yield(string(rs[i : i+2])) {
					return
				}
			}
		}
	}
}

// QueryTerms are the terms a query word is looked up by: a segmented word
// itself; a dense run the bigrams that cover it without overlap (the last
// one overlapping when the run is odd), since every text that contains the
// run contains each of them.
func QueryTerms(w Word) []string {
	if !w.Dense {
		return []string{w.Text}
	}
	rs := []rune(w.Text)
	if len(rs) <= 2 {
		return []string{w.Text}
	}
	var out []string
	for i := 0; i < len(rs); i += 2 {
		if i+2 > len(rs) {
			i = len(rs) - 2
		}
		out = append(out, string(rs[i:i+2]))
	}
	return out
}
