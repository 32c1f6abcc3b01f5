package manifest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/contract"
)

// hostile draws a string that exercises every escaping rule: quotes,
// backslashes, control bytes, HTML characters, U+2028/U+2029, multi-byte
// runes, U+FFFD itself, and (when raw) invalid UTF-8.
func hostile(rng *rand.Rand, raw bool) string {
	parts := []string{`"`, `\`, "\b", "\f", "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "<", ">", "&", "\u2028", "\u2029",
		"é", "日本", "🚀", "\ufffd", "a", "Z", " ", "/", "'", "\u00a0", "\U0010ffff"}
	if raw {
		parts = append(parts, "\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80")
	}
	var b strings.Builder
	for range rng.IntN(12) {
		b.WriteString(parts[rng.IntN(len(parts))])
	}
	return b.String()
}

// TestAppendStrMatchesEncodingJSON: the string appender writes what
// encodeJSON writes for the same string, invalid UTF-8 included.
func TestAppendStrMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	check := func(s string) {
		want, err := encodeJSON(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := append(appendStr(nil, s), '\n'); !bytes.Equal(got, want) {
			t.Fatalf("appendStr(%q) = %s, encoding/json %s", s, got, want)
		}
	}
	for b := range 256 {
		check(string([]byte{byte(b)}))
		check("x" + string([]byte{byte(b)}) + "y")
	}
	for range 20000 {
		check(hostile(rng, true))
	}
	for range 2000 { // random bytes
		b := make([]byte, rng.IntN(16))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		check(string(b))
	}
}

// hostileSite is randomSite with every free-text field drawn by hostile
// and the optional fields set at random, so each omitempty rule and each
// escape shows up in shards, tag chunks and sitemaps; "docs" is undated
// (weights, no dates).
func hostileSite(rng *rand.Rand, n int) map[string][]Record {
	recs := randomSite(rng, n, 6)
	for c := range recs {
		for i := range recs[c] {
			r := &recs[c][i]
			r.URL, r.Hash, r.Input = "", hex32(fmt.Sprint("h", c, i)), hex32(fmt.Sprint("i", c, i))
			r.Title = "T" + hostile(rng, false)
			if rng.IntN(2) == 0 {
				r.Author = hostile(rng, false)
			}
			if rng.IntN(2) == 0 {
				r.Description = hostile(rng, false)
			}
			if rng.IntN(3) == 0 {
				r.Template, r.Source = hostile(rng, false), hostile(rng, false)
			}
			for j := range r.Tags {
				if rng.IntN(3) == 0 {
					r.Tags[j].Name += hostile(rng, false)
				}
			}
			for range rng.IntN(4) {
				r.Features = append(r.Features, fmt.Sprintf("f%d:n%s", rng.IntN(3), strings.ReplaceAll(hostile(rng, false), ":", "")))
			}
			r.Words = rng.IntN(5000)
			if rng.IntN(3) == 0 {
				r.Slug = "sec-" + fmt.Sprint(rng.IntN(3)) + "/" + r.Slug
			}
			if c == "docs" { // undated (sortBy: weight)
				r.Date, r.Weight = "", rng.IntN(7)-3
			}
		}
	}
	return recs
}

// TestBuildMatchesEncodingJSON: every object Build writes by hand is the
// encodeJSON encoding of what it decodes to, on random hostile sites at
// several page sizes (a different byte anywhere would fail).
func TestBuildMatchesEncodingJSON(t *testing.T) {
	cols := []Collection{{Name: "blog", Route: "/blog", Title: "B"}, {Name: "docs", Route: "/docs", Title: "D", SortBy: contract.SortWeight}, {Name: "notes", Route: "/", Title: "N"}}
	kinds := 0
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 11))
		recs := hostileSite(rng, 1+rng.IntN(150))
		out, err := Build(site, cols, recs, 1+rng.IntN(6))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for k, b := range out {
			v, err := decodeAny(k, b)
			if err != nil {
				t.Fatalf("seed %d %s: %v\n%s", seed, k, err, b)
			}
			want, err := encodeJSON(v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, want) {
				t.Fatalf("seed %d %s:\n got %s\nwant %s", seed, k, b, want)
			}
			kinds++
		}
	}
	if kinds < 1000 {
		t.Errorf("only %d objects compared", kinds)
	}
}
