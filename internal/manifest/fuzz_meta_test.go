package manifest

import (
	"reflect"
	"testing"

	"github.com/axctl/axctl/internal/contract"
)

// FuzzFromMetadata: arbitrary object metadata (as a hostile or damaged
// bucket could hold) never panics FromMetadata; whatever it accepts is a
// fixed point of ToMetadata → FromMetadata, and Build accepts the record,
// so a rebuild from such a bucket writes manifests the Worker can read.
func FuzzFromMetadata(f *testing.F) {
	h := "0123456789abcdef0123456789abcdef"
	f.Add("blog", "hello-world", "Hello", "2026-01-02T00:00:00Z", "12", h, h, `[{"name":"Café","slug":"caf%C3%A9"}]`, `["syntax:code"]`, `[{"level":2,"id":"a","text":"A"}]`, "Zoë", "<script>alert(1)</script>")
	f.Add("docs", "a/b", "<img src=x onerror=alert(1)>", "2026-01-02", "-1", "xyz", "", `[{"name":""}]`, `[1]`, `[{"level":9}]`, "", "")
	f.Add("blog", "../x", "t", "2026-01-02T00:00:00Z", "01", h, h, `null`, `[]`, `{}`, "\x00", "javascript:alert(1)")
	f.Add("b", "s", "t", "2026-13-45T99:99:99Z", "1e3", h, h, `[{"name":"a","slug":"a","extra":1}]`, `["x"]`, `[{"level":1,"id":"","text":""}]`, " ", "\u2028")
	f.Fuzz(func(t *testing.T, col, slug, title, date, words, hash, input, tags, features, toc, author, description string) {
		m := map[string]string{
			contract.MetaTitle: title, contract.MetaDate: date, contract.MetaWords: words, contract.MetaHash: hash, contract.MetaInput: input,
			contract.MetaTags: tags, contract.MetaFeatures: features, "toc": toc, "author": author, "description": description,
		}
		r, err := FromMetadata(col, "/"+col, slug, m)
		if err != nil {
			return
		}
		m2 := ToMetadata(r)
		r2, err := FromMetadata(col, "/"+col, slug, m2)
		if err != nil {
			t.Fatalf("accepted %v, but not its re-encoding %v: %v", m, m2, err)
		}
		if !reflect.DeepEqual(r, r2) {
			t.Fatalf("round trip changed the record:\n%+v\n%+v", r, r2)
		}
		if m3 := ToMetadata(r2); !reflect.DeepEqual(m2, m3) {
			t.Fatalf("ToMetadata is not stable:\n%v\n%v", m2, m3)
		}
		if _, err := Build(Site{Title: "T", BaseURL: "https://example.com"}, []Collection{{Name: col, Route: "/" + col, Title: "C"}}, map[string][]Record{col: {r}}, 25); err != nil {
			t.Fatalf("FromMetadata accepted %+v, Build rejects it: %v", r, err)
		}
	})
}
