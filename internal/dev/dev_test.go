package dev_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/cli"
)

// wait bounds each step; the machine running the tests may be loaded, so it
// is generous: the speed of a save is measured in bench/, not here.
const wait = 90 * time.Second

const config = `site:
  title: Dev test
  baseURL: http://127.0.0.1:8787
content: content
collections:
  - name: blog
    title: Blog
    route: /blog
    template: post
`

func entry(title, body string) string {
	return "---\ntitle: " + title + "\ndate: 2026-01-02\n---\n\n" + body + "\n"
}

// devRun is one `axctl dev` started by a test: its terminal, its URL and
// the reload events of one open tab.
type devRun struct {
	url    string
	lines  chan string // the terminal, line by line
	term   *strings.Builder
	events chan string // the data of each reload event
	exit   chan int
	stop   context.CancelFunc
}

func workerDir(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "worker")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "miniflare")); err != nil {
		t.Fatalf("the Worker's node_modules are missing (make tools): %v", err)
	}
	return dir
}

func startDev(t *testing.T, site string) *devRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	d := &devRun{lines: make(chan string, 1024), term: &strings.Builder{}, events: make(chan string, 64), exit: make(chan int, 1), stop: cancel}
	go func() {
		d.exit <- cli.Main(ctx, []string{"dev", "--config", filepath.Join(site, "axctl.yaml"), "--port", "0", "--worker", workerDir(t)}, nil, io.Discard, pw)
		pw.Close()
	}()
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			d.lines <- sc.Text()
		}
		close(d.lines)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-d.exit:
		case <-time.After(wait):
			t.Errorf("axctl dev did not stop")
		}
	})
	serving := regexp.MustCompile(`serving (http://\S+) `)
	d.expectLine(t, func(l string) bool {
		if m := serving.FindStringSubmatch(l); m != nil {
			d.url = m[1]
			return true
		}
		return false
	})
	res, err := http.Get(d.url + "/_axctl/events")
	if err != nil {
		t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events: Content-Type %q", ct)
	}
	t.Cleanup(func() { res.Body.Close() })
	go func() {
		sc := bufio.NewScanner(res.Body)
		event := ""
		for sc.Scan() {
			l := sc.Text()
			if v, ok := strings.CutPrefix(l, "event: "); ok {
				event = v
			}
			if v, ok := strings.CutPrefix(l, "data: "); ok && event == "reload" {
				d.events <- v
			}
		}
	}()
	return d
}

// expectLine reads the terminal until ok accepts a line.
func (d *devRun) expectLine(t *testing.T, ok func(string) bool) string {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case l, open := <-d.lines:
			if !open {
				t.Fatalf("axctl dev ended; terminal:\n%s", d.term)
			}
			d.term.WriteString(l + "\n")
			if ok(l) {
				return l
			}
		case <-deadline:
			t.Fatalf("no such line within %s; terminal:\n%s", wait, d.term)
		}
	}
}

// reloaded waits for the open tab's next reload event.
func (d *devRun) reloaded(t *testing.T) {
	t.Helper()
	select {
	case <-d.events:
	case <-time.After(wait):
		t.Fatalf("no reload event within %s; terminal:\n%s", wait, d.term)
	}
}

// reloadedWith waits for reload events until url answers 200 with want:
// a save can be seen as two changes (an editor truncates, then writes), and
// each is a sync and a reload.
func (d *devRun) reloadedWith(t *testing.T, url, want string) {
	t.Helper()
	d.reloadedUntil(t, url, func(status int, body string) bool { return status == 200 && strings.Contains(body, want) })
}

// reloadedUntil waits for reload events until ok accepts url's answer.
func (d *devRun) reloadedUntil(t *testing.T, url string, ok func(status int, body string) bool) (*http.Response, string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		d.reloaded(t)
		res, body := get(t, url)
		if ok(res.StatusCode, body) {
			return res, body
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %d, not the answer wanted:\n%s", url, res.StatusCode, body)
		}
	}
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept", "text/html")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// snapshot hashes every file of the bucket directory (bodies and sidecars).
func snapshot(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = sha256.Sum256(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// syncLine is the terminal's line for a save that synced and reloaded.
var syncLine = regexp.MustCompile(`^synced 2 entries: wrote \d+, deleted \d+, unchanged \d+ \(validate \d+ ms, plan and apply \d+ ms\); reloaded \(\d+ ms in all\)$`)

// TestDev starts `axctl dev` on a small site with the real Worker in
// workerd, then saves files as an author would.
func TestDev(t *testing.T) {
	site := t.TempDir()
	write(t, filepath.Join(site, "axctl.yaml"), config)
	hello := filepath.Join(site, "content", "blog", "hello.md")
	write(t, hello, entry("Hello", "The first words."))
	write(t, filepath.Join(site, "content", "blog", "other.md"), entry("Other", "Another entry."))
	d := startDev(t, site)
	page := d.url + "/blog/hello"

	t.Run("served through the Worker with the reload script", func(t *testing.T) {
		res, body := get(t, page)
		if res.StatusCode != 200 || !strings.Contains(body, "The first words.") {
			t.Fatalf("GET %s: %d\n%s", page, res.StatusCode, body)
		}
		if !strings.Contains(body, `<script src="/_axctl/reload.js" defer></script></head>`) {
			t.Errorf("the page does not link the reload script:\n%s", body)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP %q: want the Worker's, with script-src 'self' and nothing inline", csp)
		}
		if res.Header.Get("X-Worker-Runs") == "" {
			t.Errorf("no X-Worker-Runs: not answered by the Worker")
		}
		res, js := get(t, d.url+"/_axctl/reload.js")
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(js, "EventSource") {
			t.Errorf("reload.js: %d %q\n%s", res.StatusCode, res.Header.Get("Content-Type"), js)
		}
	})

	t.Run("a save reloads the tab with the new bytes", func(t *testing.T) {
		for i := range 3 {
			words := fmt.Sprintf("Edited words, save %d.", i)
			write(t, hello, entry("Hello", words))
			d.reloadedWith(t, page, words)
			d.expectLine(t, syncLine.MatchString)
		}
	})

	t.Run("a new entry in a new folder is published", func(t *testing.T) {
		write(t, filepath.Join(site, "content", "blog", "deep", "new.md"), entry("New", "Brand new entry."))
		d.reloadedWith(t, d.url+"/blog/deep/new", "Brand new entry.")
	})

	t.Run("invalid content shows the overlay and writes nothing", func(t *testing.T) {
		bucket := filepath.Join(site, ".axctl", "bucket")
		before := snapshot(t, bucket)
		// Two problems in two files, one naming an element: every problem
		// of the run is shown, escaped.
		write(t, hello, "---\ntitle: Hello\ndate: 2026-01-02\n---\n\nA <marquee>raw</marquee> element.\n")
		write(t, filepath.Join(site, "content", "blog", "other.md"), "---\ndate: 2026-01-02\n---\n\nNo title.\n")
		res, body := d.reloadedUntil(t, page, func(status int, body string) bool {
			return status == 500 && strings.Contains(body, "problem(s)") && strings.Contains(body, "other.md")
		})
		if strings.Contains(body, "<marquee") || !strings.Contains(body, "&#60;marquee") {
			t.Errorf("the overlay does not escape the problems:\n%s", body)
		}
		for _, want := range []string{"content/blog/hello.md:6:", "content/blog/other.md:"} {
			if !strings.Contains(body, want) {
				t.Errorf("overlay lacks %q:\n%s", want, body)
			}
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("overlay CSP %q", csp)
		}
		d.expectLine(t, func(l string) bool { return strings.Contains(l, "problem(s); nothing was written") })
		if !regexp.MustCompile(`(?m)content/blog/hello\.md:6:\d+: `).MatchString(d.term.String()) {
			t.Errorf("terminal lacks path:line:col for hello.md:\n%s", d.term)
		}
		after := snapshot(t, bucket)
		if len(after) != len(before) {
			t.Errorf("bucket files: %d before, %d after invalid content", len(before), len(after))
		}
		for k, v := range before {
			if after[k] != v {
				t.Errorf("invalid content changed %s", k)
			}
		}
		// The JSON and assets are still the Worker's: only HTML navigations see the overlay.
		if res, err := http.Get(d.url + "/sitemap.xml"); err != nil || res.StatusCode != 200 {
			t.Errorf("sitemap during problems: %v %v", res, err)
		} else {
			res.Body.Close()
		}

		write(t, hello, entry("Hello", "Fixed words."))
		write(t, filepath.Join(site, "content", "blog", "other.md"), entry("Other", "Another entry."))
		d.reloadedWith(t, page, "Fixed words.")
	})

	t.Run("Ctrl-C stops dev and the Worker", func(t *testing.T) {
		d.stop()
		select {
		case code := <-d.exit:
			d.exit <- code // for the cleanup
			if code != 0 {
				t.Errorf("exit %d; terminal:\n%s", code, d.term)
			}
		case <-time.After(wait):
			t.Fatal("axctl dev did not stop")
		}
		if res, err := http.Get(page); err == nil {
			res.Body.Close()
			t.Errorf("%s still answers after the stop", page)
		}
	})
}
