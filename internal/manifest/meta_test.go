package manifest

import (
	"cmp"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/contract"
)

func TestMetadataRoundTrip(t *testing.T) {
	full := Record{
		Slug: "guides/cafe", URL: "/blog/guides/cafe", Key: "entries/blog/guides/cafe.html",
		Hash: hex32("h"), Input: hex32("i"), Title: "x", Date: "2026-11-02T00:00:00Z",
	}
	tests := []struct {
		name string
		edit func(r *Record)
	}{
		{"minimal", func(r *Record) {}},
		{"zero words", func(r *Record) { r.Words = 0 }},
		{"unicode", func(r *Record) {
			r.Title = "Café Ünïcödé — 日本語のタイトル"
			r.Author = "Zoë Ångström"
			r.Tags = []Tag{{Name: "Café", Slug: "caf%C3%A9"}, {Name: "日本", Slug: "%E6%97%A5%E6%9C%AC"}}
		}},
		{"emoji", func(r *Record) {
			r.Title = "Ship it 🚀🔥 — 👩🏽‍💻 family 👨‍👩‍👧"
		}},
		{"quotes and html", func(r *Record) {
			r.Title = `He said "hi" & left <b>now</b> 'ok' \ back`
			r.Description = "a \"quoted\" <script>alert(1)</script> & more"
			r.Tags = []Tag{{Name: `"Quoted" & <tag>`, Slug: "quoted-tag"}}
		}},
		{"newlines and control", func(r *Record) {
			r.Description = "line one\nline two\r\n\ttabbed\u2028sep"
		}},
		{"all fields", func(r *Record) {
			r.Author, r.Description, r.Template = "Ada", "About things.", "post"
			r.Source = "https://example.com/src?a=1&b=2"
			r.Tags = []Tag{{Name: "Go", Slug: "go"}, {Name: "Caching", Slug: "caching"}}
			r.Features = []string{"math:katex", "syntax:code"}
			r.Words = 312
			r.PublishDate, r.Expires = "2026-11-03T08:00:00Z", "2027-01-01T00:00:00Z"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := full
			tt.edit(&r)
			m := ToMetadata(r)
			for k := range m {
				if k != strings.ToLower(k) || strings.ContainsFunc(k, func(c rune) bool { return c > 127 }) {
					t.Errorf("key %q is not lowercase ASCII", k)
				}
			}
			got, err := FromMetadata("blog", "/blog", r.Slug, m)
			if err != nil {
				t.Fatalf("FromMetadata: %v", err)
			}
			if !reflect.DeepEqual(got, r) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
			}
		})
	}
}

func TestToMetadataExact(t *testing.T) {
	r := Record{
		Slug: "hello", Hash: hex32("h"), Input: hex32("i"), Title: "Hello <World>", Date: "2026-11-02T00:00:00Z",
		Tags:     []Tag{{Name: "Café", Slug: "caf%C3%A9"}},
		Features: []string{"syntax:code", "math:katex", "syntax:code"},
		Words:    312, EntryText: contract.EntryText{Source: "https://x.test/?a=1&b=2"},
	}
	want := map[string]string{
		"title":    "Hello <World>",
		"date":     "2026-11-02T00:00:00Z",
		"source":   "https://x.test/?a=1&b=2",
		"tags":     `[{"name":"Café","slug":"caf%C3%A9"}]`,
		"features": `["math:katex","syntax:code"]`,
		"words":    "312",
		"hash":     hex32("h"),
		"input":    hex32("i"),
	}
	got := ToMetadata(r)
	if !maps.Equal(got, want) {
		t.Errorf("ToMetadata:\n got %v\nwant %v", got, want)
	}
	if !slices.Equal(r.Features, []string{"syntax:code", "math:katex", "syntax:code"}) {
		t.Errorf("ToMetadata modified its argument: %v", r.Features)
	}
}

func TestFromMetadataIgnoresUnknownKeysAndEmptyArrays(t *testing.T) {
	m := ToMetadata(rec("a", day(0)))
	m["x-amz-something"] = "whatever"
	m["tags"], m["features"] = "[]", "[]"
	m["toc"] = `[{"level":9}]` // the key of an older format: ignored
	r, err := FromMetadata("blog", "/blog", "a", m)
	if err != nil {
		t.Fatal(err)
	}
	if r.Tags != nil || r.Features != nil {
		t.Errorf("empty arrays should decode to nil: %+v", r)
	}
}

func TestFromMetadataErrors(t *testing.T) {
	tests := []struct {
		name       string
		collection string
		slug       string
		set        map[string]string // "" deletes the key
		want       string            // the error must mention it
	}{
		{"missing title", "", "", map[string]string{"title": ""}, "title: missing"},
		{"weight zero", "", "", map[string]string{"weight": "0"}, "weight"},
		{"weight text", "", "", map[string]string{"weight": "ten"}, "weight"},
		{"weight plus", "", "", map[string]string{"weight": "+3"}, "weight"},
		{"weight huge", "", "", map[string]string{"weight": "2000000000"}, "weight"},
		{"missing words", "", "", map[string]string{"words": ""}, "words: missing"},
		{"missing hash", "", "", map[string]string{"hash": ""}, "hash: missing"},
		{"missing input", "", "", map[string]string{"input": ""}, "input: missing"},
		{"date only", "", "", map[string]string{"date": "2026-11-02"}, "date"},
		{"date with offset", "", "", map[string]string{"date": "2026-11-02T01:00:00+01:00"}, "date"},
		{"date with fraction", "", "", map[string]string{"date": "2026-11-02T00:00:00.5Z"}, "date"},
		{"date impossible", "", "", map[string]string{"date": "2026-02-30T00:00:00Z"}, "date"},
		{"publishdate bad", "", "", map[string]string{"publishdate": "tomorrow"}, "publishdate"},
		{"expires bad", "", "", map[string]string{"expires": "2026-13-01T00:00:00Z"}, "expires"},
		{"words text", "", "", map[string]string{"words": "many"}, "words"},
		{"words negative", "", "", map[string]string{"words": "-1"}, "words"},
		{"words leading zero", "", "", map[string]string{"words": "012"}, "words"},
		{"words plus", "", "", map[string]string{"words": "+12"}, "words"},
		{"hash short", "", "", map[string]string{"hash": "abc123"}, "hash"},
		{"hash upper", "", "", map[string]string{"hash": strings.ToUpper(hex32("x"))}, "hash"},
		{"input not hex", "", "", map[string]string{"input": strings.Repeat("g", 32)}, "input"},
		{"tags not json", "", "", map[string]string{"tags": "go,caching"}, "tags"},
		{"tags object", "", "", map[string]string{"tags": `{"name":"a","slug":"a"}`}, "tags"},
		{"tags unknown field", "", "", map[string]string{"tags": `[{"name":"a","slug":"a","n":1}]`}, "tags"},
		{"tags trailing", "", "", map[string]string{"tags": `[{"name":"a","slug":"a"}] []`}, "tags"},
		{"tag no slug", "", "", map[string]string{"tags": `[{"name":"a"}]`}, "tags[0]"},
		// The Worker refuses these slugs in site.json's pagedTags and the tags
		// pages (a whole-site 503) and answers their /tags/ pages 404.
		{"tag slug 201 bytes", "", "", map[string]string{"tags": `[{"name":"a","slug":"` + strings.Repeat("%F0%9F%98%80", 50) + `a"}]`}, "tags[0]"},
		{"tag slug lower hex", "", "", map[string]string{"tags": `[{"name":"é","slug":"%c3%a9"}]`}, "tags[0]"},
		{"tag slug slash", "", "", map[string]string{"tags": `[{"name":"a/b","slug":"a/b"}]`}, "tags[0]"},
		{"tag slug upper", "", "", map[string]string{"tags": `[{"name":"A","slug":"A"}]`}, "tags[0]"},
		{"features not strings", "", "", map[string]string{"features": `[1]`}, "features"},
		{"feature no type", "", "", map[string]string{"features": `["code"]`}, "features"},
		{"bad slug", "", "Hello", nil, "slug"},
		{"slug empty segment", "", "a//b", nil, "slug"},
		{"bad collection", "Blog", "", nil, "collection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ToMetadata(rec("a", day(0)))
			for k, v := range tt.set {
				if v == "" {
					delete(m, k)
				} else {
					m[k] = v
				}
			}
			col, slug := cmp.Or(tt.collection, "blog"), cmp.Or(tt.slug, "a")
			_, err := FromMetadata(col, "/blog", slug, m)
			wantErr(t, err, tt.want)
		})
	}
}

// TestTagSlugAtLimit: a tag slug of exactly contract.MaxTagSlugBytes bytes
// decoded (50 four-byte emoji) is a record's tag; one more byte is not
// (TestFromMetadataErrors).
func TestTagSlugAtLimit(t *testing.T) {
	m := ToMetadata(rec("a", day(0)))
	m["tags"] = `[{"name":"e","slug":"` + strings.Repeat("%F0%9F%98%80", 50) + `"}]`
	if _, err := FromMetadata("blog", "/blog", "a", m); err != nil {
		t.Fatal(err)
	}
}
