package content

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/render"
)

// fill sets every exported field reachable from v to a value no other
// field has (slices get two items), so a field the codec forgets comes
// back zero.
func fill(t *testing.T, v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(strings.Repeat("é", *n%3) + "v" + string(rune('a'+*n%26)) + time.Duration(*n).String())
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n) * 1_000_003 * int64(1-2*(*n%2)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, s.Index(i), n)
		}
		v.Set(s)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Unix(int64(*n)*86_400_123, int64(*n)).In(time.FixedZone("", 3600*(*n%5)))))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n)
			}
		}
	default:
		t.Fatalf("fill: %s has kind %s: teach fill and the codec", v.Type(), v.Kind())
	}
}

// TestCacheCodecKeepsEveryField: an entry encoded and decoded comes back
// equal with every exported field of cached, manifest.Record, localRef and
// Asset set, so a field added to one of them without its line in
// encodeCached and decodeCached fails here.
func TestCacheCodecKeepsEveryField(t *testing.T) {
	for seed := range 5 {
		var want cached
		n := seed
		fill(t, reflect.ValueOf(&want).Elem(), &n)
		payload := encodeCached(nil, "blog/é.md", &want)
		path, got, err := decodeCached(string(payload))
		if err != nil || path != "blog/é.md" {
			t.Fatalf("decode: %q %v", path, err)
		}
		// Times come back as MarshalBinary keeps them: the same instant
		// and offset.
		for _, p := range [][2]*time.Time{{&got.PublishDate, &want.PublishDate}, {&got.Expires, &want.Expires}} {
			if !p[0].Equal(*p[1]) || p[0].Format(time.RFC3339Nano) != p[1].Format(time.RFC3339Nano) {
				t.Fatalf("time %v, want %v", *p[0], *p[1])
			}
			*p[0] = *p[1]
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip\n got %+v\nwant %+v", got, want)
		}
		// Every cut of the payload is refused, never read past.
		for i := range len(payload) - 1 {
			if _, _, err := decodeCached(string(payload[:i])); err == nil {
				t.Fatalf("payload cut at %d of %d decoded", i, len(payload))
			}
		}
	}
}

// TestCacheNeverStale changes, one at a time, each thing a rendering
// depends on and checks the next load renders again; then that a load
// with nothing changed renders nothing.
func TestCacheNeverStale(t *testing.T) {
	cases := []struct {
		name   string
		change func(s *cacheSite) (undo func())
		want   int64 // chroma calls: a.md and b.md each have one code block
	}{
		{"nothing", func(*cacheSite) func() { return func() {} }, 0},
		{"one source byte, same size", func(s *cacheSite) func() {
			p := filepath.Join(s.root, "blog/b.md")
			src, _ := os.ReadFile(p)
			st, _ := os.Stat(p)
			s.write("content/blog/b.md", strings.Replace(string(src), "package b", "package c", 1))
			later := st.ModTime().Add(time.Second)
			_ = os.Chtimes(p, later, later)
			return func() {}
		}, 1},
		{"a config field", func(s *cacheSite) func() {
			s.cfg.Collections[0].Title = "Another"
			return func() { s.cfg.Collections[0].Title = "" }
		}, 2},
		{"the template", func(s *cacheSite) func() {
			old := s.cfg.Collections[0].Templates
			s.cfg.Collections[0].Templates = TemplateMap{"post": "doc"}
			return func() { s.cfg.Collections[0].Templates = old }
		}, 2},
		{"the feature registry", func(*cacheSite) func() {
			old := render.Registry
			render.Registry = append(append([]render.Feature(nil), old...), render.Feature{Type: "zz", Name: "test"})
			return func() { render.Registry = old }
		}, 2},
		{"a damaged cache file", func(s *cacheSite) func() {
			p := filepath.Join(s.dir, ".axctl", "cache", cacheFile)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b[:len(b)-3], 0o644); err != nil {
				t.Fatal(err)
			}
			return func() {}
		}, 2},
		{"a body removed", func(s *cacheSite) func() {
			dir := filepath.Join(s.dir, ".axctl", "cache", "bodies")
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				_ = os.Remove(filepath.Join(dir, e.Name()))
			}
			return func() {}
		}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newCacheSite(t)
			s.load()
			if _, _, calls := s.load(); calls != 0 {
				t.Fatalf("warm load: %d chroma calls", calls)
			}
			undo := tc.change(s)
			got, problems, calls := s.load()
			undo()
			if len(problems) > 0 || calls != tc.want {
				t.Fatalf("after the change: %d chroma calls, want %d (problems %v)", calls, tc.want, problems)
			}
			if tc.want == 1 && !strings.Contains(readBody(t, got["b"]), "c") {
				t.Fatal("edited entry's body not rendered from the new bytes")
			}
		})
	}
}

func readBody(t *testing.T, e *Entry) string {
	t.Helper()
	b, err := os.ReadFile(e.BodyFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCacheSpillKeepsRememberedEntries: a cold load keeps what it
// rendered in the spill file, not in memory, and Save writes it all; a
// second cache opened from disk reuses every entry.
func TestCacheSpillKeepsRememberedEntries(t *testing.T) {
	s := newCacheSite(t)
	for i := range 30 {
		s.write("content/blog/p"+string(rune('a'+i%26))+strings.Repeat("x", i/26)+".md", "---\ntitle: P\ndate: 2026-01-01\n---\n\nText.\n")
	}
	s.load()
	c, err := OpenCache(filepath.Join(s.dir, ".axctl", "cache"), s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.old == nil || len(c.old.offs) != 32 {
		t.Fatalf("cache holds %v entries, want 32", c.old)
	}
	if _, _, calls := s.load(); calls != 0 {
		t.Fatalf("warm load: %d chroma calls", calls)
	}
	if _, err := os.Stat(filepath.Join(s.dir, ".axctl", "cache", "render.gob")); err == nil {
		t.Fatal("render.gob left beside render.bin")
	}
	ents, _ := os.ReadDir(filepath.Join(s.dir, ".axctl", "cache"))
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".spill") {
			t.Fatalf("spill file %s left in the cache", e.Name())
		}
	}
}
