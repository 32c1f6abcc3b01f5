package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"

	"github.com/axctl/axctl/internal/contract"
)

// aliasRe is an alias: a site path the Worker can be asked for (content's
// aliasPath makes every alias this shape).
var aliasRe = regexp.MustCompile(`^/[a-z0-9][a-z0-9-]{0,63}(?:/[a-z0-9-]+)*$`)

var tagSlugRe = regexp.MustCompile(contract.TagSlugPattern)

// Metadata is ToMetadata(*r): as a method value it is a plan item's Meta
// at 16 bytes an entry, where a closure over a collection and an index
// took 48.
func (r *Record) Metadata() map[string]string { return ToMetadata(*r) }

// ToMetadata encodes r as an entry object's custom metadata. Empty optional
// fields are left out; features are written sorted and deduplicated. Values
// are UTF-8 as is: the store encodes non-ASCII ones on the wire.
func ToMetadata(r Record) map[string]string {
	m := map[string]string{
		contract.MetaTitle: r.Title,
		contract.MetaWords: strconv.Itoa(r.Words),
		contract.MetaHash:  r.Hash,
		contract.MetaInput: r.Input,
	}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set(contract.MetaDate, r.Date)
	if r.Weight != 0 {
		m[contract.MetaWeight] = strconv.Itoa(r.Weight)
	}
	for _, f := range contract.TextFields {
		set(f.Meta, *f.In(&r.ListText, &r.EntryText))
	}
	set(contract.MetaPublishDate, r.PublishDate)
	set(contract.MetaExpires, r.Expires)
	if len(r.Tags) > 0 {
		m[contract.MetaTags] = compactJSON(r.Tags)
	}
	if f := normFeatures(r.Features); len(f) > 0 {
		m[contract.MetaFeatures] = compactJSON(f)
	}
	if len(r.Aliases) > 0 {
		m[contract.MetaAliases] = compactJSON(r.Aliases)
	}
	return m
}

// FromMetadata decodes the custom metadata of the object
// entries/<collection>/<slug>.html back into its Record. Unknown keys are
// ignored; a missing required field or a malformed value is an error that
// names the field.
func FromMetadata(collection, route, slug string, m map[string]string) (Record, error) {
	if err := CheckCollection(collection); err != nil {
		return Record{}, err
	}
	if err := checkSlug(slug); err != nil {
		return Record{}, err
	}
	r := Record{
		Slug:        slug,
		URL:         EntryURL(route, slug),
		Key:         EntryKey(collection, slug),
		Title:       m[contract.MetaTitle],
		Date:        m[contract.MetaDate],
		Hash:        m[contract.MetaHash],
		Input:       m[contract.MetaInput],
		PublishDate: m[contract.MetaPublishDate],
		Expires:     m[contract.MetaExpires],
	}
	for _, f := range contract.TextFields {
		*f.In(&r.ListText, &r.EntryText) = m[f.Meta]
	}
	if err := decodeMeta(&r, m); err != nil {
		return Record{}, fmt.Errorf("metadata of %q: %w", r.Key, err)
	}
	return r, nil
}

// decodeMeta fills r's structured fields from m and validates every field.
func decodeMeta(r *Record, m map[string]string) error {
	// date is absent in an undated collection: Build requires it of a
	// dated one, so a rebuild still fails loudly on a stripped date.
	for _, k := range []string{contract.MetaTitle, contract.MetaWords, contract.MetaHash, contract.MetaInput} {
		if m[k] == "" {
			return fmt.Errorf("%s: missing", k)
		}
	}
	words, err := strconv.Atoi(m[contract.MetaWords])
	if err != nil || words < 0 || strconv.Itoa(words) != m[contract.MetaWords] {
		return fmt.Errorf("%s %q: want a non-negative decimal integer", contract.MetaWords, m[contract.MetaWords])
	}
	r.Words = words
	if v, ok := m[contract.MetaWeight]; ok {
		w, err := strconv.Atoi(v)
		if err != nil || w == 0 || strconv.Itoa(w) != v {
			return fmt.Errorf("%s %q: want a non-zero decimal integer", contract.MetaWeight, v)
		}
		r.Weight = w
	}
	if v := m[contract.MetaTags]; v != "" {
		if err := strictJSON(v, &r.Tags); err != nil {
			return fmt.Errorf("%s %q: %w", contract.MetaTags, v, err)
		}
	}
	if v := m[contract.MetaFeatures]; v != "" {
		if err := strictJSON(v, &r.Features); err != nil {
			return fmt.Errorf("%s %q: %w", contract.MetaFeatures, v, err)
		}
	}
	if v := m[contract.MetaAliases]; v != "" {
		if err := strictJSON(v, &r.Aliases); err != nil {
			return fmt.Errorf("%s %q: %w", contract.MetaAliases, v, err)
		}
	}
	// Empty arrays ("[]") mean the same as an absent key.
	if len(r.Tags) == 0 {
		r.Tags = nil
	}
	if len(r.Features) == 0 {
		r.Features = nil
	}
	if len(r.Aliases) == 0 {
		r.Aliases = nil
	}
	return checkRecord(r)
}

// checkRecord validates the fields of r that have a fixed form. It is shared
// by FromMetadata and Build so that anything Build accepts can be rebuilt.
func checkRecord(r *Record) error {
	if r.Title == "" {
		return fmt.Errorf("%s: missing", contract.MetaTitle)
	}
	if r.Date != "" {
		if err := checkDate(contract.MetaDate, r.Date); err != nil {
			return err
		}
	}
	if r.Weight < -contract.MaxWeight || r.Weight > contract.MaxWeight {
		return fmt.Errorf("%s %d: beyond ±%d", contract.MetaWeight, r.Weight, contract.MaxWeight)
	}
	if r.PublishDate != "" {
		if err := checkDate(contract.MetaPublishDate, r.PublishDate); err != nil {
			return err
		}
	}
	if r.Expires != "" {
		if err := checkDate(contract.MetaExpires, r.Expires); err != nil {
			return err
		}
	}
	if err := checkHex(contract.MetaHash, r.Hash); err != nil {
		return err
	}
	if err := checkHex(contract.MetaInput, r.Input); err != nil {
		return err
	}
	if r.Words < 0 {
		return fmt.Errorf("%s %d: negative", contract.MetaWords, r.Words)
	}
	for i, t := range r.Tags {
		if t.Name == "" || t.Slug == "" {
			return fmt.Errorf("%s[%d]: name and slug are both required", contract.MetaTags, i)
		}
		if !tagSlugRe.MatchString(t.Slug) {
			return fmt.Errorf("%s[%d]: slug %q is not a tag slug (a-z, 0-9, -, %%XX; at most %d bytes decoded)", contract.MetaTags, i, t.Slug, contract.MaxTagSlugBytes)
		}
	}
	for _, f := range r.Features {
		if err := checkFeature(f); err != nil {
			return fmt.Errorf("%s: %w", contract.MetaFeatures, err)
		}
	}
	for i, a := range r.Aliases {
		if !aliasRe.MatchString(a) {
			return fmt.Errorf("%s[%d]: %q is not a site path /a-z0-9-/…", contract.MetaAliases, i, a)
		}
	}
	return nil
}

// normFeatures returns a sorted, deduplicated copy of fs (nil when empty).
func normFeatures(fs []string) []string {
	if len(fs) == 0 {
		return nil
	}
	out := slices.Clone(fs)
	slices.Sort(out)
	return slices.Compact(out)
}

// compactJSON encodes v without HTML escaping or a trailing newline. It only
// sees slices of plain structs of strings and ints, for which encoding/json
// cannot fail (invalid UTF-8 becomes U+FFFD), so there is no error to return.
func compactJSON(v any) string {
	b, _ := encodeJSON(v)
	return string(bytes.TrimSuffix(b, []byte("\n")))
}

// encodeJSON is the one JSON encoder of the package: struct field order,
// compact, no HTML escaping, one trailing newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// strictJSON decodes exactly one JSON value with no unknown fields and no
// trailing data.
func strictJSON(s string, v any) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after JSON value")
	}
	return nil
}
