package contract

import (
	"slices"

	"github.com/axctl/axctl/internal/store"
)

// MetadataSize returns what an object's custom metadata costs against the
// store's limit (limits.metadataBytes): every header name with its value as
// it travels (store.MetadataSize), after checking that each key can travel
// at all. meta holds decoded values, as an entry's record gives them.
func MetadataSize(meta map[string]string) (int, error) {
	if _, err := store.EncodeMetadata(meta); err != nil {
		return 0, err
	}
	return store.MetadataSize(meta), nil
}

// Entry custom metadata names (docs/bucket.md, "Entry custom metadata"):
// what sync writes on entries/<collection>/<slug>.html. Collection and slug
// live in the object key instead. The plain text fields' names are not
// here: ListText and EntryText declare them (TextFields).
const (
	MetaTitle       = "title"
	MetaDate        = "date"
	MetaTags        = "tags"
	MetaFeatures    = "features"
	MetaWords       = "words"
	MetaPublishDate = "publishdate"
	MetaExpires     = "expires"
	MetaHash        = "hash"
	MetaInput       = "input"
	MetaAliases     = "aliases"
	MetaWeight      = "weight"
	// MetaTOC is read, never written: objects synced before the table of
	// contents moved into the body carry it here.
	MetaTOC = "toc"
)

// Forms of metadata values (the Worker refuses to serve an entry whose
// metadata does not have them; manifest.FromMetadata checks the same).
const (
	DatePattern   = `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`
	HexPattern    = `^[0-9a-f]{32}$`
	WordsPattern  = `^(0|[1-9]\d*)$`
	WeightPattern = `^-?[1-9]\d{0,9}$`
)

// MetaKind is how a metadata value reads: text as is, a decimal integer, or
// a JSON array.
type MetaKind string

// The kinds of MetaField.
const (
	MetaText MetaKind = "text"
	MetaInt  MetaKind = "int"
	MetaJSON MetaKind = "json"
)

// MetaNeed says when a metadata field must be present.
type MetaNeed int

// The needs of MetaField.
const (
	MetaOptional MetaNeed = iota
	MetaRequired          // on every entry
	MetaDated             // on every entry of a dated collection
)

// MetaField is one entry custom metadata field as both sides read it.
type MetaField struct {
	Name    string   `json:"name"`              // the metadata key (lower case)
	Record  string   `json:"record,omitempty"`  // the field of the record the Worker makes of it; "" for none
	Kind    MetaKind `json:"kind"`              // how the value reads
	Need    MetaNeed `json:"need,omitempty"`    // when it must be present
	Pattern string   `json:"pattern,omitempty"` // the one form of a present value; "" for any
	// Items are the string fields every item of a MetaJSON array must
	// have to be kept (the Worker drops the others).
	Items []string `json:"items,omitempty"`
	// List marks a plain text field that listings carry too (declared in
	// ListText): tag pages' summaries (manifest.Summary) besides shards,
	// site.json's latest and the entry itself.
	List bool `json:"list,omitempty"`
}

// MetaFields are the entry custom metadata fields, in the order the Worker
// checks them (the first problem is the one it reports). contract.js
// carries them as META_FIELDS; worker/src/meta.js reads and checks entry
// metadata from this table alone. The plain text fields' rows come from
// TextFields: a new one is declared in ListText or EntryText, not here.
var MetaFields = slices.Concat(fixedMetaFields, textMetaFields(), []MetaField{{Name: MetaAliases, Kind: MetaJSON}})

// fixedMetaFields are the fields of a form of their own, written by hand.
var fixedMetaFields = []MetaField{
	{Name: MetaTitle, Record: "title", Kind: MetaText, Need: MetaRequired, Pattern: `.`},
	{Name: MetaDate, Record: "date", Kind: MetaText, Need: MetaDated, Pattern: DatePattern},
	{Name: MetaWords, Record: "words", Kind: MetaInt, Need: MetaRequired, Pattern: WordsPattern},
	{Name: MetaHash, Record: "hash", Kind: MetaText, Need: MetaRequired, Pattern: HexPattern},
	{Name: MetaInput, Kind: MetaText, Need: MetaRequired, Pattern: HexPattern},
	{Name: MetaWeight, Record: "weight", Kind: MetaInt, Pattern: WeightPattern},
	{Name: MetaPublishDate, Record: "publishDate", Kind: MetaText, Pattern: DatePattern},
	{Name: MetaExpires, Record: "expires", Kind: MetaText, Pattern: DatePattern},
	{Name: MetaTags, Record: "tags", Kind: MetaJSON, Items: []string{"name", "slug"}},
	{Name: MetaTOC, Record: "toc", Kind: MetaJSON, Items: []string{"id", "text"}},
	{Name: MetaFeatures, Record: "features", Kind: MetaJSON},
}

func textMetaFields() []MetaField {
	out := make([]MetaField, len(TextFields))
	for i, f := range TextFields {
		out[i] = f.metaField()
	}
	return out
}
