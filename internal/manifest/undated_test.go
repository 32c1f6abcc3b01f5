package manifest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/axctl/axctl/internal/contract"
)

var docs = Collection{Name: "docs", Route: "/docs", Title: "Docs", SortBy: "weight"}

// undatedRecords draws n records of an undated collection: repeated and
// missing weights, titles that differ only in ASCII case, non-ASCII titles
// (BMP above U+E000 next to astral runes, where UTF-16 and code point order
// disagree), some tags shared with a dated collection, some windows.
func undatedRecords(r *rand.Rand, n int) []Record {
	words := []string{"Setup", "setup", "Zebra", "apple", "Ärger", "\uff21bc", "\U0001F600 smile", "api", "API", "zz"}
	out := make([]Record, n)
	for i := range out {
		x := rec(fmt.Sprintf("p-%03d", r.IntN(1000)*1000+i), "")
		x.Title = words[r.IntN(len(words))]
		if r.IntN(3) > 0 {
			x.Title += " " + words[r.IntN(len(words))]
		}
		x.Weight = []int{0, 0, 1, 2, 2, -5, 10, 1000000000, -1000000000}[r.IntN(9)]
		if r.IntN(2) == 0 {
			x.Tags = []Tag{{Name: "go", Slug: "go"}}
		}
		if r.IntN(8) == 0 {
			x.PublishDate = day(400)
		}
		out[i] = x
	}
	return out
}

// oracleLess is the documented order, written independently of byWeight:
// weight ascending with none (0) last, then the title with A–Z lowercased
// compared rune by rune, then slug.
func oracleLess(a, b Record) bool {
	wa, wb := float64(a.Weight), float64(b.Weight)
	if a.Weight == 0 {
		wa = 1e18
	}
	if b.Weight == 0 {
		wb = 1e18
	}
	if wa != wb {
		return wa < wb
	}
	lower := func(s string) []rune {
		rs := []rune(s)
		for i, c := range rs {
			if c >= 'A' && c <= 'Z' {
				rs[i] = c + 32
			}
		}
		return rs
	}
	ta, tb := lower(a.Title), lower(b.Title)
	for i := 0; i < len(ta) && i < len(tb); i++ {
		if ta[i] != tb[i] {
			return ta[i] < tb[i]
		}
	}
	if len(ta) != len(tb) {
		return len(ta) < len(tb)
	}
	return a.Slug < b.Slug
}

func TestUndatedOrderOracle(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 16))
		n, size := r.IntN(60), 1+r.IntN(6)
		recs := undatedRecords(r, n)
		dated := series("post", 1+r.IntN(8))
		dated[0].Tags = []Tag{{Name: "go", Slug: "go"}}
		out := mustBuild(t, []Collection{blog, docs}, map[string][]Record{"blog": dated, "docs": recs}, size)

		want := slices.Clone(recs)
		slices.SortFunc(want, func(a, b Record) int {
			if oracleLess(a, b) {
				return -1
			}
			return 1
		})
		idx, err := DecodeIndex(out[IndexKey("docs")])
		if err != nil {
			t.Fatal(err)
		}
		var got []Record
		for _, ref := range idx.Shards { // newest shard first = listing page 1 first
			sh, err := DecodeShard(out[ref.Key])
			if err != nil {
				t.Fatal(err)
			}
			first, last := sh.Records[0], sh.Records[len(sh.Records)-1]
			if ref.First != fmt.Sprintf("%d %s %s", first.Weight, first.Slug, first.Title) || ref.Last != fmt.Sprintf("%d %s %s", last.Weight, last.Slug, last.Title) {
				t.Fatalf("seed %d: bounds %q…%q, records %q…%q", seed, ref.First, ref.Last, first.Slug, last.Slug)
			}
			got = append(got, sh.Records...)
		}
		if len(got) != len(want) {
			t.Fatalf("seed %d: %d records listed, want %d", seed, len(got), len(want))
		}
		for i := range want {
			if got[i].Slug != want[i].Slug || got[i].Date != "" {
				t.Fatalf("seed %d: position %d is %q (weight %d, %q), want %q (weight %d, %q)", seed, i, got[i].Slug, got[i].Weight, got[i].Title, want[i].Slug, want[i].Weight, want[i].Title)
			}
		}
		sm, err := DecodeSite(out[SiteKey])
		if err != nil {
			t.Fatal(err)
		}
		if c := sm.Collections[1]; c.SortBy != "weight" || c.Months != nil || c.Total != n || sm.Collections[0].SortBy != "" {
			t.Fatalf("seed %d: site collections %+v", seed, sm.Collections)
		}
		for _, l := range sm.Latest {
			if l.Collection == "docs" || l.Date == "" {
				t.Fatalf("seed %d: latest lists an undated entry %+v", seed, l)
			}
		}
		for _, s := range sm.Schedule {
			if s.Collection == "docs" && (s.Date != "" || s.Title == "") {
				t.Fatalf("seed %d: schedule item %+v lacks the undated order fields", seed, s)
			}
		}
		checkUndatedSitemaps(t, out, want)
		checkUndatedTags(t, out)
	}
}

// checkUndatedSitemaps wants the sitemap chunks in listing order, [slug] alone.
func checkUndatedSitemaps(t *testing.T, out map[string][]byte, want []Record) {
	t.Helper()
	var slugs []string
	for _, ch := range newestChunks(t, out, func(i int) string { return SitemapChunkKey("docs", i) }, DecodeSitemapChunk) {
		for _, u := range ch.URLs {
			if len(u) != 1 {
				t.Fatalf("sitemap url %q: want [slug] alone", u)
			}
			slugs = append(slugs, u[0])
		}
	}
	for i, r := range want {
		if i >= len(slugs) || slugs[i] != r.Slug {
			t.Fatalf("sitemap position %d: got %v, want %q", i, slugs, r.Slug)
		}
	}
}

// newestChunks decodes the chunks key(0), key(1)… that out holds, newest
// (the highest index) first.
func newestChunks[T any](t *testing.T, out map[string][]byte, key func(int) string, decode func([]byte) (T, error)) []T {
	t.Helper()
	var list []T
	for i := 0; ; i++ {
		b, ok := out[key(i)]
		if !ok {
			return list
		}
		ch, err := decode(b)
		if err != nil {
			t.Fatal(err)
		}
		list = append([]T{ch}, list...)
	}
}

// checkUndatedTags wants tag pages to list dated entries first, newest
// first, then the undated ones by slug, none with a date.
func checkUndatedTags(t *testing.T, out map[string][]byte) {
	t.Helper()
	var recs []Summary
	for _, ch := range newestChunks(t, out, func(i int) string { return TagChunkKey("go", i) }, DecodeTagChunk) {
		recs = append(recs, ch.Records...)
	}
	undated := false
	for i, s := range recs {
		if s.Date == "" {
			if s.Collection != "docs" {
				t.Fatalf("tag record %+v: dated collection without a date", s)
			}
			if undated && recs[i-1].Slug > s.Slug {
				t.Fatalf("undated tag records out of slug order: %q before %q", recs[i-1].Slug, s.Slug)
			}
			undated = true
		} else if undated {
			t.Fatalf("dated %q listed after an undated entry", s.Slug)
		}
	}
}

func TestUndatedRecordErrors(t *testing.T) {
	dated := rec("a", "")
	if _, err := Build(site, []Collection{blog}, map[string][]Record{"blog": {dated}}, 0); err == nil || !strings.Contains(err.Error(), "date: missing") {
		t.Errorf("dated collection, record without date: %v", err)
	}
	withDate := rec("a", day(1))
	if _, err := Build(site, []Collection{docs}, map[string][]Record{"docs": {withDate}}, 0); err == nil || !strings.Contains(err.Error(), "sorted by weight") {
		t.Errorf("undated collection, record with a date: %v", err)
	}
	weighted := rec("a", day(1))
	weighted.Weight = 3
	if _, err := Build(site, []Collection{blog}, map[string][]Record{"blog": {weighted}}, 0); err == nil || !strings.Contains(err.Error(), "weight") {
		t.Errorf("dated collection, record with a weight: %v", err)
	}
	huge := rec("a", "")
	huge.Weight = 1000000001
	if _, err := Build(site, []Collection{docs}, map[string][]Record{"docs": {huge}}, 0); err == nil || !strings.Contains(err.Error(), "weight") {
		t.Errorf("weight over the bound: %v", err)
	}
}

func TestUndatedMetadataRoundTrip(t *testing.T) {
	r := rec("guide/start", "")
	r.Weight, r.Title = -7, "Start \U0001F600"
	m := ToMetadata(r)
	if _, ok := m[contract.MetaDate]; ok || m[contract.MetaWeight] != "-7" {
		t.Fatalf("metadata %v: want weight -7 and no date", m)
	}
	back, err := FromMetadata("docs", "/docs", "guide/start", m)
	if err != nil {
		t.Fatal(err)
	}
	if back.Weight != -7 || back.Date != "" || back.Title != r.Title {
		t.Fatalf("round trip: %+v", back)
	}
	none := ToMetadata(rec("x", ""))
	if _, ok := none[contract.MetaWeight]; ok {
		t.Fatalf("weight 0 written: %v", none)
	}
	b, _ := json.Marshal(back)
	if strings.Contains(string(b), `"date"`) || !utf8.Valid(b) {
		t.Fatalf("record JSON %s: an undated record has no date key", b)
	}
}
