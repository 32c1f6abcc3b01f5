package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/axctl/axctl/internal/testutil/minio"
)

// allowAnonymousReads lets anyone GET the objects of srv's bucket (what the
// live Worker reads them with) and returns the bucket's URL.
func allowAnonymousReads(t testing.TB, srv *minio.Server) string {
	t.Helper()
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::%s/*"]}]}`, srv.Bucket)
	_, err := srv.Client().PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(srv.Bucket), Policy: aws.String(policy)})
	if err != nil {
		t.Fatalf("put bucket policy: %v", err)
	}
	return srv.Endpoint + "/" + srv.Bucket + "/"
}

// reference is a second live Worker that revalidates every manifest on every
// request (MANIFEST_TTL 0) and sits behind no cache: what a fresh render of
// the bucket is, whatever the Worker under test memoises.
func (s *site) reference(t *testing.T) string {
	t.Helper()
	if s.ref == "" {
		port := freePort(t)
		liveWorker(s.top, s.root, s.s3, port, "0")
		s.ref = fmt.Sprintf("http://127.0.0.1:%d", port)
	}
	return s.ref
}

// syncPurge runs `axctl sync --purge` through xkey to Varnish and returns the
// tags it purged.
func (s *site) syncPurge(t *testing.T) []string {
	t.Helper()
	purger, rec := s.purgeRecorder(t)
	t0 := time.Now()
	out := axctl(t, s.axctl, s.content, "sync", "--target", s.target, "--purge", "--purge-via", "xkey", "--purge-url", purger.URL+"/")
	rec.mu.Lock()
	defer rec.mu.Unlock()
	t.Logf("sync --purge in %s: %s; purged %v", time.Since(t0).Round(time.Millisecond), strings.TrimSpace(out), rec.tags)
	return slices.Clone(rec.tags)
}

// writeEntry writes content/<rel> with the given frontmatter lines and body.
func (s *site) writeEntry(t *testing.T, rel, front, body string) {
	t.Helper()
	path := filepath.Join(s.content, "content", filepath.FromSlash(rel))
	if err := os.WriteFile(path, []byte("---\n"+front+"\n---\n\n"+body+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

var entryLink = regexp.MustCompile(`<article><h2><a href="(/notes/[^"]+)">`)

// testFreshAtOnce is the reproduction: with the listing, the home
// page and the newest post in the cache, publish a newer post with
// `sync --purge`, then request all three at once, nothing restarted. Each
// must show the new post (the old post through its "Newer" link).
func (s *site) testFreshAtOnce(t *testing.T) {
	listing := get(t, s.client, s.reference(t), "/notes/")
	m := entryLink.FindStringSubmatch(listing.Body)
	if m == nil {
		t.Fatalf("no entry on /notes/:\n%s", listing.Body)
	}
	previous := m[1]
	pages := []string{"/notes/", "/", previous}
	for _, p := range pages {
		s.through(t, p)
		if r := s.through(t, p); r.Header.Get("X-Cache") != "HIT" {
			t.Fatalf("before the sync: %s X-Cache %q, want HIT", p, r.Header.Get("X-Cache"))
		}
	}
	const title = "Published while cached"
	date := time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	s.writeEntry(t, "notes/at-once.md", "title: "+title+"\ndate: "+date+"\ntags: [e2e-fresh]", "Written by the end-to-end freshness test.")
	s.syncPurge(t)

	got := make([]result, len(pages))
	var wg sync.WaitGroup
	for i, p := range pages {
		wg.Go(func() { got[i] = s.through(t, p) })
	}
	wg.Wait()
	for i, p := range pages {
		want := title
		if p == previous {
			want = `href="/notes/at-once"`
		}
		if !strings.Contains(got[i].Body, want) {
			t.Errorf("right after sync --purge: %s (X-Cache %s, %s) lacks %s", p, got[i].Header.Get("X-Cache"), got[i].Header.Get("Cache-Control"), want)
		}
	}
}

// change is one edit of the content under test; soon lists addresses that
// answer 404 before it and a page after it (readers request them too).
type change struct {
	name  string
	soon  []string
	apply func(t *testing.T)
}

// testFreshUnderReaders publishes a new entry, then a retitle, then a delete,
// each with `sync --purge` while readers request every URL of the site
// through Varnish in a loop. Once the sync has exited 0, every URL through
// Varnish must answer what a fresh render of the bucket answers: 0 stale.
func (s *site) testFreshUnderReaders(t *testing.T) {
	ref := s.reference(t)
	changes := []change{
		{"new entry", []string{"/notes/under-readers", "/notes/2025/", "/notes/2025/07/", "/tags/under-readers", "/notes/?page=4", "/notes/?page=5"}, func(t *testing.T) {
			// In a month and with a tag no entry had: its archive and tag pages appear.
			s.writeEntry(t, "notes/under-readers.md", "title: New under readers\ndate: 2025-07-15\ntags: [under-readers, intro]", "Published while readers hammer the site.")
		}},
		{"retitle", nil, func(t *testing.T) {
			path := filepath.Join(s.content, "content", "notes", "with-image.md")
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, titleLine.ReplaceAllLiteral(src, []byte("title: Retitled under readers")), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"delete", nil, func(t *testing.T) {
			if err := os.Remove(filepath.Join(s.content, "content", "notes", "plain-code.md")); err != nil {
				t.Fatal(err)
			}
		}},
		// Session 9, in one sync: an entry moved to another collection, a
		// slug set (its old path becomes an alias), the only entry of a tag
		// retagged (its tag page empties) and, with a delete, the notes
		// listing a page shorter (its last page must stop answering 200).
		{"move, slug, tag rename, shrink", []string{"/guides/highlighted", "/notes/until-2099", "/tags/pictures"}, func(t *testing.T) {
			notes := filepath.Join(s.content, "content", "notes")
			if err := os.Rename(filepath.Join(notes, "highlighted.md"), filepath.Join(s.content, "content", "guides", "highlighted.md")); err != nil {
				t.Fatal(err)
			}
			edit := func(name, from, to string) {
				p := filepath.Join(notes, name)
				src, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(src), from) {
					t.Fatalf("%s has no %q", name, from)
				}
				if err := os.WriteFile(p, []byte(strings.Replace(string(src), from, to, 1)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			edit("expiring.md", "\ntags:", "\nslug: until-2099\ntags:")
			edit("with-image.md", "tags: [media]", "tags: [pictures]")
			if err := os.Remove(filepath.Join(notes, "hostile.md")); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			before := append(s.urls(t, ref), c.soon...)
			stop := make(chan struct{})
			var readers sync.WaitGroup
			var reads atomic.Int64
			for w := range 4 {
				readers.Go(func() {
					client := newClient()
					for i := w; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						if _, err := fetch(client, s.cache.URL+before[i%len(before)]); err == nil {
							reads.Add(1)
						}
					}
				})
			}
			time.Sleep(300 * time.Millisecond) // let the readers fill the cache before the change
			c.apply(t)
			s.syncPurge(t)
			close(stop)
			readers.Wait()
			after := s.urls(t, ref)
			all := slices.Compact(slices.Sorted(slices.Values(append(before, after...))))
			stale, hits := 0, 0
			for _, p := range all {
				want := get(t, s.client, ref, p)
				r := s.through(t, p)
				if r.Header.Get("X-Cache") == "HIT" {
					hits++
				}
				if r.Status != want.Status || r.Body != want.Body {
					stale++
					t.Errorf("after sync --purge exited: %s through Varnish (%d, X-Cache %s, Age %s) differs from a fresh render (%d)%s",
						p, r.Status, r.Header.Get("X-Cache"), r.Header.Get("Age"), want.Status, firstDifference(r.Body, want.Body))
				}
			}
			t.Logf("%s: %d reader GETs during the sync; %d URLs checked after it (%d HIT), %d stale", c.name, reads.Load(), len(all), hits, stale)
		})
	}
}

// urls lists every URL of the site the bucket now implies (seeds from a
// fresh pull, then a crawl of the reference Worker).
func (s *site) urls(t *testing.T, ref string) []string {
	t.Helper()
	dir := t.TempDir()
	axctl(t, s.axctl, s.content, "pull", "--target", s.target, dir)
	var out []string
	for _, p := range crawl(t, ref, seeds(t, dir)) {
		out = append(out, p.Path)
	}
	return out
}

// firstDifference shows where a stale page parts from the fresh render, so a
// failure names the stale fragment (a related list, a pager, a count).
func firstDifference(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	if i == len(got) && i == len(want) {
		return ""
	}
	from := max(0, i-80)
	return fmt.Sprintf("\n\tcached: …%s…\n\tfresh:  …%s…", got[from:min(len(got), i+120)], want[from:min(len(want), i+120)])
}
