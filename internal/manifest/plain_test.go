package manifest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/axctl/axctl/internal/contract"
)

// jsonFields are the JSON names encoding/json writes for v, embedded
// structs' fields included.
func jsonFields(t *testing.T, v any) map[string]bool {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

// TestTextFieldsInStructs checks the contract's plain text fields against
// the structs that carry them: each is a JSON field of Record, and of
// Summary exactly when listings carry it (the Worker's shape checks read
// contract.js's PLAIN_FIELDS and LIST_FIELDS, made from the same fields).
func TestTextFieldsInStructs(t *testing.T) {
	var r Record
	for _, f := range contract.TextFields {
		*f.In(&r.ListText, &r.EntryText) = "x"
	}
	rec, sum := jsonFields(t, r), jsonFields(t, Summary{ListText: r.ListText})
	for _, f := range contract.TextFields {
		if !rec[f.Key] {
			t.Errorf("%s: Record has no JSON field %q", f.Meta, f.Key)
		}
		if sum[f.Key] != f.List {
			t.Errorf("%s: List is %v, but Summary has JSON field %q: %v", f.Meta, f.List, f.Key, sum[f.Key])
		}
	}
}

// TestPlainFieldsReachEveryObject: a value in every plain field of every
// record comes out of Build in every shard record and, for a List field,
// every tag page summary — so a plain field the appenders (builder.go)
// leave out fails here, where the encoding oracle (which re-encodes what it
// decodes) cannot see it.
func TestPlainFieldsReachEveryObject(t *testing.T) {
	cols := []Collection{{Name: "blog", Route: "/blog", Title: "B"}, {Name: "docs", Route: "/docs", Title: "D", SortBy: contract.SortWeight}}
	recs := randomSite(rand.New(rand.NewPCG(3, 5)), 60, 4)
	delete(recs, "notes")
	want := len(recs["blog"]) + len(recs["docs"])
	for c := range recs {
		for i := range recs[c] {
			r := &recs[c][i]
			r.Hash, r.Input = hex32(fmt.Sprint("h", c, i)), hex32(fmt.Sprint("i", c, i))
			if c == "docs" {
				r.Date, r.Weight = "", 1+i%3
			}
			for _, f := range contract.TextFields {
				*f.In(&r.ListText, &r.EntryText) = "v " + f.Meta
			}
		}
	}
	out, err := Build(site, cols, recs, 4)
	if err != nil {
		t.Fatal(err)
	}
	shards, summaries := 0, 0
	for k, b := range out {
		v, err := decodeAny(k, b)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		switch v := v.(type) {
		case Shard:
			for _, r := range v.Records {
				shards++
				for _, f := range contract.TextFields {
					if got := *f.In(&r.ListText, &r.EntryText); got != "v "+f.Meta {
						t.Fatalf("%s: record %s has %s %q", k, r.Slug, f.Key, got)
					}
				}
			}
		case TagChunk:
			for _, s := range v.Records {
				summaries++
				b, _ := json.Marshal(s)
				var m map[string]any
				if err := json.Unmarshal(b, &m); err != nil {
					t.Fatal(err)
				}
				for _, f := range contract.TextFields {
					if f.List && m[f.Key] != "v "+f.Meta {
						t.Fatalf("%s: summary %s has %s %v", k, s.Slug, f.Key, m[f.Key])
					}
				}
			}
		}
	}
	if shards != want || summaries == 0 {
		t.Fatalf("%d shard records (want %d), %d summaries", shards, want, summaries)
	}
}
