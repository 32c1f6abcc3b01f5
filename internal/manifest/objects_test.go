package manifest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/contract"
)

// TestObjectBuilds: every contract.Objects row has a build that returns its
// Shape type, and every build a row.
func TestObjectBuilds(t *testing.T) {
	sm := &SiteManifest{Version: Version}
	for _, o := range contract.Objects {
		build, ok := objectBuilds[o.Name]
		if !ok {
			t.Errorf("object %q: no build in objectBuilds", o.Name)
			continue
		}
		if got, want := reflect.TypeOf(build(sm)), reflect.TypeOf(o.Shape); got != want {
			t.Errorf("object %q: build returns %v, want %v", o.Name, got, want)
		}
	}
	for name := range objectBuilds {
		if _, ok := contract.ObjectOf(contract.Object{Name: name}.Key()); !ok {
			t.Errorf("objectBuilds[%q]: no such row in contract.Objects", name)
		}
	}
}

// testKind is an object kind declared only by TestObjectKind.
type testKind struct {
	Version int    `json:"version"`
	Title   string `json:"title"`
	Entries int    `json:"entries"`
}

// withTestKind declares testKind as contract.Objects' only row for the
// test, the way a new kind is declared: a row and a build.
func withTestKind(t *testing.T) contract.Object {
	o := contract.Object{Name: "testkind", Route: "/testkind.txt", Shape: testKind{}}
	oldObjects := contract.Objects
	contract.Objects = []contract.Object{o}
	objectBuilds[o.Name] = func(sm *SiteManifest) any {
		n := 0
		for _, c := range sm.Collections {
			n += c.Total
		}
		return testKind{Version: Version, Title: sm.Title, Entries: n}
	}
	t.Cleanup(func() {
		contract.Objects = oldObjects
		delete(objectBuilds, o.Name)
	})
	return o
}

// TestObjectKind: a row of contract.Objects and its build are all a build
// needs to write the object, just before site.json, and to decode it
// strictly.
func TestObjectKind(t *testing.T) {
	o := withTestKind(t)
	cols := []Collection{blog, notes}
	recs := map[string][]Record{"blog": series("post", 3), "notes": series("note", 2)}
	var keys []string
	var body []byte
	err := BuildEach(site, cols, recs, 2, func(key string, b []byte) error {
		keys = append(keys, key)
		if key == o.Key() {
			body = append([]byte(nil), b...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(keys); n < 2 || keys[n-2] != "metadata/testkind.json" || keys[n-1] != SiteKey {
		t.Fatalf("keys end %q, want the object then %s", keys[max(0, len(keys)-3):], SiteKey)
	}
	want := `{"version":1,"title":"` + site.Title + `","entries":5}` + "\n"
	if string(body) != want {
		t.Errorf("object = %s, want %s", body, want)
	}
	v, err := DecodeObject(o.Key(), body)
	if err != nil {
		t.Fatal(err)
	}
	if got := *v.(*testKind); got != (testKind{Version: 1, Title: site.Title, Entries: 5}) {
		t.Errorf("DecodeObject = %+v", got)
	}
	for _, bad := range []string{
		`{"version":1,"title":"x","entries":5,"extra":1}`,
		`{"version":2,"title":"x","entries":5}`,
		`{"version":1,"title":"x","entries":5} {}`,
		`{"version":1,"title":5,"entries":5}`,
	} {
		if _, err := DecodeObject(o.Key(), []byte(bad)); err == nil {
			t.Errorf("DecodeObject(%s): no error", bad)
		}
	}
	if _, err := DecodeObject(SiteKey, []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "not an object kind") {
		t.Errorf("DecodeObject(site.json) = %v, want not an object kind", err)
	}
}

// TestObjectKindNeedsBuild: a row without a build fails the build rather
// than leaving the object out.
func TestObjectKindNeedsBuild(t *testing.T) {
	o := withTestKind(t)
	delete(objectBuilds, o.Name)
	_, err := Build(site, nil, nil, 2)
	if err == nil || !strings.Contains(err.Error(), "no build") {
		t.Fatalf("Build = %v, want no build", err)
	}
}
