package syncer

import (
	"sort"
	"strings"

	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/upload"
)

// purgeTags names the Cache-Tags (docs/bucket.md) whose responses the plan
// changes: each written or deleted entry, its collection's listings and
// feeds, and its old and new tags. The Worker tags site-wide pages with
// every collection (home, feed, sitemap) or every tag (tags index), so they
// go with those; "site", which every page carries, is purged only when the
// shell every page shows (site title, collections) changed. An empty plan
// purges nothing.
func purgeTags(p *upload.Plan, built *Built, old map[string]manifest.Record, shellChanged bool) []string {
	if p.Empty() {
		return nil
	}
	tags := map[string]bool{}
	byKey := map[string]manifest.Record{}
	for c, recs := range built.records {
		for _, r := range recs {
			r.Collection = c
			byKey[manifest.EntryKey(c, r.Slug)] = r
		}
	}
	touch := func(key string) {
		rest := strings.TrimPrefix(key, "entries/")
		c, slug, _ := strings.Cut(strings.TrimSuffix(rest, ".html"), "/")
		tags["c:"+c] = true
		tags["m:"+c] = true
		tags["e:"+c+"/"+slug] = true
		for _, r := range []manifest.Record{byKey[key], old[key]} {
			for _, t := range r.Tags {
				tags["t:"+t.Slug] = true
			}
		}
	}
	for _, a := range p.Uploads {
		switch a.Kind {
		case upload.KindEntry:
			touch(a.Key)
		case upload.KindManifest:
			name, _ := strings.CutSuffix(strings.TrimPrefix(a.Key, "metadata/"), ".json")
			if c, _, _ := strings.Cut(name, "/"); c != "site" {
				tags["m:"+c] = true
				tags["c:"+c] = true
			}
		}
	}
	for _, a := range p.Deletes {
		if a.Kind == upload.KindEntry {
			touch(a.Key)
		}
	}
	if shellChanged {
		tags["site"] = true
	}
	out := make([]string, 0, len(tags))
	for t := range tags {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
