package search

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// segPool holds every ASCII class UAX #29 tells apart (letters, digits,
// the underscore, ":" "." "'" "," ";" '"', spaces, tab, CR, LF, VT, FF,
// others) and non-ASCII characters that join with them or change the
// rules around them: a letter, combining marks and ZWJ (WB4), "’" and "·"
// (MidNumLet, MidLetter), Hebrew letters (WB7a–c with quotes), regional
// indicators (WB15/16), an emoji, no-break and other spaces, katakana.
var segPool = []rune("aqzAZ0479____::..''',,;;\"     \t\r\n\v\f-/#@!é\u0301\u200d\u2019·אב\U0001F1E6\U0001F1E8😀\u00a0\u3000ｶ")

func randSegString(rng *rand.Rand, ascii bool) string {
	var b strings.Builder
	for range rng.IntN(40) {
		r := segPool[rng.IntN(len(segPool))]
		for ascii && r >= 0x80 {
			r = segPool[rng.IntN(len(segPool))]
		}
		b.WriteRune(r)
	}
	if rng.IntN(8) == 0 { // a word over MaxWordRunes
		b.WriteString(strings.Repeat("ab", 16+rng.IntN(2)))
	}
	return b.String()
}

// TestASCIIWordsMatchUniseg: the words appendSegmented gives, through its
// ASCII path and the cuts around non-ASCII stretches, are exactly those of
// uniseg's segmentation of the whole string (unisegWords), on random
// strings, ASCII only and mixed.
func TestASCIIWordsMatchUniseg(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 200000 {
		s := randSegString(rng, i%2 == 0)
		if got, want := appendSegmented(nil, s), unisegWords(nil, s); !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: %q:\n got %v\nwant %v", i, s, got, want)
		}
	}
}

func FuzzASCIIWords(f *testing.F) {
	for _, s := range []string{"", "can't stop", "a:b 1,000 1;2 a_1 _x_ 3.14", "\"a\" א'ב x\u0301:y", "🇦🇨🇦 a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendSegmented(nil, s), unisegWords(nil, s); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %v\nwant %v", s, got, want)
		}
	})
}

// BenchmarkWords: Words over the repository's docs (English Markdown with
// code, the text a sync indexes), bytes/s in MB/s.
func BenchmarkWords(b *testing.B) {
	files, _ := filepath.Glob("../../docs/*.md")
	var texts []string
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(data))
		n += len(data)
	}
	if n == 0 {
		b.Fatal("no docs")
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, s := range texts {
			Words(s)
		}
	}
}

// TestIndexDenseMatchesIndexFunc: indexDense finds what
// strings.IndexFunc(s, dense) finds, on random strings of ASCII, two-,
// three- and four-byte runes on both sides of U+0E00, dense or not, and
// bytes that are not UTF-8.
func TestIndexDenseMatchesIndexFunc(t *testing.T) {
	pool := []string{"a", " ", ".", "é", "ß", "\u0e00", "\u0e01", "ก", "\u0dff", "東", "京", "ー", "\u3099", "ｶ", "ﾞ", "한", "①", "😀", "\U00020000",
		"\xe0", "\xe6\x9d", "\xf0\x9f", "\xff", "\xc3", "\x80", "\xbf"}
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 200000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pool[rng.IntN(len(pool))])
		}
		s := b.String()
		if got, want := indexDense(s), strings.IndexFunc(s, dense); got != want {
			t.Fatalf("case %d: indexDense(%q) = %d, IndexFunc %d", i, s, got, want)
		}
	}
}
