package manifest

import "fmt"

// DecodeIndex parses a collection index as Build writes it. Unknown fields
// and trailing data are errors, so a stored object from a newer or broken
// writer is noticed rather than half read.
func DecodeIndex(b []byte) (Index, error) {
	var v Index
	return v, decodeManifest("index", b, &v, &v.Version)
}

// DecodeShard parses one shard as Build writes it.
func DecodeShard(b []byte) (Shard, error) {
	var v Shard
	return v, decodeManifest("shard", b, &v, &v.Version)
}

// DecodeSite parses metadata/site.json as Build writes it.
func DecodeSite(b []byte) (SiteManifest, error) {
	var v SiteManifest
	return v, decodeManifest("site manifest", b, &v, &v.Version)
}

// DecodeTagChunk parses one page of a tag.
func DecodeTagChunk(b []byte) (TagChunk, error) {
	var v TagChunk
	return v, decodeManifest("tag chunk", b, &v, &v.Version)
}

// DecodeTagsPage parses one page of the tags index.
func DecodeTagsPage(b []byte) (TagsPage, error) {
	var v TagsPage
	return v, decodeManifest("tags page", b, &v, &v.Version)
}

// DecodeSitemapChunk parses one sitemap chunk.
func DecodeSitemapChunk(b []byte) (SitemapChunk, error) {
	var v SitemapChunk
	return v, decodeManifest("sitemap chunk", b, &v, &v.Version)
}

func decodeManifest(what string, b []byte, v any, version *int) error {
	if err := strictJSON(string(b), v); err != nil {
		return fmt.Errorf("decode %s: %w", what, err)
	}
	if *version != Version {
		return fmt.Errorf("decode %s: version %d, want %d", what, *version, Version)
	}
	return nil
}
