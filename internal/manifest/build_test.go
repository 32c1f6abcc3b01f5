package manifest

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func TestBuildDeterministic(t *testing.T) {
	blogRecs := series("post", 60)
	blogRecs[7].Date = blogRecs[8].Date // a tie, broken by slug
	blogRecs[3].Tags = []Tag{{Name: "Go", Slug: "go"}, {Name: "Café", Slug: "caf%C3%A9"}}
	blogRecs[50].Tags = []Tag{{Name: "go", Slug: "go"}}
	blogRecs[51].Features = []string{"syntax:code", "math:katex"}
	noteRecs := series("note", 7)
	want := mustBuild(t, []Collection{blog, notes}, map[string][]Record{"blog": blogRecs, "notes": noteRecs}, 10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		t.Run(fmt.Sprintf("shuffle %d", i), func(t *testing.T) {
			b, n := slices.Clone(blogRecs), slices.Clone(noteRecs)
			rng.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
			rng.Shuffle(len(n), func(i, j int) { n[i], n[j] = n[j], n[i] })
			i := slices.IndexFunc(b, func(r Record) bool { return r.Slug == "post-051" })
			b[i].Features = slices.Clone(b[i].Features)
			slices.Reverse(b[i].Features) // a different feature order
			got := mustBuild(t, []Collection{blog, notes}, map[string][]Record{"notes": n, "blog": b}, 10)
			if d := dump(got); d != dump(want) {
				t.Errorf("shuffled input changed the output")
			}
		})
	}
	t.Run("input not modified", func(t *testing.T) {
		if blogRecs[0].Key != "" || blogRecs[0].URL != "" {
			t.Errorf("Build filled the caller's records: %+v", blogRecs[0])
		}
		if !slices.Equal(blogRecs[51].Features, []string{"syntax:code", "math:katex"}) {
			t.Errorf("Build sorted the caller's features: %v", blogRecs[51].Features)
		}
	})
}

func TestBuildChanges(t *testing.T) {
	const (
		idx  = "metadata/blog.json"
		site = "metadata/site.json"
	)
	shard := func(i int) string { return ShardKey("blog", i) }
	sitemap := SitemapChunkKey("blog", 0)
	tests := []struct {
		name    string
		n       int
		change  func(rs []Record) []Record
		put     []string
		del     []string
		maxPuts int // 0: exactly len(put)
	}{
		{"add newest to 100", 100, func(rs []Record) []Record { return append(rs, rec("new", day(500))) },
			[]string{idx, shard(3), site, sitemap}, nil, 0},
		// The newest shard holds 49: the 50th splits it into two full ones.
		{"add newest to 99", 99, func(rs []Record) []Record { return append(rs, rec("new", day(500))) },
			[]string{idx, shard(2), shard(3), site, sitemap}, nil, 0},
		{"add newest to 0", 0, func(rs []Record) []Record { return append(rs, rec("new", day(500))) },
			[]string{idx, shard(0), site, sitemap}, nil, 0},
		{"add a tagged newest to 100", 100, func(rs []Record) []Record {
			r := rec("new", day(500))
			r.Tags = []Tag{{Name: "Go", Slug: "go"}}
			return append(rs, r)
		}, []string{idx, shard(3), site, sitemap, TagChunkKey("go", 0), TagsPageKey(0)}, nil, 0},
		{"edit title of an old entry", 100, func(rs []Record) []Record { rs[5].Title = "New title"; return rs },
			[]string{shard(0)}, nil, 0},
		{"edit body hash of an old entry", 100, func(rs []Record) []Record { rs[30].Hash = hex32("new"); return rs },
			[]string{shard(1)}, nil, 0},
		{"edit title of the newest entry", 100, func(rs []Record) []Record { rs[99].Title = "New title"; return rs },
			[]string{shard(3), site}, nil, 0},
		{"tag an old entry", 100, func(rs []Record) []Record { rs[5].Tags = []Tag{{Name: "Go", Slug: "go"}}; return rs },
			[]string{shard(0), site, TagChunkKey("go", 0), TagsPageKey(0)}, nil, 0},
		{"delete the newest of 101", 101, func(rs []Record) []Record { return rs[:100] },
			[]string{idx, shard(3), site, sitemap}, nil, 0},
		{"delete the newest of 100", 100, func(rs []Record) []Record { return rs[:99] },
			[]string{idx, shard(2), site, sitemap}, []string{shard(3)}, 0},
		{"edit nothing", 100, func(rs []Record) []Record { return rs }, nil, nil, 0},
		// A backdated entry shifts every shard newer than it; docs/bucket.md says so.
		{"backdate into the oldest shard", 100, func(rs []Record) []Record { return append(rs, rec("old", day(-1))) },
			[]string{idx, shard(0), shard(1), shard(2), shard(3), site, sitemap}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := series("post", tt.n)
			old := mustBuild(t, []Collection{blog}, map[string][]Record{"blog": before}, 25)
			after := tt.change(slices.Clone(before))
			got := mustBuild(t, []Collection{blog}, map[string][]Record{"blog": after}, 25)
			put, del := Diff(old, got)
			slices.Sort(tt.put)
			if !slices.Equal(put, tt.put) || !slices.Equal(del, tt.del) {
				t.Errorf("changed objects:\n got put %q del %q\nwant put %q del %q", put, del, tt.put, tt.del)
			}
		})
	}
}

func TestShardMath(t *testing.T) {
	tests := []struct {
		n, size int
		counts  []int // per shard, newest shard first
	}{
		{0, 25, nil},
		{1, 25, []int{1}},
		{25, 25, []int{25}},
		{26, 25, []int{26}},
		{49, 25, []int{49}},
		{50, 25, []int{25, 25}},
		{100, 25, []int{25, 25, 25, 25}},
		{101, 25, []int{26, 25, 25, 25}},
		{7, 3, []int{4, 3}},
		{5, 1, []int{1, 1, 1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d by %d", tt.n, tt.size), func(t *testing.T) {
			out := mustBuild(t, []Collection{blog}, map[string][]Record{"blog": series("post", tt.n)}, tt.size)
			var ix Index
			decode(t, out["metadata/blog.json"], &ix)
			if ix.Total != tt.n || ix.PageSize != tt.size || len(ix.Shards) != len(tt.counts) {
				t.Fatalf("index: total %d pageSize %d shards %d", ix.Total, ix.PageSize, len(ix.Shards))
			}
			shards := 0
			for k := range out {
				if strings.HasPrefix(k, "metadata/blog/") {
					shards++
				}
			}
			if shards != len(tt.counts) || len(ix.Shards) != Pages(tt.n, tt.size) && tt.n > 0 {
				t.Errorf("Build wrote %d shards, want %d", shards, len(tt.counts))
			}
			// Walking the pages newest first visits every entry once, in order.
			next := tt.n - 1
			for p, ref := range ix.Shards {
				wantIndex := len(ix.Shards) - 1 - p
				if ref.Key != ShardKey("blog", wantIndex) || ref.Count != tt.counts[p] {
					t.Errorf("page %d: key %s count %d, want %s count %d", p+1, ref.Key, ref.Count, ShardKey("blog", wantIndex), tt.counts[p])
				}
				var sh Shard
				decode(t, out[ref.Key], &sh)
				if sh.Index != wantIndex || sh.Collection != "blog" || len(sh.Records) != ref.Count {
					t.Errorf("shard %s: index %d collection %q records %d", ref.Key, sh.Index, sh.Collection, len(sh.Records))
				}
				for _, r := range sh.Records {
					if want := fmt.Sprintf("post-%03d", next); r.Slug != want {
						t.Errorf("page %d: got %s, want %s", p+1, r.Slug, want)
					}
					next--
				}
				if ref.First != bound(&sh.Records[0]) || ref.Last != bound(&sh.Records[len(sh.Records)-1]) {
					t.Errorf("shard %s bounds %q..%q do not match its records", ref.Key, ref.First, ref.Last)
				}
			}
			if next != -1 {
				t.Errorf("pages hold %d entries, want %d", tt.n-1-next, tt.n)
			}
		})
	}
}

func TestBuildEmptyCollection(t *testing.T) {
	for _, recs := range map[string][]Record{"nil": nil, "empty": {}} {
		out := mustBuild(t, []Collection{blog, notes}, map[string][]Record{"blog": series("post", 3), "notes": recs}, 0)
		want := `{"version":1,"collection":"notes","route":"/notes","title":"Notes","total":0,"pageSize":25,"shards":[]}` + "\n"
		if got := string(out["metadata/notes.json"]); got != want {
			t.Errorf("empty index:\n got %s\nwant %s", got, want)
		}
		for k := range out {
			if strings.HasPrefix(k, "metadata/notes/") {
				t.Errorf("empty collection has shard %s", k)
			}
		}
	}
	t.Run("emptied collection", func(t *testing.T) {
		old := mustBuild(t, []Collection{blog}, map[string][]Record{"blog": series("post", 30)}, 25)
		got := mustBuild(t, []Collection{blog}, nil, 25)
		put, del := Diff(old, got)
		if want := []string{"metadata/blog.json", "metadata/site.json"}; !slices.Equal(put, want) {
			t.Errorf("put %q, want %q", put, want)
		}
		if want := []string{"metadata/blog/0000.json", "metadata/sitemaps/blog/0000.json"}; !slices.Equal(del, want) {
			t.Errorf("del %q, want %q", del, want)
		}
	})
}

func TestBuildOrder(t *testing.T) {
	recs := []Record{
		rec("b", day(1)), rec("c", day(1)), rec("a", day(1)),
		rec("z", day(0)), rec("y", day(2)), rec("m", day(1)),
	}
	note := rec("a", day(1))
	out := mustBuild(t, []Collection{blog, notes}, map[string][]Record{"blog": recs, "notes": {note}}, 0)
	var sh Shard
	decode(t, out["metadata/blog/0000.json"], &sh)
	if got, want := slugs(sh.Records), []string{"y", "a", "b", "c", "m", "z"}; !slices.Equal(got, want) {
		t.Errorf("shard order %q, want %q", got, want)
	}
	var sm SiteManifest
	decode(t, out["metadata/site.json"], &sm)
	var latest []string
	for _, r := range sm.Latest {
		latest = append(latest, r.Collection+"/"+r.Slug)
	}
	if want := []string{"blog/y", "blog/a", "notes/a", "blog/b", "blog/c", "blog/m", "blog/z"}; !slices.Equal(latest, want) {
		t.Errorf("latest %q, want %q", latest, want)
	}
}

func TestSiteManifest(t *testing.T) {
	tag := func(name, slug string) Tag { return Tag{Name: name, Slug: slug} }
	blogRecs := series("post", 12)
	blogRecs[0].Tags = []Tag{tag("Go", "go"), tag("Caching", "caching")}
	blogRecs[1].Tags = []Tag{tag("go", "go"), tag("Go", "go")} // counted once
	blogRecs[2].Tags = []Tag{tag("Go", "go"), tag("Édition", "%C3%A9dition")}
	noteRecs := series("note", 2)
	noteRecs[0].Tags = []Tag{tag("Caching", "caching"), tag("Zebra", "zebra")}
	noteRecs[1].Date = day(100)
	out := mustBuild(t, []Collection{notes, blog}, map[string][]Record{"blog": blogRecs, "notes": noteRecs}, 5)
	var sm SiteManifest
	decode(t, out["metadata/site.json"], &sm)

	for i, want := range []struct {
		name  string
		total int
	}{{"notes", 2}, {"blog", 12}} {
		c := sm.Collections[i]
		sum := 0
		for _, n := range c.Months {
			sum += n
		}
		if c.Name != want.name || c.Total != want.total || sum != want.total {
			t.Errorf("collection %d: %+v, want %s with %d entries in its months", i, c, want.name, want.total)
		}
	}
	// The tags index pages hold every tag in slug order; site.json only
	// counts them and names those with more than one page.
	var page TagsPage
	decode(t, out[TagsPageKey(0)], &page)
	wantTags := []TagCount{{"Édition", "%C3%A9dition", 1}, {"Caching", "caching", 2}, {"Go", "go", 3}, {"Zebra", "zebra", 1}}
	if !reflect.DeepEqual(page.Tags, wantTags) || sm.TagTotal != 4 || len(sm.PagedTags) != 0 || sm.PageSize != 5 {
		t.Errorf("tags %+v (total %d, paged %v), want %+v", page.Tags, sm.TagTotal, sm.PagedTags, wantTags)
	}
	if len(sm.Latest) != 10 || sm.Latest[0].Collection != "notes" || sm.Latest[0].Slug != "note-001" {
		t.Fatalf("latest: %d records, first %s/%s", len(sm.Latest), sm.Latest[0].Collection, sm.Latest[0].Slug)
	}
	for _, r := range sm.Latest {
		if r.Key != EntryKey(r.Collection, r.Slug) {
			t.Errorf("latest %s: key %s", r.Slug, r.Key)
		}
	}
	if sm.Version != 1 || sm.Title != "axctl" || sm.BaseURL != "https://example.com" {
		t.Errorf("site fields: %+v", sm)
	}
	if strings.Contains(string(out["metadata/blog/0000.json"]), `"collection":"blog","slug"`) {
		t.Errorf("shard records must not carry collection")
	}
}

func TestBuildErrors(t *testing.T) {
	ok := func() map[string][]Record { return map[string][]Record{"blog": series("post", 3)} }
	edit := func(f func(r *Record)) map[string][]Record {
		m := ok()
		f(&m["blog"][1])
		return m
	}
	tests := []struct {
		name     string
		cols     []Collection
		records  map[string][]Record
		pageSize int
		want     []string
	}{
		{"negative page size", []Collection{blog}, ok(), -1, []string{"page size"}},
		{"unconfigured collection", []Collection{notes}, ok(), 0, []string{`"blog"`, "not configured"}},
		{"bad collection name", []Collection{{Name: "My Blog", Route: "/b"}}, nil, 0, []string{"My Blog"}},
		{"collection twice", []Collection{blog, blog}, nil, 0, []string{"twice"}},
		{"route without slash", []Collection{{Name: "blog", Route: "blog"}}, nil, 0, []string{"route"}},
		{"reserved name site", []Collection{{Name: "site", Route: "/site"}}, nil, 0, []string{`"site"`, "reserved"}},
		{"reserved route", []Collection{{Name: "blog", Route: "/assets"}}, nil, 0, []string{`"/assets"`, "reserved"}},
		{"route under a reserved one", []Collection{{Name: "blog", Route: "/__internal/x"}}, nil, 0, []string{"one path segment"}},
		{"route climbing", []Collection{{Name: "blog", Route: "/up/../x"}}, nil, 0, []string{"one path segment"}},
		{"duplicate slug", []Collection{blog}, edit(func(r *Record) { r.Slug = "post-000" }), 0, []string{"post-000", "twice"}},
		{"bad slug", []Collection{blog}, edit(func(r *Record) { r.Slug = "Post_1" }), 0, []string{"Post_1"}},
		{"date with offset", []Collection{blog}, edit(func(r *Record) { r.Date = "2024-01-02T00:00:00+02:00" }), 0, []string{"post-001", "date"}},
		{"date only", []Collection{blog}, edit(func(r *Record) { r.Date = "2024-01-02" }), 0, []string{"date"}},
		{"bad expires", []Collection{blog}, edit(func(r *Record) { r.Expires = "soon" }), 0, []string{"expires"}},
		{"missing title", []Collection{blog}, edit(func(r *Record) { r.Title = "" }), 0, []string{"title"}},
		{"bad hash", []Collection{blog}, edit(func(r *Record) { r.Hash = "x" }), 0, []string{"hash"}},
		{"bad feature", []Collection{blog}, edit(func(r *Record) { r.Features = []string{"code"} }), 0, []string{"feature"}},
		{"negative words", []Collection{blog}, edit(func(r *Record) { r.Words = -3 }), 0, []string{"words"}},
		{"wrong key", []Collection{blog}, edit(func(r *Record) { r.Key = "entries/notes/post-001.html" }), 0, []string{"key"}},
		{"wrong url", []Collection{blog}, edit(func(r *Record) { r.URL = "/posts/post-001" }), 0, []string{"url"}},
		{"wrong collection", []Collection{blog}, edit(func(r *Record) { r.Collection = "notes" }), 0, []string{"notes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(site, tt.cols, tt.records, tt.pageSize)
			wantErr(t, err, tt.want...)
		})
	}
}

func TestBuildRootRoute(t *testing.T) {
	pages := Collection{Name: "pages", Route: "/", Title: "Pages"}
	out := mustBuild(t, []Collection{pages}, map[string][]Record{"pages": {rec("about", day(0))}}, 0)
	var sh Shard
	decode(t, out["metadata/pages/0000.json"], &sh)
	if sh.Records[0].URL != "/about" {
		t.Errorf("url %q, want /about", sh.Records[0].URL)
	}
}

// TestShardSize keeps one page of realistic records well under what an
// edge isolate should parse per request.
func TestShardSize(t *testing.T) {
	recs := make([]Record, 25)
	for i := range recs {
		r := rec(fmt.Sprintf("guides/a-fairly-long-slug-about-caching-%02d", i), day(i))
		r.Title = "How the edge cache keeps a static site fast — part " + fmt.Sprint(i)
		r.Author = "Zoë Ångström"
		r.Description = strings.Repeat("A description that says what the entry is about. ", 6)
		r.Template = "post"
		r.Source = "https://github.com/axctl/axctl/blob/main/content/blog/guides/entry.md"
		r.Features = []string{"math:katex", "syntax:code"}
		for _, n := range []string{"Caching", "Cloudflare", "R2", "Go", "Performance", "Édition"} {
			r.Tags = append(r.Tags, Tag{Name: n, Slug: strings.ReplaceAll(strings.ToLower(n), "é", "%C3%A9")})
		}
		r.Words = 2400
		r.PublishDate, r.Expires = day(i), day(i+365)
		recs[i] = r
	}
	out := mustBuild(t, []Collection{blog}, map[string][]Record{"blog": recs}, 25)
	b := out["metadata/blog/0000.json"]
	if len(b) > 64<<10 {
		t.Errorf("a shard of 25 realistic records is %d bytes, want ≤ 64 KiB", len(b))
	}
	t.Logf("shard of 25 records: %d bytes", len(b))
}

func TestEncodingShape(t *testing.T) {
	r := rec("hello", day(0))
	r.Title = `<Tom & "Jerry">`
	out := mustBuild(t, []Collection{blog}, map[string][]Record{"blog": {r}}, 0)
	for k, b := range out {
		if !strings.HasSuffix(string(b), "}\n") || strings.Count(string(b), "\n") != 1 {
			t.Errorf("%s: want compact JSON and one trailing newline", k)
		}
		if strings.Contains(string(b), `\u003c`) || strings.Contains(string(b), `\u0026`) {
			t.Errorf("%s: HTML-escaped", k)
		}
		if !json.Valid(b) {
			t.Errorf("%s: invalid JSON", k)
		}
	}
}

func TestGolden(t *testing.T) {
	hello := rec("hello", "2026-11-02T00:00:00Z")
	hello.Title, hello.Author, hello.Description = "Hello, “world” 🚀", "Ada", "The first post."
	hello.Tags = []Tag{{Name: "Café", Slug: "caf%C3%A9"}, {Name: "Go", Slug: "go"}}
	hello.Template, hello.Features = "post", []string{"syntax:code"}
	hello.Words = 312
	older := rec("guides/older", "2026-10-01T09:30:00Z")
	older.Tags = []Tag{{Name: "Go", Slug: "go"}}
	older.Source = "https://example.com/older"
	newest := rec("zed", "2026-11-05T00:00:00Z")
	newest.PublishDate, newest.Expires = "2026-11-05T08:00:00Z", "2027-01-01T00:00:00Z"
	note := rec("tiny", "2026-11-02T00:00:00Z")
	note.Tags = []Tag{{Name: "Café", Slug: "caf%C3%A9"}}
	cols := []Collection{blog, notes, {Name: "drafts", Route: "/drafts", Title: "Drafts"}}
	out := mustBuild(t, cols, map[string][]Record{"blog": {hello, older, newest}, "notes": {note}}, 2)
	got := dump(out)

	path := filepath.Join("testdata", "build.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("Build output differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

func TestDiff(t *testing.T) {
	old := map[string][]byte{"a": []byte("1"), "b": []byte("2"), "c": []byte("3")}
	new := map[string][]byte{"a": []byte("1"), "b": []byte("x"), "d": []byte("4")}
	put, del := Diff(old, new)
	if !slices.Equal(put, []string{"b", "d"}) || !slices.Equal(del, []string{"c"}) {
		t.Errorf("Diff: put %q del %q", put, del)
	}
	if put, del := Diff(nil, nil); put != nil || del != nil {
		t.Errorf("Diff(nil, nil): put %q del %q", put, del)
	}
}

func decode(t *testing.T, b []byte, v any) {
	t.Helper()
	if b == nil {
		t.Fatalf("object missing")
	}
	if err := strictJSON(string(b), v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, b)
	}
}

func slugs(rs []Record) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Slug)
	}
	return out
}

func TestDecodeRoundTrip(t *testing.T) {
	out := mustBuild(t, []Collection{blog, notes}, map[string][]Record{"blog": richSeries("post", 9)}, 4)
	for k, b := range out {
		v, err := decodeAny(k, b)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if again, _ := encodeJSON(v); string(again) != string(b) {
			t.Errorf("%s: decode then encode changed the bytes:\n got %s\nwant %s", k, again, b)
		}
	}
	for name, b := range map[string]string{
		"unknown field": `{"version":1,"collection":"blog","index":0,"records":[],"extra":1}`,
		"wrong version": `{"version":2,"collection":"blog","index":0,"records":[]}`,
		"trailing":      `{"version":1,"collection":"blog","index":0,"records":[]}{}`,
	} {
		if _, err := DecodeShard([]byte(b)); err == nil {
			t.Errorf("%s: DecodeShard accepted %s", name, b)
		}
	}
}

// TestSiteLang: site.json carries site.lang after baseURL, and leaves it out
// for "en" (the default) and "", so sites in English keep their bytes.
func TestSiteLang(t *testing.T) {
	for lang, want := range map[string]string{"": "", "en": "", "pt-BR": `"baseURL":"https://x.example","lang":"pt-BR","pageSize"`} {
		out, err := Build(Site{Title: "T", BaseURL: "https://x.example", Lang: lang}, []Collection{blog}, map[string][]Record{"blog": series("post", 1)}, 25)
		if err != nil {
			t.Fatal(err)
		}
		got := string(out[SiteKey])
		if want == "" && strings.Contains(got, `"lang"`) || want != "" && !strings.Contains(got, want) {
			t.Errorf("lang %q: site.json %s", lang, got)
		}
	}
}

// TestSiteFullFeed: a collection with feed.full carries "fullFeed":true in
// site.json, and one without leaves the key out (its bytes unchanged).
func TestSiteFullFeed(t *testing.T) {
	for _, full := range []bool{false, true} {
		c := blog
		c.FullFeed = full
		out, err := Build(Site{Title: "T", BaseURL: "https://x.example"}, []Collection{c}, map[string][]Record{"blog": series("post", 1)}, 25)
		if err != nil {
			t.Fatal(err)
		}
		site, err := DecodeSite(out[SiteKey])
		if err != nil {
			t.Fatal(err)
		}
		if got := string(out[SiteKey]); site.Collections[0].FullFeed != full || strings.Contains(got, `"fullFeed"`) != full {
			t.Errorf("full %v: site.json %s", full, got)
		}
	}
}

// TestMergeAll: merging sorted lists gives what sorting their union gives,
// for any number of lists (empty ones too), and never the caller's slice.
func TestMergeAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	byValue := func(x, y int32) int { return cmp.Compare(x, y) }
	for range 500 {
		var lists [][]int32
		var all []int32
		next := int32(0)
		for range rng.IntN(6) {
			var l []int32
			for range rng.IntN(20) {
				next++
				l = append(l, next*7%1009) // distinct values, in no order
			}
			slices.SortFunc(l, byValue)
			lists = append(lists, l)
			all = append(all, l...)
		}
		slices.SortFunc(all, byValue)
		got := mergeAll(slices.Clone(lists), byValue)
		if !slices.Equal(got, all) {
			t.Fatalf("mergeAll(%v) = %v, want %v", lists, got, all)
		}
		if len(lists) == 1 && len(got) > 0 {
			got[0] = -1
			if lists[0][0] == -1 {
				t.Fatal("mergeAll of one list returned that list")
			}
		}
	}
}
