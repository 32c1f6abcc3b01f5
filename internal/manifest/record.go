// Package manifest builds the collection manifests the Worker reads:
// records, deterministic encoding, shards, and rebuild from bucket metadata.
// The byte format is docs/bucket.md.
package manifest

import "github.com/axctl/axctl/internal/contract"

// Tag is a display name and the URL-safe slug computed from it.
type Tag struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// Heading is one table-of-contents line.
type Heading struct {
	Level int    `json:"level"`
	ID    string `json:"id"`
	Text  string `json:"text"`
}

// Record describes one published entry. Field order is the JSON key order.
type Record struct {
	Collection string `json:"collection,omitempty"` // only in site.json's latest
	Slug       string `json:"slug"`
	URL        string `json:"url"`
	Key        string `json:"key"`
	Hash       string `json:"hash"`
	Input      string `json:"input"`
	Title      string `json:"title"`
	// Date is empty, and Weight set or 0, in an undated collection
	// (Collection.SortBy == contract.SortWeight); every record of a dated
	// collection has a Date and no Weight.
	Date   string `json:"date,omitempty"`
	Weight int    `json:"weight,omitempty"`
	// The plain text fields (contract.TextFields): ListText's before the
	// tags, EntryText's after them.
	contract.ListText
	Tags []Tag `json:"tags,omitempty"`
	contract.EntryText
	Features    []string `json:"features,omitempty"`
	Words       int      `json:"words"`
	PublishDate string   `json:"publishDate,omitempty"`
	Expires     string   `json:"expires,omitempty"`
	// Related is computed by Build from every record's tags and dates
	// (related.go); only shards carry it, never metadata or site.json.
	Related []Link `json:"related,omitempty"`
	// Aliases are site paths that redirect (301) to URL. They travel in
	// the object's metadata and site.json's aliases, not in shards.
	Aliases []string `json:"-"`
}
