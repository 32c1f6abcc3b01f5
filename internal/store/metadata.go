package store

import (
	"encoding/base64"
	"fmt"
	"mime"
	"sort"
	"strings"
)

// Encoded-word framing as Go's mime package writes it (RFC 2047 §2: at most
// 75 characters per word, multi-byte runes never split across words).
const (
	wordPrefix     = "=?UTF-8?b?"
	wordSuffix     = "?="
	maxWordContent = 75 - len(wordPrefix) - len(wordSuffix) // 63 base64 chars
)

var maxWordBytes = base64.StdEncoding.DecodedLen(maxWordContent) // 47 raw bytes

// EncodeMetadata checks custom metadata keys and returns the map as it goes
// over the wire: values that cannot travel verbatim in an HTTP header become
// RFC 2047 encoded-words. Keys must be non-empty lowercase ASCII letters,
// digits, '-', '_' or '.', so that the S3 header, the R2 customMetadata key and
// the local sidecar all agree.
func EncodeMetadata(m map[string]string) (map[string]string, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(m))
	for _, k := range sortedKeys(m) {
		if err := checkMetadataKey(k); err != nil {
			return nil, err
		}
		out[k] = encodeValue(m[k])
	}
	return out, nil
}

// DecodeMetadata reverses EncodeMetadata: it lowercases keys and decodes any
// encoded-words in values (as S3, R2 and MinIO may return them).
func DecodeMetadata(m map[string]string) (map[string]string, error) {
	if len(m) == 0 {
		return nil, nil
	}
	var dec mime.WordDecoder
	out := make(map[string]string, len(m))
	for k, v := range m {
		if strings.Contains(v, "=?") {
			d, err := dec.DecodeHeader(v)
			if err != nil {
				return nil, fmt.Errorf("decode metadata %q: %w", k, err)
			}
			v = d
		}
		out[strings.ToLower(k)] = v
	}
	return out, nil
}

// MetaHeaderPrefix starts the name of every custom metadata header.
const MetaHeaderPrefix = "x-amz-meta-"

// MetadataSize returns the bytes the metadata costs as a server counts them:
// for each key, the whole header name (MetaHeaderPrefix + key) plus the
// value as EncodeMetadata sends it. MinIO sums exactly this against its
// 2,048-byte user metadata limit (cmd/generic-handlers.go,
// isHTTPHeaderSizeTooLarge; TestMinIOMetadataBoundary pins it) and AWS S3
// documents the same rule; for R2's 8,192 bytes it counts the prefix too, so
// it never undercounts. m holds decoded values: passing EncodeMetadata's
// output would encode its encoded-words again.
func MetadataSize(m map[string]string) int {
	n := 0
	for k, v := range m {
		n += len(MetaHeaderPrefix) + len(k) + len(encodeValue(v))
	}
	return n
}

// checkMetadataKey rejects keys that would not survive an HTTP header name
// and the lowercasing S3 clients apply to x-amz-meta-* names.
func checkMetadataKey(k string) error {
	if k == "" {
		return fmt.Errorf("metadata key is empty")
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		case c >= 'A' && c <= 'Z':
			return fmt.Errorf("metadata key %q: must be lowercase", k)
		default:
			return fmt.Errorf("metadata key %q: only a-z, 0-9, '-', '_' and '.' are allowed", k)
		}
	}
	return nil
}

// encodeValue returns v unchanged when it is safe as a header value and
// decodes back to itself, else as encoded-words.
func encodeValue(v string) string {
	if !needsWord(v) {
		return v
	}
	// The common case (non-ASCII) is exactly what the standard library
	// produces; it passes printable ASCII and tabs through unchanged.
	if e := mime.BEncoding.Encode("UTF-8", v); e != v {
		return e
	}
	return forceWords(v)
}

// needsWord reports whether v must be encoded: anything outside printable
// ASCII, leading or trailing space (servers and the SDK trim header values),
// runs of spaces (SigV4 canonicalisation collapses them), and text that a
// decoder would mistake for an encoded-word.
func needsWord(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' || c > '~' {
			return true
		}
	}
	return strings.HasPrefix(v, " ") || strings.HasSuffix(v, " ") ||
		strings.Contains(v, "  ") || strings.Contains(v, "=?")
}

// forceWords encodes printable ASCII that mime.BEncoding would pass through,
// split like the standard library splits (all bytes are single runes here).
func forceWords(v string) string {
	var b strings.Builder
	for len(v) > 0 {
		n := min(len(v), maxWordBytes)
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(wordPrefix)
		b.WriteString(base64.StdEncoding.EncodeToString([]byte(v[:n])))
		b.WriteString(wordSuffix)
		v = v[n:]
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sameAttrs reports whether stored attributes are what want asks for. An
// empty wanted content type accepts the server's default.
func sameAttrs(want, got Attrs) bool {
	if (want.ContentType != "" && want.ContentType != got.ContentType) || want.CacheControl != got.CacheControl {
		return false
	}
	if len(want.Metadata) != len(got.Metadata) {
		return false
	}
	for k, v := range want.Metadata {
		if g, ok := got.Metadata[k]; !ok || g != v {
			return false
		}
	}
	return true
}
