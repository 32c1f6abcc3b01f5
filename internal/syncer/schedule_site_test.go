package syncer_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
	"github.com/axctl/axctl/internal/testutil/synctest"
)

// TestScheduleSite writes the site worker/test/schedule.test.mjs checks
// (its oracle for scheduled and expired entries): it runs only when that
// test asks, with AXCTL_SCHEDULE_SITE (the directory to write), and
// AXCTL_SCHEDULE_NOW (Unix ms) and AXCTL_SCHEDULE_SEED. Entries get random
// publishDate/expires windows around now; the sync runs ten days earlier,
// so some appeared and some expired since. It writes DIR/bucket (the dir
// store) and DIR/truth.json (every entry and its window, published or not).
func TestScheduleSite(t *testing.T) {
	dir := os.Getenv("AXCTL_SCHEDULE_SITE")
	if dir == "" {
		t.Skip("run by worker/test/schedule.test.mjs")
	}
	ms, err := strconv.ParseInt(os.Getenv("AXCTL_SCHEDULE_NOW"), 10, 64)
	if err != nil {
		t.Fatalf("AXCTL_SCHEDULE_NOW: %v", err)
	}
	seed, _ := strconv.ParseUint(os.Getenv("AXCTL_SCHEDULE_SEED"), 10, 64)
	now := time.UnixMilli(ms).UTC().Truncate(time.Second)
	synced := now.Add(-10 * 24 * time.Hour)
	s := &site{t: t, dir: filepath.Join(dir, "site")}
	s.write("axctl.yaml", "site:\n  title: Schedule oracle\n  baseURL: https://oracle.example\ncontent: content\npageSize: 3\ncollections:\n  - name: blog\n  - name: notes\n")
	truth := scheduleEntries(rand.New(rand.NewPCG(seed, 15)), now, synced)
	for _, e := range truth.Entries {
		front := []string{}
		if len(e.Tags) > 0 {
			names := make([]string, len(e.Tags))
			for i, tg := range e.Tags {
				names[i] = strconv.Quote(tg.Name)
			}
			front = append(front, "tags: ["+strings.Join(names, ", ")+"]")
		}
		if e.PublishDate != "" {
			front = append(front, "publishDate: "+e.PublishDate)
		}
		if e.Expires != "" {
			front = append(front, "expires: "+e.Expires)
		}
		s.entry(e.Collection, e.Slug, e.Title, e.Date, "Body of "+e.Title+".", front...)
	}
	truth.Synced = synced.UnixMilli()
	storage, err := store.NewDirStore(filepath.Join(dir, "bucket"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synctest.Run(t.Context(), s.config(), storage, syncer.Options{MaxDeletes: -1, Now: synced}); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(truth, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "truth.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

type scheduleTag struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

type scheduleEntry struct {
	Collection  string        `json:"collection"`
	Slug        string        `json:"slug"`
	URL         string        `json:"url"`
	Title       string        `json:"title"`
	Date        string        `json:"date"`
	Tags        []scheduleTag `json:"tags"`
	PublishDate string        `json:"publishDate,omitempty"`
	Expires     string        `json:"expires,omitempty"`
}

type scheduleTruth struct {
	Synced  int64           `json:"synced"`
	Entries []scheduleEntry `json:"entries"`
}

// scheduleEntries draws 36 entries in two collections: unique dates (to the
// second) and title tokens, shared and single-entry tags, and windows of
// every kind — none, publishing later, published since the sync, expiring
// later, expired since the sync, expired before it (never published) —
// with every boundary at least an hour from now.
func scheduleEntries(r *rand.Rand, now, synced time.Time) scheduleTruth {
	const iso = "2006-01-02T15:04:05Z"
	word := func() string {
		b := make([]byte, 6)
		for i := range b {
			b[i] = byte('a' + r.IntN(26))
		}
		return string(b)
	}
	between := func(from, to time.Time) time.Time {
		return from.Add(time.Duration(r.Int64N(int64(to.Sub(from)/time.Second))) * time.Second)
	}
	hour, day := time.Hour, 24*time.Hour
	var out scheduleTruth
	for i := range 36 {
		col := "blog"
		if i%3 == 0 {
			col = "notes"
		}
		w := word()
		e := scheduleEntry{
			Collection: col, Slug: fmt.Sprintf("s%02d-%s", i, w), Title: "Title Q" + w,
			Date: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i*9)*day + time.Duration(r.IntN(86400))*time.Second).Format(iso),
		}
		e.URL = "/" + col + "/" + e.Slug
		for _, tg := range []string{"alpha", "beta", "gamma"} {
			if r.IntN(3) == 0 {
				e.Tags = append(e.Tags, scheduleTag{strings.ToUpper(tg[:1]) + tg[1:], tg})
			}
		}
		if r.IntN(10) < 3 {
			e.Tags = append(e.Tags, scheduleTag{"Solo " + w, "solo-" + w})
		}
		switch k := r.IntN(20); {
		case k < 8: // no window
		case k < 12: // publishes later (sometimes with an end)
			pub := between(now.Add(hour), now.Add(20*day))
			e.PublishDate = pub.Format(iso)
			if k == 11 {
				e.Expires = between(pub.Add(hour), pub.Add(5*day)).Format(iso)
			}
			if k%2 == 0 {
				e.Tags = append(e.Tags, scheduleTag{"Scheduled only", "scheduled-only"})
			}
		case k < 14: // published since the sync
			e.PublishDate = between(synced.Add(hour), now.Add(-hour)).Format(iso)
		case k < 16: // expires later
			e.Expires = between(now.Add(hour), now.Add(20*day)).Format(iso)
		case k < 19: // expired since the sync
			e.Expires = between(synced.Add(hour), now.Add(-hour)).Format(iso)
		default: // expired before the sync: never published
			e.Expires = between(synced.Add(-5*day), synced.Add(-hour)).Format(iso)
		}
		out.Entries = append(out.Entries, e)
	}
	return out
}
