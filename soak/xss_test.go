package soak

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// xssBodies are Markdown bodies after the public XSS cheat sheets: raw
// HTML, event handlers, dangerous schemes with entity, whitespace and case
// tricks, Markdown link/image/autolink/reference tricks, SVG, style.
var xssBodies = []string{
	"<script>alert(1)</script>",
	"<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
	"<img src=x onerror=alert(2)>",
	"<svg onload=alert(3)>",
	"<svg><script>alert(4)</script></svg>",
	"<a href=\"javascript:alert(5)\">x</a>",
	"<div style=\"background:url(javascript:alert(6))\">x</div>",
	"<style>body{background:red}</style>",
	"<iframe src=javascript:alert(7)></iframe>",
	"<details open ontoggle=alert(8)>",
	"[x](javascript:alert(9))",
	"[x](JaVaScRiPt:alert(10))",
	"[x]( javascript:alert(11))",
	"[x](&#106;avascript:alert(12))",
	"[x](&#x6A;avascript:alert(13))",
	"[x](java\tscript:alert(14))",
	"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxNSk8L3NjcmlwdD4=)",
	"[x](vbscript:msgbox(16))",
	"![x](javascript:alert(17))",
	"![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMTgpPg==)",
	"<javascript:alert(19)>",
	"<vbscript:msgbox(20)>",
	"[x][r]\n\n[r]: javascript:alert(21)",
	"[x](<javascript:alert(22)>)",
	"[x](javascript&colon;alert(23))",
	"[x](\\javascript:alert(24))",
	"[a](https://ok.example \"title\\\" onmouseover=alert(25)\")",
	"![a\"onerror=\"alert(26)](x.png)",
	"<img src=x onerror=alert(27)//",
	"<a href=x onmouseover=alert(28)",
	"--><script>alert(29)</script><!--",
	"<math><mtext><table><mglyph><style><img src=x onerror=alert(30)>",
	"```html\n<script>alert(31)</script>\n```",
	"`<script>alert(32)</script>`",
	"<!-- <script>alert(33)</script> -->",
	"<form action=javascript:alert(34)><button>x</button></form>",
	"<object data=javascript:alert(35)></object>",
	"<meta http-equiv=refresh content=\"0;url=javascript:alert(36)\">",
	"<base href=javascript:alert(37)//>",
	"<link rel=stylesheet href=//xss.example/x.css>",
}

// xssFields are frontmatter values; the entry must either be refused by
// validation or render safely (the Worker's layouts escape metadata; see
// worker/test/xss.test.mjs).
var xssFields = []string{
	`title: "<script>alert(101)</script>"`,
	`description: "\"><img src=x onerror=alert(102)>"`,
	`author: "<svg onload=alert(103)>"`,
	`tags: ["<img src=x onerror=alert(104)>", "javascript:alert(105)"]`,
}

// TestXSSRendering syncs entries whose bodies and fields are XSS vectors
// with the axctl binary, then parses every rendered fragment with an HTML
// parser (parse5, via soak/testdata/xsscheck.mjs): no script, style,
// iframe, object, embed, form, base, link or meta element, no on* or style
// attribute, no javascript:/data:/vbscript: URL survives.
func TestXSSRendering(t *testing.T) {
	parallel(t)
	root := repoRoot(t)
	requireTools(t, root)
	dir := t.TempDir()
	files := map[string]string{
		"axctl.yaml": "site:\n  title: XSS\n  baseURL: https://xss.example\ncontent: content\ncollections:\n  - name: blog\n",
	}
	for i, b := range xssBodies {
		files[fmt.Sprintf("content/blog/b%02d.md", i)] = fmt.Sprintf("---\ntitle: Body %d\ndate: 2026-01-02\n---\n\n%s\n", i, b)
	}
	for i, f := range xssFields {
		title := fmt.Sprintf("title: Field %d\n", i)
		if strings.HasPrefix(f, "title:") {
			title = ""
		}
		files[fmt.Sprintf("content/blog/f%02d.md", i)] = fmt.Sprintf("---\n%sdate: 2026-01-02\n%s\n---\n\nText.\n", title, f)
	}
	for rel, body := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Validation may refuse a vector (raw HTML is an error): it must then
	// name the file. The rest must render safely.
	v := runAxctl(t, dir, os.Environ(), "validate")
	refused := 0
	for rel := range files {
		if strings.HasSuffix(rel, ".md") && strings.Contains(v.Stderr, rel+":") {
			refused++
			if err := os.Remove(filepath.Join(dir, rel)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if v.Code != 0 && refused == 0 || v.Code == 0 && refused > 0 {
		t.Fatalf("validate: exit %d, %d files named:\n%s", v.Code, refused, tail(v.Stderr, 2000))
	}
	t.Logf("validation refused %d of %d vectors", refused, len(files)-1)
	bucket := filepath.Join(t.TempDir(), "bucket")
	o := runAxctl(t, dir, os.Environ(), "sync", "--quiet", "--target", "file://"+bucket)
	if o.Code != 0 {
		t.Fatalf("sync of the XSS corpus: exit %d (a vector must render safely, not fail the whole site)\n%s", o.Code, tail(o.Stderr, 3000))
	}
	frags, _ := filepath.Glob(filepath.Join(bucket, "entries", "blog", "*.html"))
	if len(frags)+refused != len(xssBodies)+len(xssFields) {
		t.Errorf("%d fragments rendered and %d refused, want %d in all", len(frags), refused, len(xssBodies)+len(xssFields))
	}
	out, err := exec.Command("node", append([]string{filepath.Join(root, "soak", "testdata", "xsscheck.mjs")}, frags...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("xsscheck: %v\n%s", err, out)
	}
	found := strings.TrimSpace(string(out))
	if found != "" {
		t.Errorf("injections survived rendering:\n%s", found)
	}
	report(t, row{
		Campaign: "hostile content: XSS corpus through Go rendering",
		Runs:     1,
		Faults:   fmt.Sprintf("%d body vectors, %d field vectors (+ %d in worker/test/xss.test.mjs)", len(xssBodies), len(xssFields), 46),
		Survived: fmt.Sprintf("%d refused by validate, %d rendered fragments parsed clean", refused, len(frags)),
		Crashes:  len(strings.Fields(found)),
		Lost:     0,
		Notes:    "parse5: no script/style/handler/style attr/dangerous URL",
	})
}
