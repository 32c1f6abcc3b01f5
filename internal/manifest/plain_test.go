package manifest

import (
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
