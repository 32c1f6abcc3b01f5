package store

import (
	"maps"
	"strings"
	"testing"
)

func TestEncodeMetadataKeys(t *testing.T) {
	for _, k := range []string{"title", "publishdate", "x-y_z.1"} {
		if _, err := EncodeMetadata(map[string]string{k: "v"}); err != nil {
			t.Errorf("key %q: %v", k, err)
		}
	}
	for _, k := range []string{"", "Title", "publishDate", "clé", "a b", "a:b", "a\nb"} {
		if _, err := EncodeMetadata(map[string]string{k: "v"}); err == nil {
			t.Errorf("key %q: no error", k)
		}
	}
}

func TestEncodeValue(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, 100% ok", "plain text, 100% ok"},
		{"", ""},
		{"Café", "=?UTF-8?b?Q2Fmw6k=?="},
		{" x", "=?UTF-8?b?IHg=?="},
		{"x ", "=?UTF-8?b?eCA=?="},
		{"a  b", "=?UTF-8?b?YSAgYg==?="},
		{"a\tb", "=?UTF-8?b?YQli?="},
		{"=?x", "=?UTF-8?b?PT94?="},
	} {
		if got := encodeValue(tc.in); got != tc.want {
			t.Errorf("encodeValue(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMetadataRoundTrip(t *testing.T) {
	in := map[string]string{
		"title":   "Ünïcödé 🚀 " + strings.Repeat("é", 100),
		"ascii":   " " + strings.Repeat("forced ascii ", 20),
		"newline": "a\nb\r\nc",
		"quotes":  `"q" 'q'`,
		"ctl":     "\x00\x01\x7f",
		"word":    "=?UTF-8?q?Caf=C3=A9?=",
		"plain":   "just text",
	}
	enc, err := EncodeMetadata(in)
	if err != nil {
		t.Fatal(err)
	}
	size := 0
	for k, v := range enc {
		size += len("x-amz-meta-") + len(k) + len(v)
		for _, w := range strings.Split(v, " ") {
			if strings.HasPrefix(w, "=?") && len(w) > 75 {
				t.Errorf("%s: encoded-word longer than 75: %q", k, w)
			}
		}
		for i := 0; i < len(v); i++ {
			if v[i] < ' ' || v[i] > '~' {
				t.Fatalf("%s: encoded value %q is not printable ASCII", k, v)
			}
		}
		if v != strings.TrimSpace(v) {
			t.Errorf("%s: encoded value %q has outer spaces", k, v)
		}
	}
	if got := MetadataSize(in); got != size {
		t.Errorf("MetadataSize = %d, want %d", got, size)
	}
	dec, err := DecodeMetadata(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(dec, in) {
		t.Errorf("round trip:\n got %q\nwant %q", dec, in)
	}
	if enc["plain"] != "just text" {
		t.Errorf("plain value encoded as %q", enc["plain"])
	}
}

func TestDecodeMetadataFromServers(t *testing.T) {
	// What MinIO and R2 return: Q or B words, any case, keys maybe not lowercased.
	got, err := DecodeMetadata(map[string]string{
		"Title": "=?UTF-8?q?Caf=C3=A9_au_lait?=",
		"b":     "=?utf-8?B?w6k=?= =?utf-8?B?w6k=?=",
		"plain": "a =? b",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"title": "Café au lait", "b": "éé", "plain": "a =? b"}
	if !maps.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMetadataSize(t *testing.T) {
	if n := MetadataSize(map[string]string{"title": "abc", "t": "é"}); n != 11+5+3+11+1+len("=?UTF-8?b?w6k=?=") {
		t.Errorf("MetadataSize = %d", n)
	}
	if n := MetadataSize(nil); n != 0 {
		t.Errorf("MetadataSize(nil) = %d", n)
	}
}
