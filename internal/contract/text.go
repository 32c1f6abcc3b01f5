package contract

import (
	"reflect"
	"strings"
)

// ListText and EntryText declare the plain text fields of an entry: optional
// strings that travel as they are, under one name, from the frontmatter to
// the page. Each is declared here once, and every layer derives from it:
//
//   - content.Frontmatter embeds both: the frontmatter key is the JSON name,
//     read as a string (schema.go, one loop over TextFields);
//   - manifest.Record embeds both (shards, site.json's latest), and
//     manifest.Summary embeds ListText (tag pages);
//   - MetaFields holds a row for each, the metadata name being the JSON
//     name in lower case, and so does contract.js (META_FIELDS, PLAIN_FIELDS,
//     LIST_FIELDS), from which the Worker reads and checks them.
//
// A new one is a line in one of the two structs plus its renderer in
// worker/src/layout.js (docs/bucket.md, "Adding a field or an object
// kind"). The JSON tag must be `json:"name,omitempty"`; `text:"multiline"`
// lets the value hold tabs and line breaks (a one-line field refuses them).
// Fields with a form of their own (dates, weight, tags, features, aliases)
// are written by hand.
//
// ListText's fields come before a record's tags and EntryText's after them,
// so their order here is the key order of the JSON the bucket holds.
type ListText struct {
	Author      string `json:"author,omitempty"`
	Description string `json:"description,omitempty" text:"multiline"`
}

// EntryText are the plain text fields that tag pages' summaries leave out:
// the entry's metadata, its shard record and site.json's latest carry them
// (and ListText's). See ListText.
type EntryText struct {
	// Template is the Worker layout (post, doc, page); content checks it
	// against the collection's templates and maps it to one.
	Template string `json:"template,omitempty"`
	Source   string `json:"source,omitempty"` // content checks it is an http(s) URL
}

// TextField is one plain text field as ListText or EntryText declares it.
type TextField struct {
	Key       string // frontmatter key and record JSON name (the json tag)
	Meta      string // metadata name: Key in lower case
	List      bool   // declared in ListText: listings carry it too
	Multiline bool   // tagged text:"multiline"
	index     int    // of the field in its struct
}

// TextFields are ListText's fields, then EntryText's, in declaration order.
var TextFields = append(textFields(reflect.TypeFor[ListText](), true), textFields(reflect.TypeFor[EntryText](), false)...)

func textFields(t reflect.Type, list bool) []TextField {
	var out []TextField
	for i := range t.NumField() {
		sf := t.Field(i)
		key, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		out = append(out, TextField{Key: key, Meta: strings.ToLower(key), List: list, Multiline: sf.Tag.Get("text") == "multiline", index: i})
	}
	return out
}

// In returns f's field in l, when ListText declares it, else in e.
func (f TextField) In(l *ListText, e *EntryText) *string {
	v := reflect.ValueOf(e)
	if f.List {
		v = reflect.ValueOf(l)
	}
	return v.Elem().Field(f.index).Addr().Interface().(*string)
}

// metaField is f's row in MetaFields.
func (f TextField) metaField() MetaField {
	return MetaField{Name: f.Meta, Record: f.Key, Kind: MetaText, List: f.List}
}
