package syncer

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/search"
)

// purgeTags names the Cache-Tags (docs/bucket.md) whose responses the plan
// changes: each written or deleted entry, its collection's listings and
// feeds, its old and new tags, and the entries that become its neighbours. The Worker tags site-wide pages with
// every collection (home, feed, sitemap) or every tag (tags index), so they
// go with those; entries whose related list changed go too; "site", which every page carries, is purged only when the
// shell every page shows (site title, collections) changed. An empty plan
// purges nothing.
func purgeTags(p *plan.Plan, built *Built, old map[string]manifest.Record, shellChanged bool) []string {
	if p.Empty() {
		return nil
	}
	tags := map[string]bool{}
	byKey := map[string]manifest.Record{}
	records := built.flatRecords()
	for c, recs := range records {
		for _, r := range recs {
			r.Collection = c
			byKey[manifest.EntryKey(c, r.Slug)] = r
		}
	}
	touch := func(key string) {
		c, slug, _ := contract.ParseEntryKey(key)
		tags[contract.CollectionTag(c)] = true
		tags[contract.ManifestTag(c)] = true
		tags[contract.EntryTag(c, slug)] = true
		for _, r := range []manifest.Record{byKey[key], old[key]} {
			for _, t := range r.Tags {
				tags[contract.TagPageTag(t.Slug)] = true
			}
		}
	}
	for _, a := range p.Uploads {
		switch a.Kind {
		case plan.KindEntry:
			touch(a.Key)
		case plan.KindManifest:
			if search.IsKey(a.Key) {
				tags[contract.SearchTag] = true // every /search response
				continue
			}
			name, _ := strings.CutSuffix(strings.TrimPrefix(a.Key, "metadata/"), ".json")
			// Tag chunks and sitemap chunks change only with entries, whose
			// own tags (t:, c:) cover the pages built from them.
			if c, _, _ := strings.Cut(name, "/"); c != "site" && !contract.IsReservedName(c) {
				tags[contract.ManifestTag(c)] = true
				tags[contract.CollectionTag(c)] = true
			}
		}
	}
	for _, a := range p.Deletes {
		if a.Kind == plan.KindEntry {
			touch(a.Key)
		}
		if search.IsKey(a.Key) {
			tags[contract.SearchTag] = true
		}
	}
	ordered := map[string][]manifest.Record{}
	for _, a := range p.Uploads {
		if o, had := old[a.Key]; had && a.Kind == plan.KindEntry && (o.PublishDate != byKey[a.Key].PublishDate || o.Expires != byKey[a.Key].Expires) {
			// The search index keeps an entry whatever its window and
			// /search hides it by site.json's schedule: a new window changes
			// result pages while no index object changes (session 9's purge
			// oracle: /search?q=2099+until after a publishDate was set).
			tags[contract.SearchTag] = true
		}
		if r, ok := byKey[a.Key]; ok && a.Kind == plan.KindEntry && moved(r, old, a.Key) {
			if ordered[r.Collection] == nil {
				ordered[r.Collection] = newestFirst(records[r.Collection])
			}
			neighbours(tags, ordered[r.Collection], r)
		}
	}
	// An entry page lists its related entries (titles and URLs from its
	// shard record): when the list changes, because another entry was
	// added, retitled, retagged or removed, the page changes too. Its shard
	// changed with it, so old holds its previous record.
	for key, rel := range manifest.RelatedByKey(records) {
		if o, ok := old[key]; ok && !slices.Equal(o.Related, rel) {
			c, slug, _ := contract.ParseEntryKey(key)
			tags[contract.EntryTag(c, slug)] = true
		}
	}
	if shellChanged {
		tags[contract.SiteTag] = true
	}
	out := make([]string, 0, len(tags))
	for t := range tags {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// moved reports whether the entry at key is new, re-dated or has a new
// visibility window: entries that did not link to it before may do now.
func moved(r manifest.Record, old map[string]manifest.Record, key string) bool {
	o, ok := old[key]
	return !ok || o.Date != r.Date || o.PublishDate != r.PublishDate || o.Expires != r.Expires
}

// newestFirst returns recs in the manifests' order: date descending, then slug.
func newestFirst(recs []manifest.Record) []manifest.Record {
	out := slices.Clone(recs)
	slices.SortFunc(out, byNewest)
	return out
}

func byNewest(a, b manifest.Record) int {
	return cmp.Or(strings.Compare(b.Date, a.Date), strings.Compare(a.Slug, b.Slug))
}

// neighbours adds the e: tags of the entries around r in recs, its
// collection in the new order. An entry page links to its nearest shown
// neighbours and is tagged with them, so a page that links to r after the
// sync may not have named r before: the old newest post gains a "Newer"
// link to a new one. The Worker skips entries outside their visibility
// window, so on each side every entry up to and including the first without
// a window is purged.
func neighbours(tags map[string]bool, recs []manifest.Record, r manifest.Record) {
	i, ok := slices.BinarySearchFunc(recs, r, byNewest)
	if !ok {
		return
	}
	for _, step := range []int{-1, 1} {
		for j := i + step; j >= 0 && j < len(recs); j += step {
			tags[contract.EntryTag(r.Collection, recs[j].Slug)] = true
			if recs[j].PublishDate == "" && recs[j].Expires == "" {
				break
			}
		}
	}
}
