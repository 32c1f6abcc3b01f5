package content_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/axctl/axctl/internal/cli"
	"github.com/axctl/axctl/internal/content"
)

// A case is a txtar-style archive: a comment holding directives, then files
// ("-- name --" lines). The "want" file lists the expected problems, one
// "path:line:col: message-fragment" per line, sorted; every problem must be
// listed. Paths are relative to the case's temporary directory.
//
// Directives (one per comment line) change a file after it is written, for
// bytes a text archive should not hold:
//
//	crlf FILE      turn every "\n" into "\r\n"
//	bom FILE       prefix the UTF-8 byte order mark
//	bytes FILE     replace each \xNN escape by that byte
//	pad FILE N     append Markdown paragraphs until the file is N bytes
//	repeat FILE N Q append the Go-quoted string Q N times (shapes whose cost
//	               shows only at a size an archive should not hold)
//	symlink FILE T make FILE a symbolic link to T (after every file is written;
//	               T is taken as is, so it may be absolute or relative)
//	fifo FILE      make FILE a named pipe
//	rename FILE N  rename FILE to N after every file is written, each \xNN
//	               escape in N replaced by that byte (names a txtar header
//	               cannot hold: line breaks, escape sequences)
//
// Other comment lines are prose. An optional "html" file lists
// "path: fragment" lines that the entry's rendered HTML must contain.
// An optional "warnings" file lists the expected warnings as "want" lists
// problems (without the "warning: " prefix); none are expected without it.
// A hostile case with warnings and no "want" must validate (exit 0).
//
// An archive without axctl.yaml gets defaultConfig.
type testCase struct {
	name     string
	dirs     [][2]string // directive, argument
	files    map[string][]byte
	order    []string
	want     []string
	warnings []string
	html     [][2]string // path, fragment of its HTML
}

var directives = map[string]bool{"crlf": true, "bom": true, "bytes": true, "pad": true, "repeat": true, "symlink": true, "fifo": true, "rename": true}

const defaultConfig = `collections:
  - name: blog
    template: post
`

// parseCase reads the archive format of golang.org/x/tools/txtar.
func parseCase(t *testing.T, path string) *testCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tc := &testCase{name: strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), files: map[string][]byte{}}
	var cur string
	var buf []byte
	inFile := false
	flush := func() {
		if inFile {
			tc.files[cur] = buf
			tc.order = append(tc.order, cur)
		}
	}
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		l := strings.TrimRight(string(line), "\n")
		if strings.HasPrefix(l, "-- ") && strings.HasSuffix(l, " --") && len(l) > 6 {
			flush()
			cur, buf, inFile = strings.TrimSpace(l[3:len(l)-3]), nil, true
			continue
		}
		if inFile {
			buf = append(buf, line...)
		} else if f := strings.Fields(l); len(f) >= 2 && directives[f[0]] {
			tc.dirs = append(tc.dirs, [2]string{f[0], strings.Join(f[1:], " ")})
		}
	}
	flush()
	if h, ok := tc.files["html"]; ok {
		delete(tc.files, "html")
		for _, l := range strings.Split(string(h), "\n") {
			if p, frag, ok := strings.Cut(l, ": "); ok {
				tc.html = append(tc.html, [2]string{p, frag})
			}
		}
	}
	tc.want = tc.lines("want")
	tc.warnings = tc.lines("warnings")
	return tc
}

// lines removes the file name from the archive and returns its non-blank
// lines.
func (tc *testCase) lines(name string) []string {
	data, ok := tc.files[name]
	if !ok {
		return nil
	}
	delete(tc.files, name)
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// materialize writes the case into a fresh directory and returns it.
func (tc *testCase) materialize(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if _, ok := tc.files["axctl.yaml"]; !ok {
		tc.files["axctl.yaml"] = []byte(defaultConfig)
		tc.order = append(tc.order, "axctl.yaml")
	}
	for _, name := range tc.order {
		data := tc.files[name]
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		for _, d := range tc.dirs {
			arg := strings.Fields(d[1])
			if arg[0] != name {
				continue
			}
			switch d[0] {
			case "symlink", "fifo", "rename":
				continue // made below, once every file exists
			case "crlf":
				data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
			case "bom":
				data = append([]byte("\xef\xbb\xbf"), data...)
			case "bytes":
				data = unescapeBytes(t, data)
			case "pad":
				n, err := strconv.Atoi(arg[1])
				if err != nil {
					t.Fatalf("pad %s: %v", name, err)
				}
				data = pad(data, n)
			case "repeat":
				n, err := strconv.Atoi(arg[1])
				if err != nil {
					t.Fatalf("repeat %s: %v", name, err)
				}
				_, q, _ := strings.Cut(strings.TrimPrefix(d[1], arg[0]+" "+arg[1]), " ")
				s, err := strconv.Unquote(q)
				if err != nil {
					t.Fatalf("repeat %s: %s: %v", name, q, err)
				}
				data = append(data, bytes.Repeat([]byte(s), n)...)
			default:
				t.Fatalf("unknown directive %q", d[0])
			}
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range tc.dirs {
		arg := strings.Fields(d[1])
		p := filepath.Join(dir, filepath.FromSlash(arg[0]))
		if d[0] == "rename" {
			if err := os.Rename(p, filepath.Join(dir, filepath.FromSlash(string(unescapeBytes(t, []byte(arg[1])))))); err != nil {
				t.Fatalf("rename %s: %v", d[1], err)
			}
			continue
		}
		if d[0] != "symlink" && d[0] != "fifo" {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		_ = os.Remove(p) // a link or pipe in place of a file the archive holds (axctl.yaml)
		var err error
		if d[0] == "symlink" {
			err = os.Symlink(arg[1], p)
		} else {
			err = syscall.Mkfifo(p, 0o644)
		}
		if err != nil {
			t.Fatalf("%s %s: %v", d[0], d[1], err)
		}
	}
	return dir
}

func unescapeBytes(t testing.TB, data []byte) []byte {
	var out []byte
	for i := 0; i < len(data); i++ {
		if data[i] == '\\' && i+3 < len(data) && data[i+1] == 'x' {
			b, err := strconv.ParseUint(string(data[i+2:i+4]), 16, 8)
			if err != nil {
				t.Fatalf("bad escape %q", data[i:i+4])
			}
			out = append(out, byte(b))
			i += 3
			continue
		}
		out = append(out, data[i])
	}
	return out
}

func pad(data []byte, n int) []byte {
	para := []byte("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n\n")
	for len(data)+len(para) <= n {
		data = append(data, para...)
	}
	return append(data, bytes.Repeat([]byte("x"), n-len(data))...)
}

// load runs LoadConfig and Load on a materialized case and returns every
// problem (or the config or load error) as relative "path:line:col: msg".
func load(t testing.TB, dir string, each ...func(*content.Entry)) []string {
	t.Helper()
	problems, _ := loadWarn(t, dir, each...)
	return problems
}

// loadWarn is load, returning the warnings too ("path:line:col: msg").
func loadWarn(t testing.TB, dir string, each ...func(*content.Entry)) (problems, warnings []string) {
	t.Helper()
	cfg, err := content.LoadConfig(filepath.Join(dir, "axctl.yaml"))
	if err != nil {
		return []string{relative(dir, err.Error())}, nil
	}
	warn := func(p content.Problem) {
		p.Warning = false // compared without the prefix
		warnings = append(warnings, relative(dir, p.String()))
	}
	ps, err := content.Load(context.Background(), cfg, content.Options{Warn: warn}, func(e *content.Entry) error {
		for _, fn := range each {
			fn(e)
		}
		return nil
	})
	if err != nil {
		return []string{relative(dir, err.Error())}, warnings
	}
	for _, p := range ps {
		problems = append(problems, relative(dir, p.String()))
	}
	return problems, warnings
}

func relative(dir, s string) string {
	return strings.ReplaceAll(s, dir+string(filepath.Separator), "")
}

// match checks got against want: same count, same order, each got line
// starting with its want line's "path:line:col: " and containing the rest.
func match(got, want []string) error {
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = matchLine(got[i], want[i])
	}
	if ok {
		return nil
	}
	return fmt.Errorf("got %d problems:\n\t%s\nwant %d:\n\t%s", len(got), strings.Join(got, "\n\t"), len(want), strings.Join(want, "\n\t"))
}

func matchLine(got, want string) bool {
	pos, frag := splitPos(want)
	gpos, gmsg := splitPos(got)
	return pos == gpos && strings.Contains(gmsg, frag)
}

// splitPos splits "path:line:col: msg" after the column.
func splitPos(s string) (string, string) {
	parts := strings.SplitN(s, ": ", 2)
	if len(parts) < 2 {
		return s, ""
	}
	return parts[0], parts[1]
}

func caseFiles(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases in testdata/%s", pattern)
	}
	return files
}

func TestBadInput(t *testing.T) {
	files := caseFiles(t, "bad/*.txtar")
	if len(files) < 45 {
		t.Errorf("only %d bad cases; keep at least 45", len(files))
	}
	runBad(t, files)
}

// TestHostileInput runs the hostile corpus (testdata/hostile at the
// repository root, docs/security.md): the same format as the bad cases, one
// class of attack per file name prefix.
func TestHostileInput(t *testing.T) {
	files := caseFiles(t, "../../../testdata/hostile/*.txtar")
	runBad(t, files)
}

func runBad(t *testing.T, files []string) {
	for _, f := range files {
		tc := parseCase(t, f)
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if len(tc.want) == 0 && len(tc.warnings) == 0 {
				t.Fatal("a bad case needs a want or a warnings section")
			}
			dir := tc.materialize(t)
			html := map[string]string{}
			problems, warnings := loadWarn(t, dir, func(e *content.Entry) { html[relative(dir, e.Path)] = string(e.HTML) })
			if err := match(problems, tc.want); err != nil {
				t.Errorf("Load: %v", err)
			}
			for _, h := range tc.html {
				if !strings.Contains(html[h[0]], h[1]) {
					t.Errorf("HTML of %s does not contain %q:\n%s", h[0], h[1], html[h[0]])
				}
			}
			if err := match(warnings, tc.warnings); err != nil {
				t.Errorf("Load warnings: %v", err)
			}
			var stdout, stderr bytes.Buffer
			code := cli.Main(context.Background(), []string{"--config", filepath.Join(dir, "axctl.yaml"), "validate"}, nil, &stdout, &stderr)
			wantCode := cli.ExitInvalid
			if len(tc.want) == 0 {
				wantCode = cli.ExitOK
			}
			if code != wantCode {
				t.Errorf("validate exit code = %d, want %d; stderr:\n%s", code, wantCode, stderr.String())
			}
			var warned []string
			for _, l := range strings.Split(stderr.String(), "\n") {
				if strings.Contains(l, ": warning: ") {
					warned = append(warned, strings.Replace(relative(dir, l), ": warning: ", ": ", 1))
				}
			}
			if err := match(warned, tc.warnings); err != nil {
				t.Errorf("validate stderr: %v", err)
			}
			var lines []string
			for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
				if l != "" {
					lines = append(lines, relative(dir, l))
				}
			}
			if err := match(lines, tc.want); err != nil {
				t.Errorf("validate stdout: %v", err)
			}
			if wantCode == cli.ExitOK {
				dryRunSync(t, dir)
			}
		})
	}
}

// dryRunSync runs `axctl sync --dry-run` (validation, the manifests and the
// plan, no write) on a case that validates: validate passing must mean sync
// can build the site (a date validate passed once stopped every sync at
// the manifests with exit 2).
func dryRunSync(t *testing.T, dir string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	target := "file://" + filepath.Join(t.TempDir(), "bucket")
	if code := cli.Main(context.Background(), []string{"--config", filepath.Join(dir, "axctl.yaml"), "sync", "--dry-run", "--no-cache", "--target", target}, nil, &stdout, &stderr); code != cli.ExitOK {
		t.Errorf("validate passed, sync --dry-run exit code = %d; stderr:\n%s", code, stderr.String())
	}
}

func TestGoodInput(t *testing.T) {
	for _, f := range caseFiles(t, "good/*.txtar") {
		tc := parseCase(t, f)
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := tc.materialize(t)
			html := map[string]string{}
			if got := load(t, dir, func(e *content.Entry) { html[relative(dir, e.Path)] = string(e.HTML) }); len(got) > 0 {
				t.Fatalf("want no problems, got:\n\t%s", strings.Join(got, "\n\t"))
			}
			for _, h := range tc.html {
				if !strings.Contains(html[h[0]], h[1]) {
					t.Errorf("HTML of %s does not contain %q:\n%s", h[0], h[1], html[h[0]])
				}
			}
			var stdout, stderr bytes.Buffer
			if code := cli.Main(context.Background(), []string{"--config", filepath.Join(dir, "axctl.yaml"), "validate"}, nil, &stdout, &stderr); code != cli.ExitOK {
				t.Fatalf("validate exit code = %d; stdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
			}
			dryRunSync(t, dir)
		})
	}
}

// TestConfigErrorIsOneLine: the YAML decoder echoes a key of axctl.yaml in
// its error; a key written "a\n::error::x" put a line starting with "::"
// (a workflow command) into the CI log, and several errors were several
// lines. A config error is now one line, control characters escaped.
func TestConfigErrorIsOneLine(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "axctl.yaml")
	if err := os.WriteFile(cfg, []byte("\"a\\e[31m\\n::error::x\": 1\nfoo: 2\ncollections:\n  - name: blog\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), []string{"--config", cfg, "validate", "--format", "github"}, nil, &stdout, &stderr)
	out := stdout.String() + stderr.String()
	if code == cli.ExitOK || strings.Count(strings.TrimSpace(out), "\n") != 0 || strings.ContainsAny(out, "\x1b") {
		t.Fatalf("exit %d, output not one line without control characters:\n%q", code, out)
	}
	for _, want := range []string{`field a\x1b[31m\x0a::error::x not found`, "; line 2: field foo not found"} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not say %q:\n%s", want, out)
		}
	}
}
