package syncer

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/store"
)

var keptCols = []manifest.Collection{
	{Name: "blog", Route: "/blog", Title: "B"},
	{Name: "docs", Route: "/docs", Title: "D", SortBy: contract.SortWeight},
	{Name: "notes", Route: "/", Title: "N", FullFeed: true},
}

// keptRecord draws a record of collection c.
func keptRecord(rng *rand.Rand, c string, i int) manifest.Record {
	r := manifest.Record{
		Slug: fmt.Sprintf("e%d", i), Title: fmt.Sprintf("Entry %d", i),
		Hash: fmt.Sprintf("%032x", rng.Uint64()), Input: fmt.Sprintf("%032x", rng.Uint64()),
		Words: rng.IntN(3000),
	}
	r.Key = manifest.EntryKey(c, r.Slug)
	if c == "docs" {
		r.Weight = rng.IntN(5) - 2
	} else {
		r.Date = fmt.Sprintf("2026-01-%02dT00:00:00Z", 1+rng.IntN(20))
	}
	for range rng.IntN(5) {
		t := min(rng.IntN(8), rng.IntN(8))
		r.Tags = append(r.Tags, manifest.Tag{Name: fmt.Sprintf("T%d", t), Slug: fmt.Sprintf("t%d", t)})
	}
	switch rng.IntN(8) {
	case 0:
		r.PublishDate = fmt.Sprintf("2026-03-%02dT00:00:00Z", 1+rng.IntN(20))
	case 1:
		r.Expires = "2027-01-01T00:00:00Z"
	}
	if rng.IntN(6) == 0 {
		r.Aliases = []string{"/old/" + r.Slug}
	}
	if rng.IntN(3) == 0 {
		r.Author, r.Description = "A", "D"
	}
	return r
}

// mutate changes one exported field of r (found by reflection, so a field
// added to Record is covered too) to another valid value, and returns its
// name.
func mutate(rng *rand.Rand, r *manifest.Record) string {
	// The record's own fields and those of the structs it embeds
	// (contract.ListText, EntryText), in declaration order.
	var leaves []reflect.StructField
	for _, sf := range reflect.VisibleFields(reflect.TypeFor[manifest.Record]()) {
		if !sf.Anonymous {
			leaves = append(leaves, sf)
		}
	}
	sf := leaves[rng.IntN(len(leaves))]
	name := sf.Name
	fv := reflect.ValueOf(r).Elem().FieldByIndex(sf.Index)
	switch fv.Kind() {
	case reflect.String:
		switch name {
		case "Date", "PublishDate", "Expires":
			if name == "Date" && fv.String() == "" {
				return mutate(rng, r) // undated: a date would be invalid
			}
			fv.SetString(fmt.Sprintf("2026-0%d-%02dT00:00:00Z", 1+rng.IntN(4), 1+rng.IntN(28)))
		case "Slug":
			fv.SetString(fv.String() + "-x")
			r.Key = r.Key[:len(r.Key)-len(".html")] + "-x.html"
		case "Hash", "Input":
			fv.SetString(fmt.Sprintf("%032x", rng.Uint64()^1))
		case "Key", "URL", "Collection":
			return mutate(rng, r) // derived from the slug and collection: Build checks them
		default:
			fv.SetString(fv.String() + "x")
		}
	case reflect.Int:
		if name == "Weight" && r.Date != "" {
			return mutate(rng, r) // dated: a weight would be invalid
		}
		fv.SetInt(fv.Int() + 1)
	case reflect.Slice:
		n := reflect.New(fv.Type().Elem()).Elem()
		switch e := n.Addr().Interface().(type) {
		case *string:
			*e = "/added/" + r.Slug
			if name == "Features" {
				*e = "f1:added"
			}
		case *manifest.Tag:
			*e = manifest.Tag{Name: "Added", Slug: "added"}
		case *manifest.Link:
			*e = manifest.Link{URL: "/blog/e0", Title: "E"}
		default:
			panic(fmt.Sprintf("mutate: a slice of %s: add a case", fv.Type().Elem()))
		}
		fv.Set(reflect.Append(fv, n))
	default:
		panic(fmt.Sprintf("mutate: field %s of kind %s: add a case", name, fv.Kind()))
	}
	return name
}

// objects reads every item's bytes back.
func objects(t *testing.T, items []plan.Item) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, it := range items {
		rc, err := it.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(b)) != it.Size || store.MD5Hex(b) != it.MD5 {
			t.Fatalf("%s: size %d md5 %s, item says %d %s", it.Key, len(b), store.MD5Hex(b), it.Size, it.MD5)
		}
		out[it.Key] = b
	}
	return out
}

// TestManifestsKeptOracle: on random sites changed one step at a time, the
// manifests a sync takes from the cache are byte for byte those a fresh
// build makes, site.json and the MD5s by key included; every change to a
// record (any field, found by reflection), an added or removed record, a
// new page size or a time that moves an entry in or out of the schedule
// builds again, and a step that changes nothing (or only the order the
// records were loaded in) does not.
func TestManifestsKeptOracle(t *testing.T) {
	for seed := range uint64(12) {
		rng := rand.New(rand.NewPCG(seed, 17))
		recs := map[string][]manifest.Record{}
		next := 0
		for range 1 + rng.IntN(60) {
			c := keptCols[rng.IntN(len(keptCols))].Name
			recs[c] = append(recs[c], keptRecord(rng, c, next))
			next++
		}
		dir := filepath.Join(t.TempDir(), "manifests")
		site := manifest.Site{Title: "S", BaseURL: "https://example.com", Now: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)}
		pageSize := 1 + rng.IntN(6)
		hits, builds := 0, 0
		for step := range 40 {
			what, changed := "nothing", false
			switch k := rng.IntN(9); {
			case k == 0:
				c := keptCols[rng.IntN(len(keptCols))].Name
				recs[c] = append(recs[c], keptRecord(rng, c, next))
				next++
				what, changed = "added a record", true
			case k == 1:
				for c, l := range recs {
					if len(l) > 1 {
						i := rng.IntN(len(l))
						recs[c] = append(l[:i:i], l[i+1:]...)
						what, changed = "removed a record", true
						break
					}
				}
			case k == 2:
				for c := range recs {
					rng.Shuffle(len(recs[c]), func(i, j int) { recs[c][i], recs[c][j] = recs[c][j], recs[c][i] })
				}
				what = "shuffled"
			case k == 3:
				pageSize++
				what, changed = "page size", true
			case k == 4:
				site.Now = site.Now.Add(time.Duration(rng.IntN(10*24)) * time.Hour)
				what = "time" // changed if the schedule differs: judged below
			case k <= 7:
				for _, l := range recs {
					if len(l) > 0 {
						what, changed = "record field "+mutate(rng, &l[rng.IntN(len(l))]), true
						break
					}
				}
			}
			fresh := &Built{records: chunked(recs)}
			wantItems, wantErr := fresh.buildManifests(site, keptCols, pageSize, "", "")
			before := manifestBuilds.Load()
			b := &Built{records: chunked(recs)}
			gotItems, gotErr := b.buildManifests(site, keptCols, pageSize, dir, "fp")
			built := manifestBuilds.Load() != before
			if wantErr != nil || gotErr != nil {
				t.Fatalf("seed %d step %d (%s): error %v, fresh build %v", seed, step, what, gotErr, wantErr)
			}
			want, got := objects(t, wantItems), objects(t, gotItems)
			if len(got) != len(want) {
				t.Fatalf("seed %d step %d (%s): %d objects, fresh build %d", seed, step, what, len(got), len(want))
			}
			for k, w := range want {
				if !bytes.Equal(got[k], w) {
					t.Fatalf("seed %d step %d (%s, built %v): %s differs:\n got %s\nwant %s", seed, step, what, built, k, got[k], w)
				}
				if b.local[k] != fresh.local[k] {
					t.Fatalf("seed %d step %d: local MD5 of %s", seed, step, k)
				}
			}
			if !bytes.Equal(b.site, fresh.site) || len(b.local) != len(fresh.local) {
				t.Fatalf("seed %d step %d (%s): site.json or the MD5s by key differ", seed, step, what)
			}
			if what == "time" {
				changed = built // the bytes matched a fresh build either way
			}
			if changed && !built {
				t.Fatalf("seed %d step %d: %s, but the kept manifests were used", seed, step, what)
			}
			if !changed && built && step > 0 && hits+builds > 0 {
				t.Fatalf("seed %d step %d: %s changed, but the manifests were built again", seed, step, what)
			}
			if built {
				builds++
			} else {
				hits++
			}
		}
		if hits == 0 || builds < 2 {
			t.Fatalf("seed %d: %d kept, %d built: the steps did not exercise both", seed, hits, builds)
		}
	}
}

// chunked holds recs as Built does.
func chunked(recs map[string][]manifest.Record) map[string]*chunks[manifest.Record] {
	out := map[string]*chunks[manifest.Record]{}
	for c, l := range recs {
		out[c] = &chunks[manifest.Record]{}
		for _, r := range l {
			out[c].add(r)
		}
	}
	return out
}
