package manifest

import (
	"slices"
	"testing"
	"time"
)

// TestSchedule: site.json's schedule lists exactly the entries the Worker
// may hide after the build (an expires, or a publishDate after Site.Now),
// newest first, with their distinct tag slugs; latest runs past the 10th
// entry until it holds 10 without a window, so the home page still shows
// 10 while the newest are scheduled.
func TestSchedule(t *testing.T) {
	recs := series("p", 15) // p-000 … p-014, one a day from 2024-01-01
	go_ := Tag{Name: "Go", Slug: "go"}
	for _, i := range []int{14, 13, 12} { // the three newest publish later
		recs[i].PublishDate, recs[i].Tags = day(100+i), []Tag{go_, go_}
	}
	recs[11].PublishDate = day(20)                     // published before the build: always shown
	recs[10].Expires = day(200)                        // shown until it expires
	now := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC) // day 60
	out, err := Build(Site{Title: "s", BaseURL: "https://e.x", Now: now}, []Collection{blog}, map[string][]Record{"blog": recs}, 5)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := DecodeSite(out[SiteKey])
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range sm.Schedule {
		got = append(got, s.Slug)
		if s.Collection != "blog" || s.Date == "" {
			t.Errorf("schedule entry %+v", s)
		}
	}
	if want := []string{"p-014", "p-013", "p-012", "p-010"}; !slices.Equal(got, want) {
		t.Errorf("schedule %v, want %v", got, want)
	}
	if tags := sm.Schedule[0].Tags; !slices.Equal(tags, []string{"go"}) || sm.Schedule[0].PublishDate != day(114) {
		t.Errorf("schedule[0] = %+v", sm.Schedule[0])
	}
	if n := len(sm.Latest); n != 14 || sm.Latest[13].Slug != "p-001" {
		t.Errorf("latest holds %d entries down to %s, want 14 down to p-001 (10 without a window)", n, sm.Latest[n-1].Slug)
	}

	out, err = Build(Site{Title: "s", BaseURL: "https://e.x"}, []Collection{blog}, map[string][]Record{"blog": recs}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if sm, _ = DecodeSite(out[SiteKey]); len(sm.Schedule) != 5 {
		t.Errorf("zero Now: %d scheduled, want every entry with a window (5)", len(sm.Schedule))
	}
	recs = series("q", 3)
	out, _ = Build(site, []Collection{blog}, map[string][]Record{"blog": recs}, 5)
	if sm, _ = DecodeSite(out[SiteKey]); sm.Schedule != nil {
		t.Errorf("no windows: schedule %v, want it omitted", sm.Schedule)
	}
}
