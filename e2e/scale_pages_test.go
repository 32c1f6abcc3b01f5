package e2e

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// check tells whether a page's body shows what it must.
type check func(body string) error

var (
	entryHref  = regexp.MustCompile(`<li><article><h2><a href="([^"]*)">`)
	feedLink   = regexp.MustCompile(`<entry><title>[^<]*</title><link href="([^"]*)"/>`)
	countRow   = regexp.MustCompile(`<li><a href="([^"]*)">([^<]*)</a> <span class="count">(\d+)</span></li>`)
	yearsNav   = regexp.MustCompile(`<ul class="years">(.*?)</ul>`)
	yearHref   = regexp.MustCompile(`href="([^"]*)"`)
	tagHeading = regexp.MustCompile(`<h1>Tagged “([^<]*)”</h1>`)
)

func all(re *regexp.Regexp, body string, group int) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(strings.TrimPrefix(m[group], scaleBaseURL)))
	}
	return out
}

// same compares two lists and says where they first differ.
func same(what string, got, want []string) error {
	if slices.Equal(got, want) {
		return nil
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	at := func(l []string) string {
		if i < len(l) {
			return l[i]
		}
		return "(end)"
	}
	return fmt.Errorf("%s: %d listed, want %d; first difference at #%d: %s, want %s", what, len(got), len(want), i+1, at(got), at(want))
}

// rows are "href name count" lines of a tags index or a year archive.
func rows(body string) []string {
	var out []string
	for _, m := range countRow.FindAllStringSubmatch(body, -1) {
		out = append(out, fmt.Sprintf("%s %s %s", m[1], html.UnescapeString(m[2]), m[3]))
	}
	return out
}

func entriesAre(want []string) check {
	return func(body string) error { return same("entries", all(entryHref, body, 1), want) }
}

// withYears adds the archive years a collection's listings and archives link.
func withYears(c check, years []string) check {
	return func(body string) error {
		if err := c(body); err != nil {
			return err
		}
		var got []string
		if m := yearsNav.FindStringSubmatch(body); m != nil {
			got = all(yearHref, m[1], 1)
		}
		return same("archive years", got, years)
	}
}

// pages maps every list page the entries imply to its check.
func (o *scaleOracle) pages() map[string]check {
	out := map[string]check{}
	latest := urls(o.shown(o.all))[:10]
	var cols []string
	for _, c := range scaleCols {
		cols = append(cols, fmt.Sprintf("%s/ %s %d", c.Route, c.Title, len(o.shown(o.byCol[c.Name]))))
	}
	out["/"] = func(body string) error {
		if err := same("latest", all(entryHref, body, 1), latest); err != nil {
			return err
		}
		return same("collections", rows(body), cols)
	}
	out["/feed.xml"] = func(body string) error { return same("feed", all(feedLink, body, 1), latest) }
	for _, c := range scaleCols {
		o.collectionPages(out, c)
	}
	o.tagPages(out)
	o.sitemaps(out)
	return out
}

func (o *scaleOracle) collectionPages(out map[string]check, c genCol) {
	list := o.byCol[c.Name]
	shown := urls(o.shown(list))
	out[c.Route+"/feed.xml"] = func(body string) error { return same("feed", all(feedLink, body, 1), shown[:min(20, len(shown))]) }
	// Months and years with a shown entry, newest first.
	var years []string
	type month struct {
		key          string
		newer, count int
		shown        []*genEntry
	}
	var ms []month
	newer := 0
	for _, m := range o.months(c.Name) {
		var in []*genEntry
		for _, e := range list {
			if e.Date[:7] == m {
				in = append(in, e)
			}
		}
		ms = append(ms, month{m, newer, len(in), o.shown(in)})
		newer += len(in)
		if y := c.Route + "/" + m[:4] + "/"; len(o.shown(in)) > 0 && !slices.Contains(years, y) {
			years = append(years, y)
		}
	}
	for p := 1; p <= pagesOf(len(list)); p++ {
		out[paged(c.Route+"/", p)] = withYears(entriesAre(urls(o.shown(pageOf(list, p)))), years)
	}
	for _, y := range years {
		var rs []string
		for _, m := range ms {
			if len(m.shown) > 0 && strings.HasPrefix(y, c.Route+"/"+m.key[:4]+"/") {
				rs = append(rs, fmt.Sprintf("%s/%s/%s/ %s %d", c.Route, m.key[:4], m.key[5:], monthNames[m.key[5:]]+" "+m.key[:4], len(m.shown)))
			}
		}
		out[y] = func(body string) error {
			if err := same("months", rows(body), rs); err != nil {
				return err
			}
			return withYears(func(string) error { return nil }, years)(body)
		}
	}
	n := len(list)
	for _, m := range ms {
		if len(m.shown) == 0 {
			continue
		}
		first, last := pageAt(n, m.newer), pageAt(n, m.newer+m.count-1)
		var union []string
		for k := first; k <= last; k++ {
			var in []*genEntry
			for _, e := range o.shown(pageOf(list, k)) {
				if e.Date[:7] == m.key {
					in = append(in, e)
				}
			}
			union = append(union, urls(in)...)
			out[paged(fmt.Sprintf("%s/%s/%s/", c.Route, m.key[:4], m.key[5:]), k-first+1)] = withYears(entriesAre(urls(in)), years)
		}
		if err := same("month "+m.key+" over its pages", union, urls(m.shown)); err != nil {
			panic(err) // the oracle's own arithmetic is wrong
		}
	}
}

var monthNames = map[string]string{"01": "January", "02": "February", "03": "March", "04": "April", "05": "May", "06": "June",
	"07": "July", "08": "August", "09": "September", "10": "October", "11": "November", "12": "December"}

// tagsPages is how many tags index pages there are (hidden tags count).
func (o *scaleOracle) tagsPages() int { return max(1, (len(o.slugs)+scalePageSize-1)/scalePageSize) }

// tagRows are a tags index page's "href name count" rows: hidden-only tags dropped.
func (o *scaleOracle) tagRows(i int) []string {
	var rs []string
	for _, slug := range o.slugs[i*scalePageSize : min(len(o.slugs), (i+1)*scalePageSize)] {
		if k := o.visibleTagCount(slug); k > 0 {
			rs = append(rs, fmt.Sprintf("/tags/%s %s %d", slug, o.names[slug], k))
		}
	}
	return rs
}

func (o *scaleOracle) tagPages(out map[string]check) {
	for i := 0; i < o.tagsPages(); i++ {
		rs := o.tagRows(i)
		out[paged("/tags/", i+1)] = func(body string) error { return same("tags", rows(body), rs) }
	}
	for _, slug := range o.slugs {
		list := o.byTag[slug]
		if o.visibleTagCount(slug) == 0 {
			continue
		}
		name := o.names[slug]
		var union []string
		for p := 1; p <= pagesOf(len(list)); p++ {
			want := urls(o.shown(pageOf(list, p)))
			union = append(union, want...)
			out[paged("/tags/"+slug, p)] = func(body string) error {
				if h := all(tagHeading, body, 1); len(h) != 1 || h[0] != name {
					return fmt.Errorf("heading %q, want %q", h, name)
				}
				return entriesAre(want)(body)
			}
		}
		if err := same("tag "+slug+" over its pages", union, urls(o.shown(list))); err != nil {
			panic(err)
		}
	}
}

// sitemaps: the index names pages.xml, each collection's chunks of 500
// (counted from the oldest) and one sitemap per tags index page.
func (o *scaleOracle) sitemaps(out map[string]check) {
	index := []string{"/sitemaps/pages.xml"}
	pages := []string{"/", "/tags/"}
	for _, c := range scaleCols {
		list := o.byCol[c.Name]
		n := len(list)
		for i := 0; i*500 < n; i++ {
			p := "/sitemaps/" + c.Name + "-" + strconv.Itoa(i) + ".xml"
			index = append(index, p)
			want := urls(o.shown(list[max(0, n-(i+1)*500) : n-i*500]))
			out[p] = func(body string) error { return same("urls", all(locElem, body, 1), want) }
		}
		pages = append(pages, c.Route+"/")
		for k := range out { // the year and month archives collectionPages added
			if strings.HasPrefix(k, c.Route+"/") && archivePath.MatchString(strings.TrimPrefix(k, c.Route)) {
				pages = append(pages, k)
			}
		}
	}
	for i := 0; i < o.tagsPages(); i++ {
		p := "/sitemaps/tags-" + strconv.Itoa(i) + ".xml"
		index = append(index, p)
		var want []string
		for _, r := range o.tagRows(i) {
			want = append(want, strings.Fields(r)[0])
		}
		out[p] = func(body string) error { return same("urls", all(locElem, body, 1), want) }
	}
	slices.Sort(pages)
	out["/sitemaps/pages.xml"] = func(body string) error {
		got := all(locElem, body, 1)
		slices.Sort(got)
		return same("urls (sorted)", got, pages)
	}
	out["/sitemap.xml"] = func(body string) error { return same("sitemaps", all(locElem, body, 1), index) }
}
