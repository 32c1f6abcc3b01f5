package contract_test

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/contract"
)

// TestObjects: every row of Objects has a struct of the described form, a
// name a collection could otherwise take (so reserving it matters), and is
// reserved.
func TestObjects(t *testing.T) {
	name := regexp.MustCompile(contract.NamePattern)
	seen := map[string]bool{}
	for _, o := range contract.Objects {
		if _, err := o.Fields(); err != nil {
			t.Error(err)
		}
		if !name.MatchString(o.Name) || seen[o.Name] {
			t.Errorf("object %q: not a collection name, or twice", o.Name)
		}
		seen[o.Name] = true
		if !contract.IsReservedName(o.Name) {
			t.Errorf("object %q: name not reserved", o.Name)
		}
		if o.Route != "" && (!strings.HasPrefix(o.Route, "/") || !contract.IsReservedRoute(o.Route)) {
			t.Errorf("object %q: route %q not reserved", o.Name, o.Route)
		}
	}
	if got := len(contract.ReservedNames); got != len(slices.Compact(slices.Sorted(slices.Values(contract.ReservedNames)))) {
		t.Errorf("ReservedNames has a name twice: %q", contract.ReservedNames)
	}
}

type goodKind struct {
	Version int    `json:"version"`
	Title   string `json:"title"`
	Entries int    `json:"entries"`
}

func TestObjectFields(t *testing.T) {
	got, err := contract.Object{Name: "good", Shape: goodKind{}}.Fields()
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"version": "version", "title": "string", "entries": "int"}; !maps.Equal(got, want) {
		t.Errorf("Fields = %v, want %v", got, want)
	}
	for name, shape := range map[string]any{
		"not a struct": "x",
		"nil":          nil,
		"no version first": struct {
			Title string `json:"title"`
		}{},
		"version not int": struct {
			Version string `json:"version"`
		}{},
		"version misnamed": struct {
			Version int `json:"v"`
		}{},
		"omitempty": struct {
			Version int    `json:"version"`
			A       string `json:"a,omitempty"`
		}{},
		"untagged": struct {
			Version int `json:"version"`
			A       string
		}{},
		"a list": struct {
			Version int      `json:"version"`
			A       []string `json:"a"`
		}{},
	} {
		if _, err := (contract.Object{Name: "bad", Shape: shape}).Fields(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestObjectsJS: a row of Objects reaches contract.js as OBJECTS, and a row
// of the wrong form stops the generator.
func TestObjectsJS(t *testing.T) {
	old := contract.Objects
	t.Cleanup(func() { contract.Objects = old })
	contract.Objects = []contract.Object{{Name: "good", Route: "/good.txt", Shape: goodKind{}}}
	js, err := contract.WorkerJS()
	if err != nil {
		t.Fatal(err)
	}
	want := `export const OBJECTS = Object.freeze({"good":{"key":"metadata/good.json","route":"/good.txt","fields":{"entries":"int","title":"string","version":"version"}}});` + "\n"
	if !strings.Contains(string(js), want) {
		t.Errorf("contract.js lacks %s", want)
	}
	contract.Objects = []contract.Object{{Name: "bad", Shape: struct{ Title string }{}}}
	if _, err := contract.WorkerJS(); err == nil {
		t.Error("WorkerJS with a bad row: no error")
	}
}
