package search

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sync/errgroup"
	"golang.org/x/text/transform"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
)

var update = flag.Bool("update", false, "rewrite testdata/search/terms.json")

func TestWords(t *testing.T) {
	cases := []struct {
		in    string
		words []string
		terms []string
	}{
		{"Café CAFE cafe", []string{"cafe", "cafe", "cafe"}, nil},
		{"can't node.js 3.14 foo_bar 1,000", []string{"cant", "node", "js", "3", "14", "foobar", "1000"}, nil},
		{"Straße ΟΔΟΣ", []string{"strasse", "οδοσ"}, nil},
		{"ＦＵＬＬ width", []string{"full", "width"}, nil},
		{"東京タワー", []string{"東京タワー"}, []string{"東京", "京タ", "タワ", "ワー"}},
		{"ｶﾞｲﾄﾞ in 東", []string{"ガイド", "in", "東"}, []string{"ガイ", "イド", "in", "東"}},
		{"<script>alert(1)</script>", []string{"script", "alert", "1", "script"}, nil},
		{"a\x00b\x1fc 🚀 —", []string{"a", "b", "c"}, nil},
		{strings.Repeat("x", MaxWordRunes+1) + " ok", []string{"ok"}, nil},
		{"naïve façade", []string{"naive", "facade"}, nil},
	}
	for _, c := range cases {
		ws := Words(c.in)
		var got []string
		for _, w := range ws {
			got = append(got, w.Text)
		}
		if !slices.Equal(got, c.words) {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.words)
		}
		want := c.terms
		if want == nil {
			want = c.words
		}
		if terms := Terms(ws); !slices.Equal(terms, want) {
			t.Errorf("Terms(%q) = %q, want %q", c.in, terms, want)
		}
	}
	for in, want := range map[string][]string{"東京タワー": {"東京", "タワ", "ワー"}, "東京都": {"東京", "京都"}, "東": {"東"}, "東京": {"東京"}} {
		if got := QueryTerms(Word{Text: in, Dense: true}); !slices.Equal(got, want) {
			t.Errorf("QueryTerms(%q) = %q, want %q", in, got, want)
		}
	}
}

// parityInputs are the strings worker/test/search.test.mjs folds and cuts
// with the Worker's code: sentences in many scripts, hostile text, and
// every fifth printable code point of planes 0 and 1, 64 to a string.
func parityInputs() []string {
	in := []string{
		"Hello, World! It's 3.14 — naïve café façade; ÉCOLE Straße ẞ",
		"東京タワーは東京都にあります。日本語のテキスト",
		"ｶﾞｲﾄﾞ ﾃｽﾄ ＡＢＣ １２３ ﬁle ﬀ ℌ ①",
		"Ελληνικά ΟΔΟΣ ὀδός ᾳ Σίσυφος", "Русский текст Ёлка ᲀ", "한국어 텍스트 입니다",
		"ภาษาไทย ສະບາຍດີ ភាសាខ្មែរ မြန်မာ", "हिन्दी पाठ", "العربية والفارسية", "עברית",
		"ᏣᎳᎩ ꮳꮃꭹ", "emoji 🚀👩‍💻 flags 🇫🇷", "<script>alert('x')</script>&amp;",
		"a\x00b\x01c\x7f\u200bd\u00ade", "e.g. U.S.A. don't rock'n'roll 1,000.5 v1.2.3 foo_bar foo-bar",
		"İstanbul ıi DŽ ǅ ǆ ŉ ǰ", strings.Repeat("long", 9) + " " + strings.Repeat("東", 40),
	}
	var b strings.Builder
	n := 0
	for r := rune(0x20); r < 0x20000; r += 5 {
		if r >= 0xD800 && r < 0xE000 || !isPrint(r) {
			continue
		}
		b.WriteRune(r)
		b.WriteByte(' ')
		if n++; n%64 == 0 {
			in = append(in, b.String())
			b.Reset()
		}
	}
	return append(in, b.String())
}

// TestParityTable writes (with -update) or checks testdata/search/terms.json:
// inputs, their words and their terms as this package computes them. The
// Worker's test (worker/test/search.test.mjs) checks its own code against
// the same file, so the two sides agree on every input in it.
func TestParityTable(t *testing.T) {
	type row struct {
		In    string   `json:"in"`
		Words []string `json:"words"`
		Dense []bool   `json:"dense"`
		Terms []string `json:"terms"`
	}
	var rows []row
	for _, in := range parityInputs() {
		ws := Words(in)
		r := row{In: in, Words: []string{}, Dense: []bool{}, Terms: Terms(ws)}
		for _, w := range ws {
			r.Words = append(r.Words, w.Text)
			r.Dense = append(r.Dense, w.Dense)
		}
		if r.Terms == nil {
			r.Terms = []string{}
		}
		rows = append(rows, r)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join("..", "..", "testdata", "search", "terms.jsonl")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, buf.Bytes()) {
		t.Fatalf("%s is stale: run go test ./internal/search -run TestParityTable -update", path)
	}
}

// corpus makes n docs over a Zipf-distributed vocabulary.
func corpus(seed uint64, n int) []Doc {
	rng := rand.New(rand.NewPCG(seed, 1))
	zipf := rand.NewZipf(rng, 1.1, 1, 20000)
	word := func() string { return fmt.Sprintf("w%dx", zipf.Uint64()) }
	docs := make([]Doc, n)
	for i := range docs {
		var body []string
		for range 50 + rng.IntN(300) {
			body = append(body, word())
		}
		r := manifest.Record{
			Slug: fmt.Sprintf("e%05d", i), Title: word() + " " + word(),
			Date: fmt.Sprintf("20%02d-%02d-01T00:00:00Z", 10+rng.IntN(16), 1+rng.IntN(12)),
			Tags: []manifest.Tag{{Name: word(), Slug: "t"}},
		}
		docs[i] = NewDoc([]string{"blog", "docs"}[i%2], r, []byte("<p>"+strings.Join(body, " ")+"</p>"))
	}
	return docs
}

type shard struct {
	Version int         `json:"version"`
	Docs    [][5]string `json:"docs"`
	Keys    []struct {
		Key      string
		DF       int
		Postings []int
	} `json:"keys"`
}

func (k *shard) UnmarshalJSON(b []byte) error {
	var raw struct {
		Version int
		Docs    [][5]string
		Keys    [][3]json.RawMessage
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	k.Version, k.Docs = raw.Version, raw.Docs
	for _, e := range raw.Keys {
		var s struct {
			Key      string
			DF       int
			Postings []int
		}
		if err := json.Unmarshal(e[0], &s.Key); err != nil {
			return err
		}
		if err := json.Unmarshal(e[1], &s.DF); err != nil {
			return err
		}
		if err := json.Unmarshal(e[2], &s.Postings); err != nil {
			return err
		}
		k.Keys = append(k.Keys, s)
	}
	return nil
}

// TestBuildOracle checks a built index against brute force: every shard
// within the bound and in its bucket, every key's df and postings exactly
// the best TopK of all docs by weight, the bytes independent of doc order.
func TestBuildOracle(t *testing.T) {
	docs := corpus(7, 1000)
	objs, err := Build(docs)
	if err != nil {
		t.Fatal(err)
	}
	var root Root
	if err := json.Unmarshal(objs[RootKey], &root); err != nil || root.Docs != len(docs) || root.Buckets < 2 {
		t.Fatalf("root %s: %+v %v", objs[RootKey], root, err)
	}
	want := map[string][]posting{}
	sorted := slices.Clone(docs)
	slices.SortFunc(sorted, func(a, b Doc) int {
		return cmp.Or(strings.Compare(b.Date, a.Date), strings.Compare(a.Collection, b.Collection), strings.Compare(a.Slug, b.Slug))
	})
	for i, d := range sorted {
		for k, w := range keysOf(d) {
			want[k] = append(want[k], posting{doc: int32(i), weight: int32(w)})
		}
	}
	seen := 0
	total := 0
	for key, body := range objs {
		if key == RootKey {
			continue
		}
		total += len(body)
		if len(body) > contract.SearchShardMaxBytes {
			t.Errorf("%s: %d bytes", key, len(body))
		}
		var sh shard
		if err := json.Unmarshal(body, &sh); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		for _, k := range sh.Keys {
			seen++
			if ShardKey(root.Buckets, Bucket(k.Key, root.Buckets)) != key {
				t.Fatalf("key %q in %s, not its bucket", k.Key, key)
			}
			all := want[k.Key]
			if k.DF != len(all) {
				t.Errorf("%q: df %d, want %d", k.Key, k.DF, len(all))
			}
			slices.SortFunc(all, func(a, b posting) int {
				if better(a, b) {
					return -1
				}
				return 1
			})
			n := len(k.Postings) / 2
			if n != min(TopK, len(all)) {
				t.Fatalf("%q: %d postings, want %d", k.Key, n, min(TopK, len(all)))
			}
			for j := range n {
				d := sh.Docs[k.Postings[2*j]]
				w := k.Postings[2*j+1]
				if wd := sorted[all[j].doc]; d[1] != wd.Slug || int32(w) != all[j].weight {
					t.Fatalf("%q posting %d: %s/%d, want %s/%d", k.Key, j, d[1], w, wd.Slug, all[j].weight)
				}
			}
		}
	}
	if seen != len(want) {
		t.Errorf("%d keys in shards, want %d", seen, len(want))
	}
	t.Logf("%d docs: %d shards, %d keys, %d bytes (%d per entry)", len(docs), len(objs)-1, seen, total, total/len(docs))
	rev := slices.Clone(docs)
	slices.Reverse(rev)
	again, err := Build(rev)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(objs) {
		t.Fatal("a reordered build has other objects")
	}
	for k, b := range objs {
		if !bytes.Equal(again[k], b) {
			t.Fatalf("%s differs when docs are reordered", k)
		}
	}
}

// TestEditRewritesFewShards: editing one entry's body changes only the
// shards of the keys whose postings it changes — at most one shard per
// changed key, and few of all.
func TestEditRewritesFewShards(t *testing.T) {
	docs := corpus(11, 1000)
	before, err := Build(docs)
	if err != nil {
		t.Fatal(err)
	}
	r := manifest.Record{Slug: docs[5].Slug, Title: docs[5].Title, Date: docs[5].Date, Tags: []manifest.Tag{{Name: "w1x", Slug: "t"}}}
	old := docs[5]
	body := "<p>" + strings.Repeat("w3x ", 100) + "zebra quagga</p>"
	docs[5] = NewDoc(old.Collection, r, []byte(body))
	after, err := Build(docs)
	if err != nil {
		t.Fatal(err)
	}
	changedKeys := map[string]bool{}
	oldKeys, newKeys := keysOf(old), keysOf(docs[5])
	for k, w := range oldKeys {
		if newKeys[k] != w {
			changedKeys[k] = true
		}
	}
	for k, w := range newKeys {
		if oldKeys[k] != w {
			changedKeys[k] = true
		}
	}
	var root Root
	_ = json.Unmarshal(after[RootKey], &root)
	buckets := map[string]bool{}
	for k := range changedKeys {
		buckets[ShardKey(root.Buckets, Bucket(k, root.Buckets))] = true
	}
	changed := 0
	for k, b := range after {
		if !bytes.Equal(before[k], b) {
			changed++
			if k != RootKey && !buckets[k] {
				t.Errorf("%s changed but holds no changed key", k)
			}
		}
	}
	t.Logf("edit: %d keys changed, %d of %d objects rewritten", len(changedKeys), changed, len(after))
	if changed > len(buckets) {
		t.Errorf("%d objects rewritten, more than the %d buckets of changed keys", changed, len(buckets))
	}
}

func TestClip(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"one two three four", 12, "one two…"},
		{"日本語日本語", 10, "日本…"},
	} {
		if got := clip(c.in, c.n); got != c.want || len(got) > c.n {
			t.Errorf("clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

// TestFoldFastPath: Fold, which lower-cases plain ASCII runs itself and
// reuses chains from a pool, equals a fresh x/text chain applied to the
// whole string, on random mixes of ASCII and characters that decompose,
// fold, combine or are marks, folded by several goroutines at once.
func TestFoldFastPath(t *testing.T) {
	pool := []rune("aZz09 .,'-<=>()_;:!?/&#~`\"\x00\x7f\u0338\u2024\t\nÉéßẞΣσςİıǅﬁＡｶﾞ東京\u0301\u0308\u0345\u3099ᏸꭰᲀ한글ก\u0e31ー①™㎡")
	var g errgroup.Group
	for w := range uint64(4) {
		g.Go(func() error {
			rng := rand.New(rand.NewPCG(3, w))
			for i := range 5000 {
				rs := make([]rune, 1+rng.IntN(12))
				for j := range rs {
					rs[j] = pool[rng.IntN(len(pool))]
				}
				s := string(rs)
				want, _, err := transform.String(newFoldChain(), s)
				if err != nil {
					return err
				}
				if got := Fold(s); got != want {
					return fmt.Errorf("worker %d case %d: Fold(%q) = %q, a fresh chain gives %q", w, i, s, got, want)
				}
				var b strings.Builder
				if fold(&b, s, true); b.String() != strings.ReplaceAll(want, ".", " ") {
					return fmt.Errorf("worker %d case %d: fold(%q) with dots = %q, a fresh chain and ReplaceAll give %q", w, i, s, b.String(), strings.ReplaceAll(want, ".", " "))
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}
