package contract_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/contract"
)

// TestMetadataSize: the size counts each header name ("x-amz-meta-" + key)
// and each value as it travels (non-ASCII as RFC 2047 encoded-words); a key
// no header can carry is an error, not a size.
func TestMetadataSize(t *testing.T) {
	for _, tc := range []struct {
		meta map[string]string
		want int
		err  string
	}{
		{nil, 0, ""},
		{map[string]string{"title": "Hello"}, len("x-amz-meta-title") + len("Hello"), ""},
		{map[string]string{"title": "Zoë"}, len("x-amz-meta-title") + len("=?UTF-8?b?Wm/Dqw==?="), ""},
		{map[string]string{"a": "1", "bb": "22"}, len("x-amz-meta-a1") + len("x-amz-meta-bb22"), ""},
		{map[string]string{"Title": "x"}, 0, "lowercase"},
		{map[string]string{"ti tle": "x"}, 0, "only a-z"},
	} {
		got, err := contract.MetadataSize(tc.meta)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("MetadataSize(%q) = %d, %v; want an error mentioning %q", tc.meta, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("MetadataSize(%q) = %d, %v; want %d", tc.meta, got, err, tc.want)
		}
	}
}

// TestTextFields checks what ListText and EntryText declare: string
// fields tagged `json:"name,omitempty"` (and `text:"multiline"` or no text
// tag), whose metadata names are lowercase letters, each its own, and
// that MetaFields has each one's row with List set for ListText's.
func TestTextFields(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[contract.ListText](), reflect.TypeFor[contract.EntryText]()} {
		for i := range typ.NumField() {
			sf := typ.Field(i)
			name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if sf.Type.Kind() != reflect.String || name == "" || opts != "omitempty" {
				t.Errorf("%s.%s: want a string field tagged json:\"name,omitempty\", have %s `%s`", typ.Name(), sf.Name, sf.Type, sf.Tag)
			}
			if text := sf.Tag.Get("text"); text != "" && text != "multiline" {
				t.Errorf("%s.%s: text:%q, want multiline or no text tag", typ.Name(), sf.Name, text)
			}
		}
	}
	rows := map[string]contract.MetaField{}
	for _, f := range contract.MetaFields {
		if _, dup := rows[f.Name]; dup {
			t.Errorf("metadata name %q appears twice in MetaFields", f.Name)
		}
		rows[f.Name] = f
	}
	want := reflect.TypeFor[contract.ListText]().NumField() + reflect.TypeFor[contract.EntryText]().NumField()
	if len(contract.TextFields) != want {
		t.Fatalf("%d TextFields, want %d", len(contract.TextFields), want)
	}
	for _, f := range contract.TextFields {
		if !regexp.MustCompile(`^[a-z]+$`).MatchString(f.Meta) {
			t.Errorf("%s: metadata name %q, want lowercase letters only", f.Key, f.Meta)
		}
		row := rows[f.Meta]
		if row.Record != f.Key || row.Kind != contract.MetaText || row.Need != contract.MetaOptional || row.Pattern != "" || row.List != f.List {
			t.Errorf("%s: MetaFields row %+v", f.Key, row)
		}
		var l contract.ListText
		var e contract.EntryText
		*f.In(&l, &e) = "x"
		if l == (contract.ListText{}) == f.List {
			t.Errorf("%s: In sets a field of the other struct", f.Key)
		}
	}
}
