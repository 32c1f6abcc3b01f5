package front

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDetect(t *testing.T) {
	for src, want := range map[string]Format{
		"---\ntitle: x\n---\n": YAML, "--- \r\n": YAML, "+++\ntitle = 'x'\n+++\n": TOML, "+++  \n": TOML,
		"{\n  \"title\": \"x\"\n}\n": JSON, `{"title": "x"}`: JSON, "{}": JSON, "{ }\n": JSON,
		"{{< ref x >}}\n": None, "{% include x %}\n": None, "{x}\n": None, "# Title\n": None, "": None,
		"----\n": None, "++++\n": None, " +++\n": None, "+ item\n": None,
	} {
		if got := Detect([]byte(src)); got != want {
			t.Errorf("Detect(%q) = %v, want %v", src, got, want)
		}
	}
}

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		src, text string
		f         Format
		line      int
		body      string // what follows Body
		err       string
	}{
		{src: "+++\na = 1\n+++\nbody\n", f: TOML, text: "a = 1\n", line: 2, body: "\nbody\n"},
		{src: "+++\n+++", f: TOML, text: "", line: 2, body: ""},
		{src: "+++\na = 1\n", f: TOML, err: "1:1: frontmatter is never closed"},
		{src: "{\"a\": \"}{\\\"\"}\nbody", f: JSON, text: "{\"a\": \"}{\\\"\"}", line: 1, body: "\nbody"},
		{src: "{\n \"a\": {\"b\": 1}\n}  \nbody", f: JSON, text: "{\n \"a\": {\"b\": 1}\n}", line: 1, body: "\nbody"},
		{src: "{\"a\": 1} x\n", f: JSON, err: "1:10: text after"},
		{src: "{\"a\": \"}", f: JSON, err: "1:1: frontmatter is never closed"},
	} {
		b, err := Split([]byte(c.src), c.f)
		if c.err != "" {
			if err == nil || !strings.HasPrefix(fmt.Sprintf("%d:%d: %s", err.Line, err.Col, err.Msg), c.err) {
				t.Errorf("Split(%q): error %v, want %q", c.src, err, c.err)
			}
			continue
		}
		if err != nil || string(b.Text) != c.text || b.Line != c.line || c.src[b.Body:] != c.body {
			t.Errorf("Split(%q) = %q line %d body %q, %v; want %q line %d body %q", c.src, b.Text, b.Line, c.src[b.Body:], err, c.text, c.line, c.body)
		}
	}
}

// TestDecodeTypes: values come out as the YAML decoder gives them.
func TestDecodeTypes(t *testing.T) {
	want := map[string]any{
		"i": 3, "f": 1.5, "s": "x", "b": true,
		"d":   time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC),
		"dt":  time.Date(2024, 1, 2, 10, 30, 0, 0, time.UTC),
		"t":   "10:30:00",
		"l":   []any{1, "a", []any{2}},
		"tab": map[string]any{"k": map[string]any{"x": 1}},
	}
	tm, err := Decode(TOML, []byte("i = 3\nf = 1.5\ns = 'x'\nb = true\nd = 2024-01-02\ndt = 2024-01-02T10:30:00\nt = 10:30:00\nl = [1, \"a\", [2]]\n[tab.k]\nx = 1\n"))
	if err != nil || !reflect.DeepEqual(tm, want) {
		t.Errorf("TOML: %#v, %v\nwant %#v", tm, err, want)
	}
	delete(want, "d")
	delete(want, "dt")
	want["t"] = nil
	jm, err := Decode(JSON, []byte(`{"i": 3, "f": 1.5, "s": "x", "b": true, "t": null, "l": [1, "a", [2]], "tab": {"k": {"x": 1}}}`))
	if err != nil || !reflect.DeepEqual(jm, want) {
		t.Errorf("JSON: %#v, %v\nwant %#v", jm, err, want)
	}
	off, err := Decode(TOML, []byte("d = 2024-01-02T10:30:00+02:00\n"))
	if d, ok := off["d"].(time.Time); err != nil || !ok || !d.Equal(time.Date(2024, 1, 2, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("TOML offset date-time: %#v, %v", off, err)
	}
}

// TestLocate: every key and value is found where it is written.
func TestLocate(t *testing.T) {
	toml := "title = \"A\"\ntags = [\"a\",\n  2]\n[taxonomies]\ntags = [\"x\"]\n[extra]\nx.y = {a = 1, b = [1, 2]}\n[[arr]]\nq = 1\n[[arr]]\nq = 2\n"
	json := "{\n  \"title\": \"A\",\n  \"tags\": [\"a\", 2],\n  \"x\": {\"y\": [true, null]}\n}"
	for _, c := range []struct {
		f          Format
		text       string
		path       []string
		key, value Pos
	}{
		{TOML, toml, []string{"title"}, Pos{1, 1}, Pos{1, 9}},
		{TOML, toml, []string{"tags"}, Pos{2, 1}, Pos{2, 8}},
		{TOML, toml, []string{"tags", "#1"}, Pos{3, 3}, Pos{3, 3}},
		{TOML, toml, []string{"taxonomies", "tags", "#0"}, Pos{5, 9}, Pos{5, 9}},
		{TOML, toml, []string{"extra", "x", "y", "b", "#1"}, Pos{7, 23}, Pos{7, 23}},
		{TOML, toml, []string{"arr", "#1", "q"}, Pos{11, 1}, Pos{11, 5}},
		{JSON, json, []string{"title"}, Pos{2, 3}, Pos{2, 12}},
		{JSON, json, []string{"tags", "#1"}, Pos{3, 17}, Pos{3, 17}},
		{JSON, json, []string{"x", "y", "#1"}, Pos{4, 21}, Pos{4, 21}},
	} {
		ix := Locate(c.f, []byte(c.text))
		k, kok := ix.Key(c.path...)
		v, vok := ix.Value(c.path...)
		if !kok || !vok || k != c.key || v != c.value {
			t.Errorf("%v %q: key %v %v, value %v %v; want %v, %v", c.f, c.path, k, kok, v, vok, c.key, c.value)
		}
	}
}
