package manifest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/contract"
)

// jsonNames are the JSON names of struct type t's fields.
func jsonNames(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range t.NumField() {
		out[strings.Split(t.Field(i).Tag.Get("json"), ",")[0]] = true
	}
	return out
}

// TestPlainFieldsInStructs checks the contract's plain fields against the
// structs that carry them: each is a JSON field of Record, and of Summary
// exactly when it is a List field (the Worker's shape checks read
// contract.js's PLAIN_FIELDS and LIST_FIELDS, made from the same table).
func TestPlainFieldsInStructs(t *testing.T) {
	rec, sum := jsonNames(reflect.TypeFor[Record]()), jsonNames(reflect.TypeFor[Summary]())
	for _, f := range contract.MetaFields {
		if f.List && !f.Plain() {
			t.Errorf("%s: List is for plain fields only", f.Name)
		}
		if !f.Plain() {
			continue
		}
		if !rec[f.Record] {
			t.Errorf("%s: plain, but Record has no JSON field %q", f.Name, f.Record)
		}
		if sum[f.Record] != f.List {
			t.Errorf("%s: List is %v, but Summary has JSON field %q: %v", f.Name, f.List, f.Record, sum[f.Record])
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
			for _, f := range contract.MetaFields {
				if f.Plain() {
					*r.Text(f.Record) = "v " + f.Name
				}
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
				for _, f := range contract.MetaFields {
					if f.Plain() && *r.Text(f.Record) != "v "+f.Name {
						t.Fatalf("%s: record %s has %s %q", k, r.Slug, f.Record, *r.Text(f.Record))
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
				for _, f := range contract.MetaFields {
					if f.Plain() && f.List && m[f.Record] != "v "+f.Name {
						t.Fatalf("%s: summary %s has %s %v", k, s.Slug, f.Record, m[f.Record])
					}
				}
			}
		}
	}
	if shards != want || summaries == 0 {
		t.Fatalf("%d shard records (want %d), %d summaries", shards, want, summaries)
	}
}
