package syncer_test

import (
	"slices"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/syncer"
	"github.com/axctl/axctl/internal/testutil/synctest"
)

// An entry whose expires has passed at sync time is never shown again: it
// is not uploaded, and a later sync deletes it.
func TestExpiredEntriesAreNotPublished(t *testing.T) {
	s := newSite(t, 25)
	s.entry("blog", "kept", "Kept", "2026-01-01", "body")
	s.entry("blog", "ends", "Ends", "2026-01-02", "body", "expires: 2026-03-01")
	b := openDir(t)
	rep := runAt(t, s, b.storage, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	if rep.Entries != 2 || rep.Expired != 0 {
		t.Fatalf("before expiry: entries %d expired %d", rep.Entries, rep.Expired)
	}

	rep = runAt(t, s, b.storage, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	if rep.Entries != 1 || rep.Expired != 1 {
		t.Fatalf("after expiry: entries %d expired %d", rep.Entries, rep.Expired)
	}
	var deleted []string
	for _, a := range rep.Plan.Deletes {
		deleted = append(deleted, a.Key)
	}
	if !slices.Equal(deleted, []string{"entries/blog/ends.html"}) {
		t.Fatalf("deletes = %v", deleted)
	}
}

// Editing an entry purges its page, its collection, its tags and the search
// pages (its title changed the index), but not
// "site" (every page carries it); changing the site title purges "site".
func TestPurgeTagsSpareTheSiteTagUnlessTheShellChanges(t *testing.T) {
	s := newSite(t, 25)
	s.entry("blog", "a", "A", "2026-01-01", "body", "tags: [go]")
	s.entry("blog", "b", "B", "2026-01-02", "body", "tags: [web]")
	b := openDir(t)
	if rep := run(t, s, b.storage); !slices.Contains(rep.Purge, "site") {
		t.Fatalf("first sync purge = %v, want site (new site.json)", rep.Purge)
	}
	s.entry("blog", "a", "A2", "2026-01-01", "body", "tags: [rust]")
	rep := run(t, s, b.storage)
	want := []string{"c:blog", "e:blog/a", "m:blog", "search", "t:go", "t:rust"}
	if !slices.Equal(rep.Purge, want) {
		t.Fatalf("edit purge = %v, want %v", rep.Purge, want)
	}
	if rep := run(t, s, b.storage); len(rep.Purge) != 0 {
		t.Fatalf("no-op purge = %v", rep.Purge)
	}
	cfg := s.config()
	cfg.Site.Title = "Renamed"
	rep2, err := synctest.Run(t.Context(), cfg, b.storage, syncer.Options{MaxDeletes: -1})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(rep2.Purge, "site") {
		t.Fatalf("title change purge = %v, want site", rep2.Purge)
	}
}

// A new entry changes the page of the entry that becomes its neighbour (a
// "Newer" link appears) although that page never named it: the purge names
// the neighbour, past entries the Worker may hide (a publishDate or expires
// window) up to the first always shown. A retitle moves nothing: no
// neighbour is added.
func TestPurgeTagsNameTheNewNeighbours(t *testing.T) {
	s := newSite(t, 25)
	s.entry("blog", "old", "Old", "2026-01-01", "body")
	s.entry("blog", "shown", "Shown", "2026-01-02", "body")
	s.entry("blog", "later", "Later", "2026-01-03", "body", "publishDate: 2099-01-01")
	b := openDir(t)
	run(t, s, b.storage)
	s.entry("blog", "new", "New", "2026-01-04", "body")
	rep := run(t, s, b.storage)
	for _, tag := range []string{"e:blog/new", "e:blog/later", "e:blog/shown"} {
		if !slices.Contains(rep.Purge, tag) {
			t.Errorf("new entry purge = %v, want %s", rep.Purge, tag)
		}
	}
	if slices.Contains(rep.Purge, "e:blog/old") {
		t.Errorf("new entry purge = %v: e:blog/old is past the first always-shown neighbour", rep.Purge)
	}
	s.entry("blog", "new", "New title", "2026-01-04", "body")
	rep = run(t, s, b.storage)
	if slices.Contains(rep.Purge, "e:blog/later") {
		t.Errorf("retitle purge = %v: the neighbours did not change", rep.Purge)
	}
}

// A publishDate set on an entry that already had a window hides it from
// /search results (the Worker filters by site.json's schedule) while its
// search index objects stay byte-identical (session 9's purge oracle:
// /search?q=2099+until after notes/expiring.md got a publishDate): the
// purge must name "search" anyway, and so must a window moved or cleared.
func TestPurgeTagsSearchOnWindowChange(t *testing.T) {
	s := newSite(t, 25)
	s.entry("blog", "a", "Alpha", "2026-01-01", "body", "expires: 2099-06-01")
	s.entry("blog", "b", "Beta", "2026-01-02", "body")
	b := openDir(t)
	run(t, s, b.storage)
	for _, front := range [][]string{
		{"publishDate: 2099-01-01", "expires: 2099-06-01"}, // hidden now
		{"publishDate: 2020-01-01", "expires: 2099-06-01"}, // shown again
		{"publishDate: 2020-01-01", "expires: 2098-01-01"}, // shown, another end
	} {
		s.entry("blog", "a", "Alpha", "2026-01-01", "body", front...)
		if rep := run(t, s, b.storage); !slices.Contains(rep.Purge, "search") {
			t.Errorf("window %v: purge = %v, want search", front, rep.Purge)
		}
	}
}
