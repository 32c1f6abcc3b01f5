package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"
)

// devGoal is issue 16's bound for save → page reloaded with the change.
const devGoal = 300 * time.Millisecond

// dev measures `axctl dev` on an N-entry corpus: the time from writing one
// entry's file to the open tab's reload event, and to the page through the
// Worker carrying the new bytes (what a reloaded tab shows).
func (b *bench) dev() error {
	area := "Live preview"
	src, err := b.corpus(b.cfg.N)
	if err != nil {
		return err
	}
	site := filepath.Join(b.cfg.Work, fmt.Sprintf("dev-%d", b.cfg.N))
	if err := os.CopyFS(site, os.DirFS(src)); err != nil {
		return fmt.Errorf("copy the corpus: %w", err)
	}
	file, url, err := devEntry(site)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.cfg.AxctlBin, "dev", "--port", "0", "--worker", filepath.Join(b.cfg.Repo, "worker"))
	cmd.Dir = site
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cancel(); _ = cmd.Wait() }()
	logPath := site + ".log"
	logf("axctl dev's terminal: %s", logPath)
	term, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer term.Close()
	lines := make(chan string, 256)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(term, sc.Text())
			lines <- sc.Text()
		}
		close(lines)
	}()
	base, err := devServing(lines)
	if err != nil {
		return err
	}
	start := time.Since(t0)
	events, err := devEvents(ctx, base)
	if err != nil {
		return err
	}
	last := make(chan string, 1) // the terminal's last sync line: where the time went
	go func() {
		for l := range lines {
			if strings.HasPrefix(l, "synced ") {
				select {
				case <-last:
				default:
				}
				last <- l
			}
		}
	}()
	var toEvent, toPage []time.Duration
	stale := 0
	orig, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	for i := range b.cfg.DevSaves {
		marker := fmt.Sprintf("Bench edit %d of the live preview.", i)
		t := time.Now()
		if err := os.WriteFile(file, append(slices.Clone(orig), []byte("\n"+marker+"\n")...), 0o644); err != nil {
			return err
		}
		for {
			select {
			case <-events:
			case <-time.After(10 * time.Minute):
				return fmt.Errorf("save %d: no reload event within 10 minutes (terminal: %s)", i, logPath)
			}
			ev := time.Since(t)
			body, err := devGet(base + url)
			if err != nil {
				return err
			}
			if strings.Contains(body, marker) {
				toEvent, toPage = append(toEvent, ev), append(toPage, time.Since(t))
				break
			}
			stale++ // a reload before the change: not counted as a sample
		}
	}
	med, worst := medianDur(toPage), slices.Max(toPage)
	phases := ""
	select {
	case l := <-last:
		if m := regexp.MustCompile(`\((validate \d+ ms, plan and apply \d+ ms)\)`).FindStringSubmatch(l); m != nil {
			phases = "; last save: " + m[1]
		}
	default:
	}
	b.add(area, fmt.Sprintf("`axctl dev` start on %s entries (first sync into an empty bucket, workerd up, serving)", num(float64(b.cfg.N))),
		fmt.Sprintf("%.1f s", start.Seconds()), "", "")
	b.add(area, fmt.Sprintf("save one entry → reload event · → its page through the Worker with the change (%s entries, n=%d, debounce 30 ms)", num(float64(b.cfg.N)), len(toPage)),
		fmt.Sprintf("event median %s, p90 %s, max %s · page median %s, p90 %s, max %s%s%s", msText(medianDur(toEvent)), msText(p90Dur(toEvent)), msText(slices.Max(toEvent)),
			msText(med), msText(p90Dur(toPage)), msText(worst), staleNote(stale), phases),
		fmt.Sprintf("< %s", msText(devGoal)), verdict(med < devGoal))
	return nil
}

func msText(d time.Duration) string { return fmt.Sprintf("%.0f ms", ms(d)) }

func staleNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d reload(s) came before the change)", n)
}

// devEntry picks the corpus's first blog entry and its URL.
func devEntry(site string) (file, url string, err error) {
	ents, err := os.ReadDir(filepath.Join(site, "content", "blog"))
	if err != nil {
		return "", "", err
	}
	for _, e := range ents {
		if name, ok := strings.CutSuffix(e.Name(), ".md"); ok && e.Type().IsRegular() {
			return filepath.Join(site, "content", "blog", e.Name()), "/blog/" + name, nil
		}
	}
	return "", "", fmt.Errorf("no entry in %s/content/blog", site)
}

var servingLine = regexp.MustCompile(`serving (http://\S+) `)

// devServing reads the terminal until dev prints its URL.
func devServing(lines <-chan string) (string, error) {
	var seen []string
	timeout := time.After(10 * time.Minute)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return "", fmt.Errorf("axctl dev ended before serving: %s", strings.Join(seen, "\n"))
			}
			if m := servingLine.FindStringSubmatch(l); m != nil {
				return m[1], nil
			}
			seen = append(seen, l)
		case <-timeout:
			return "", fmt.Errorf("axctl dev not serving after 10 minutes: %s", strings.Join(seen, "\n"))
		}
	}
}

// devEvents opens the reload channel as the tab's script does.
func devEvents(ctx context.Context, base string) (<-chan struct{}, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/_axctl/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	out := make(chan struct{}, 64)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if sc.Text() == "event: reload" {
				out <- struct{}{}
			}
		}
	}()
	return out, nil
}

func devGet(url string) (string, error) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept", "text/html")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}
