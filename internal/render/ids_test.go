package render_test

import (
	"regexp"
	"testing"

	"github.com/axctl/axctl/internal/render"
)

// TestHeadingIDsAsGitHub: heading ids are the ones GitHub gives (the
// anchors READMEs and docs sites link to); the wants are github-slugger's
// output for each text. On goldmark's default ids, underscores became "-"
// and non-ASCII letters were dropped, so links like #sort_by_label into
// Prometheus's and Node's docs (found on real trees) led nowhere.
func TestHeadingIDsAsGitHub(t *testing.T) {
	r := render.New()
	idRe := regexp.MustCompile(`<h[1-6] id="([^"]*)">`)
	for _, tc := range []struct{ heading, want string }{
		{"`sort_by_label()`", "sort_by_label"},
		{"`async_hooks.createHook(callbacks)`", "async_hookscreatehookcallbacks"},
		{"child_process.spawn(command[, args][, options])", "child_processspawncommand-args-options"},
		{"Ünïcode & *emphasis*", "ünïcode--emphasis"},
		{"Привет мир", "привет-мир"},
		{"日本語の見出し", "日本語の見出し"},
		{"[Install](https://example.com/install) now", "install-now"},
		{"Morning<br />", "morning"},
		{"`<relabel_config>`", "relabel_config"},
		{"C++ & C#", "c--c"},
		{"Hello  World", "hello--world"},
		{"🎉 Party", "-party"},
		{"v1.2.3 — released", "v123--released"},
	} {
		res, err := r.Render([]byte("## "+tc.heading+"\n"), render.Options{})
		if err != nil {
			t.Fatal(err)
		}
		m := idRe.FindSubmatch(res.HTML)
		if m == nil || string(m[1]) != tc.want {
			t.Errorf("## %s: got %s, want id %q", tc.heading, res.HTML, tc.want)
		}
	}
	// Repeats are numbered as GitHub numbers them; an empty text is "heading".
	res, err := r.Render([]byte("## a\n\n## a\n\n## a-1\n\n## ***\n\n## !!\n"), render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range idRe.FindAllSubmatch(res.HTML, -1) {
		got = append(got, string(m[1]))
	}
	want := []string{"a", "a-1", "a-1-1", "heading", "heading-1"}
	if len(got) != len(want) {
		t.Fatalf("got ids %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got ids %q, want %q", got, want)
		}
	}
}
