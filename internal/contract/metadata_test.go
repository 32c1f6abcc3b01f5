package contract_test

import (
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
