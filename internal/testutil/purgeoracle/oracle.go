// Package purgeoracle checks the purge set a sync computes against what the
// Worker actually renders (issue 15): every URL of a site is rendered through
// the real Worker (e2e/testdata/crawl.mjs, Miniflare) before and after a
// random change to the content tree, and every URL whose bytes changed must
// carry, in its before-response's Cache-Tag, a tag the sync purged. The
// e2e test runs it at make-test size, soak/ at a few thousand entries.
package purgeoracle

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
	"github.com/axctl/axctl/internal/testutil"
	"github.com/axctl/axctl/internal/testutil/synctest"
)

// Seed is AXCTL_SEED when set (to replay a run), else the clock; it is logged.
func Seed(t testing.TB) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("AXCTL_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("AXCTL_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("AXCTL_SEED=%d replays this run", seed)
	return seed
}

// Response is one URL as the crawler saw it: status and a hash of the
// status, Location and body (the bytes a cache would serve), its Cache-Tag
// and its edge cache directives.
type Response struct {
	Status int      `json:"status"`
	SHA    string   `json:"sha"`
	Tags   []string `json:"tags"`
	CC     string   `json:"cc"`
}

// cached reports whether a cache may hold r: a no-store or private response
// was never stored, so it needs no purge.
func (r Response) cached() bool {
	return !strings.Contains(r.CC, "no-store") && !strings.Contains(r.CC, "private")
}

// Crawler is one node process rendering dir-stores through the Worker.
type Crawler struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// StartCrawler starts e2e/testdata/crawl.mjs; it stops with the test.
func StartCrawler(t testing.TB, repo string) *Crawler {
	t.Helper()
	cmd := exec.Command("node", filepath.Join(repo, "e2e", "testdata", "crawl.mjs"))
	cmd.Dir = repo
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start crawl.mjs: %v", err)
	}
	t.Cleanup(func() { in.Close(); _ = cmd.Wait() })
	return &Crawler{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<20)}
}

// Crawl renders the site in the dir-store dir: every URL reachable from the
// site's own links and manifests plus seeds (follow), or only seeds.
func (c *Crawler) Crawl(t testing.TB, dir string, seeds []string, follow bool) map[string]Response {
	t.Helper()
	req, _ := json.Marshal(map[string]any{"dir": dir, "seeds": seeds, "follow": follow})
	if _, err := c.in.Write(append(req, '\n')); err != nil {
		t.Fatalf("crawl.mjs: %v", err)
	}
	line, err := c.out.ReadBytes('\n')
	if err != nil {
		t.Fatalf("crawl.mjs: %v", err)
	}
	var errOut struct{ Error string }
	if json.Unmarshal(line, &errOut) == nil && errOut.Error != "" {
		t.Fatalf("crawl.mjs: %s", errOut.Error)
	}
	var out map[string]Response
	if err := json.Unmarshal(line, &out); err != nil {
		t.Fatalf("crawl.mjs answer: %v", err)
	}
	return out
}

// Figures are the oracle's totals over every round.
type Figures struct {
	Rounds    int            // changes applied
	Kinds     map[string]int // changes by kind
	Compared  int            // URL comparisons (before and after, per round)
	Changed   int            // URLs whose bytes changed
	Purged    int            // URLs whose cached before-copy carries a purged tag
	Over      int            // purged, bytes unchanged
	Under     int            // bytes changed, cached before-copy not purged
	Failures  []string       // one line per under-purged URL (first 50)
	AllPurged int            // rounds whose purge set held "site"
}

// OverRatio is the share of purged URLs whose bytes did not change.
func (f Figures) OverRatio() float64 {
	if f.Purged == 0 {
		return 0
	}
	return float64(f.Over) / float64(f.Purged)
}

func (f Figures) String() string {
	return fmt.Sprintf("%d changes %v, %d URL comparisons, %d changed, %d purged, over-purge %d (%.1f%% of purged), under-purge %d, rounds purging site: %d",
		f.Rounds, f.Kinds, f.Compared, f.Changed, f.Purged, f.Over, 100*f.OverRatio(), f.Under, f.AllPurged)
}

// Site is a content tree the oracle changes and syncs.
type Site struct {
	Dir     string // holds axctl.yaml
	bucket  string
	storage store.Store
}

// NewSite syncs the tree in dir into a fresh dir-store beside it.
func NewSite(t testing.TB, dir string) *Site {
	t.Helper()
	s := &Site{Dir: dir, bucket: filepath.Join(t.TempDir(), "bucket")}
	st, err := store.NewDirStore(s.bucket)
	if err != nil {
		t.Fatal(err)
	}
	s.storage = st
	s.Sync(t)
	return s
}

// Sync runs the real sync and returns the Cache-Tags it would purge.
func (s *Site) Sync(t testing.TB) []string {
	t.Helper()
	cfg, err := content.LoadConfig(filepath.Join(s.Dir, "axctl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := synctest.Run(t.Context(), cfg, s.storage, syncer.Options{MaxDeletes: -1})
	if err != nil {
		var problems []string
		if rep != nil {
			for _, p := range rep.Problems {
				problems = append(problems, p.String())
			}
		}
		t.Fatalf("sync: %v\n%s", err, strings.Join(problems, "\n"))
	}
	return rep.Purge
}

// Run applies rounds random changes (Change) to s, checking each, and
// returns the figures; under-purged URLs are in Failures, not t.Error, so
// the caller decides.
func Run(t testing.TB, c *Crawler, s *Site, ch *Changer, rounds int) Figures {
	t.Helper()
	f := Figures{Kinds: map[string]int{}}
	prev := filepath.Join(t.TempDir(), "before")
	testutil.CopyTree(t, s.bucket, prev)
	before := c.Crawl(t, prev, nil, true)
	for i := range rounds {
		kind, what := ch.Change(t)
		f.Rounds++
		f.Kinds[kind]++
		purge := s.Sync(t)
		set := map[string]bool{}
		for _, tg := range purge {
			set[tg] = true
		}
		if set["site"] {
			f.AllPurged++
		}
		now := filepath.Join(t.TempDir(), "after")
		testutil.CopyTree(t, s.bucket, now)
		after := c.Crawl(t, now, sortedKeys(before), true)
		var extra []string
		for u := range after {
			if _, ok := before[u]; !ok {
				extra = append(extra, u)
			}
		}
		if len(extra) > 0 {
			slices.Sort(extra)
			for u, r := range c.Crawl(t, prev, extra, false) {
				before[u] = r
			}
		}
		for _, u := range sortedKeys(after) {
			b, a := before[u], after[u]
			f.Compared++
			changed := b.SHA != a.SHA
			purged := slices.ContainsFunc(b.Tags, func(tg string) bool { return set[tg] })
			if changed {
				f.Changed++
			}
			if purged && b.cached() {
				f.Purged++
				if !changed {
					f.Over++
				}
			}
			if changed && b.cached() && !purged {
				f.Under++
				if len(f.Failures) < 50 {
					f.Failures = append(f.Failures, fmt.Sprintf("round %d (%s %s): %s %d→%d, before Cache-Tag %q, purge %q",
						i, kind, what, u, b.Status, a.Status, strings.Join(b.Tags, ","), strings.Join(purge, ",")))
				}
			}
		}
		before, prev = after, now
	}
	return f
}

func sortedKeys(m map[string]Response) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
