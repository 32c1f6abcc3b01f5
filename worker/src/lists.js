// lists.js — the paged pages: collection listings, year and month archives,
// tag pages, the tags index, feeds of a collection and the sitemaps. Each
// reads site.json and at most one more object, whose key it computes from
// site.json alone (docs/bucket.md, "Reads per page"): chunks are counted
// from the oldest entry, every one holds pageSize entries but the newest,
// which holds pageSize…2·pageSize-1 (all when fewer), so page 1 is never
// short and a new entry rewrites one chunk.
import { visibility } from './policy.js';
import * as L from './layout.js';
import { atom, sitemap, withBodies } from './feeds.js';
import { baseOf } from './head.js';
import { checked } from './shape.js';
import { hiddenNow } from './schedule.js';
import { SITEMAP_CHUNK, MAX_SITEMAP_URLS, shardKey as contractShardKey, tagChunkKey, tagsPageKey as contractTagsPageKey, sitemapChunkKey, SITE_TAG, collectionTag, tagPageTag } from './contract.js';

const HTML = 'text/html; charset=utf-8';
const XML = 'application/xml; charset=utf-8';
const FEED_SIZE = 20;
const ok = (body, type, tags, extra = {}) => ({ status: 200, body, type, tags, ...extra });
const load = (rq, key) => rq.json(key).then((v) => checked(key, v));
/**
 * ABSENT is the cap of a page built without an object site.json says exists
 * (a shard, tags page or sitemap chunk absent, or null): a sync's deletes
 * racing this read, or a bucket altered behind axctl's back. The page is
 * served but never stored (cap 0 → no-store), not kept a day as empty.
 */
const ABSENT = 0;
const presentCap = (doc) => (doc ? Infinity : ABSENT);

/** sizeOf is site.json's page size (axctl writes 1…100; anything else reads as 25). */
export const sizeOf = (site) => (Number.isInteger(site.pageSize) && site.pageSize >= 1 && site.pageSize <= 100 ? site.pageSize : 25);
/** pagesOf is how many pages n entries fill (manifest.Pages). */
export const pagesOf = (n, size) => Math.max(1, Math.floor(n / size));
/** chunkOf is the chunk index (0 = oldest) of page p of n entries. */
const chunkOf = (n, size, p) => pagesOf(n, size) - p;
/** pageAt is the page (1-based) holding position x (0 = newest) of n entries. */
function pageAt(n, size, x) {
  const top = n - (pagesOf(n, size) - 1) * size; // entries on page 1
  return x < top ? 1 : 2 + Math.floor((x - top) / size);
}
const shardKey = (c, i) => contractShardKey(c.name, i);
const tagKey = tagChunkKey;
const tagsPageKey = contractTagsPageKey;
const sitemapKey = (c, i) => sitemapChunkKey(c.name, i);
/** allTags is 'site' and every c:<collection>: what a change in any collection purges. */
export const allTags = (site) => [SITE_TAG, ...(site.collections || []).map((c) => collectionTag(c.name))];
/**
 * missing is the 404 of an address a sync can fill (an entry, a tag page, an
 * archive, listing or tags index page): it also carries the tag(s) that sync
 * purges then, so the cached 404 goes when the page appears.
 */
export const missing = (notFound, site, tags, cap) => {
  const r = notFound(site, cap);
  return { ...r, tags: [...new Set([...r.tags, ...[].concat(tags)])] };
};
/** first is the redirect of ?page=1 to the list's own address. */
const first = (base) => ({ status: 301, body: null, headers: { Location: base }, tags: [SITE_TAG], kind: 'respell' });

/** pageNumber reads ?page: null → 1, a canonical number → it, anything else → 0 (no such page). */
export const pageNumber = (p) => (p === null ? 1 : /^[1-9][0-9]{0,6}$/.test(p) ? Number(p) : 0);

/** render wraps a paged list in the layout with its numbered pager and rel=prev/next. */
function render(site, { title, h1, list, base, n, pages, path, feed, extra = '', undated }) {
  const main = `<h1>${L.esc(h1)}</h1>${list}${L.pagination(base, n, pages, undated)}${extra}`;
  return L.shell(site, { title: n > 1 ? `${title} (page ${n})` : title, main, feed, path: n > 1 ? `${base}?page=${n}` : path || base, paging: { base, page: n, pages } });
}

/** years lists a collection's archive years, newest first, linked. */
function years(c, hidden) {
  const ys = [...new Set(monthsOf(c, hidden).filter((m) => m.shown > 0).map((m) => m.month.slice(0, 4)))];
  if (!ys.length) return '';
  return `<nav class="archives" aria-label="Archives"><h2 class="section">Archives</h2><ul class="years">${ys.map((y) =>
    `<li><a href="${L.esc(c.route)}/${y}/">${y}</a></li>`).join('')}</ul></nav>`;
}

/** shardPage reads page p (1-based, newest first) of a collection: its visible records and cap. */
async function shardPage(rq, c, size, p) {
  const i = chunkOf(Number(c.total) || 0, size, p);
  const doc = await load(rq, shardKey(c, i));
  const v = visibility((doc || {}).records || [], rq.now);
  return { ...v, cap: Math.min(v.cap, presentCap(doc)) };
}

export async function listing(site, rq, c, p, notFound) {
  if (p === '1') return first(`${c.route}/`);
  const n = pageNumber(p);
  const size = sizeOf(site);
  const pages = pagesOf(Number(c.total) || 0, size);
  const { hidden, cap: scheduled } = hiddenNow(site, rq.now, (h) => h.collection === c.name);
  if (!n || n > pages) return missing(notFound, site, collectionTag(c.name), scheduled);
  const { shown, cap } = (Number(c.total) || 0) ? await shardPage(rq, c, size, n) : { shown: [], cap: Infinity };
  const title = c.title || c.name;
  const body = render(site, { title, h1: title, list: L.summaryList(shown), base: `${c.route}/`, n, pages, feed: !c.sortBy && `${c.route}/feed.xml`, extra: years(c, hidden), undated: c.sortBy });
  return ok(body, HTML, [SITE_TAG, collectionTag(c.name)], { cap: Math.min(cap, scheduled) });
}

/** feed is a collection's newest FEED_SIZE visible entries: page 1 holds at least pageSize of them. */
export async function feed(site, rq, c) {
  const size = sizeOf(site);
  let records = [];
  let cap = Infinity;
  const pages = pagesOf(Number(c.total) || 0, size);
  for (let p = 1; p <= pages && (Number(c.total) || 0) && records.length < FEED_SIZE; p++) {
    const v = await shardPage(rq, c, size, p); // a second page only when hidden entries leave page 1 short
    records = records.concat(v.shown);
    cap = Math.min(cap, v.cap);
  }
  const full = await withBodies(site, rq, records.slice(0, FEED_SIZE).map((r) => ({ ...r, collection: c.name })));
  const body = atom(site, { title: `${site.title} · ${c.title || c.name}`, path: `${c.route}/feed.xml`, records: full.records });
  return ok(body, 'application/atom+xml; charset=utf-8', [SITE_TAG, collectionTag(c.name)], { cap: Math.min(cap, full.cap) });
}

/** monthsOf is a collection's months newest first, with the entries each holds and hides now. */
function monthsOf(c, hidden) {
  return Object.keys(c.months || {}).sort().reverse().map((m) => ({
    month: m, count: Number(c.months[m]) || 0,
    shown: (Number(c.months[m]) || 0) - hidden.filter((h) => h.collection === c.name && (h.date || '').startsWith(m)).length,
  }));
}

/**
 * archive answers /<route>/<yyyy>/ (the year's months, from site.json alone)
 * and /<route>/<yyyy>/<mm>/?page=N. A month is a run of the collection's
 * listing, so its pages are the listing pages it overlaps (one shard each),
 * cut to the month.
 */
export async function archive(site, rq, c, yyyy, mm, p, notFound) {
  const { hidden, cap: scheduled } = hiddenNow(site, rq.now, (h) => h.collection === c.name);
  const all = monthsOf(c, hidden);
  const label = mm ? `${L.monthName(mm)} ${yyyy}` : yyyy;
  const title = `${c.title || c.name}: ${label}`;
  const base = `${c.route}/${yyyy}/${mm ? `${mm}/` : ''}`;
  if (!mm) {
    const ms = all.filter((m) => m.month.startsWith(`${yyyy}-`) && m.shown > 0);
    if (!ms.length) return missing(notFound, site, collectionTag(c.name), scheduled);
    const list = `<ul class="months">${ms.map((m) => `<li><a href="${L.esc(c.route)}/${m.month.replace('-', '/')}/">${L.monthName(m.month.slice(5))} ${yyyy}</a> <span class="count">${m.shown}</span></li>`).join('')}</ul>`;
    return ok(L.shell(site, { title, main: `<h1>${L.esc(title)}</h1>${list}${years(c, hidden)}`, path: base }), HTML, [SITE_TAG, collectionTag(c.name)], { cap: scheduled });
  }
  if (p === '1') return first(base);
  const key = `${yyyy}-${mm}`;
  let newer = 0;
  let m = null;
  for (const x of all) {
    if (x.month === key) { m = x; break; }
    newer += x.count;
  }
  const n = pageNumber(p);
  if (!m || m.shown <= 0 || !n) return missing(notFound, site, collectionTag(c.name), scheduled);
  const size = sizeOf(site);
  const total = Number(c.total) || 0;
  const first = pageAt(total, size, newer);
  const pages = pageAt(total, size, newer + m.count - 1) - first + 1;
  if (n > pages) return missing(notFound, site, collectionTag(c.name), scheduled);
  const v = await shardPage(rq, c, size, first + n - 1);
  const shown = v.shown.filter((r) => r.date.startsWith(key));
  const body = render(site, { title, h1: title, list: L.summaryList(shown), base, n, pages, extra: years(c, hidden) });
  return ok(body, HTML, [SITE_TAG, collectionTag(c.name)], { cap: Math.min(v.cap, scheduled) });
}

/** tagPage answers /tags/<slug>?page=N from the tag's chunk (site.json counts the tags with more than one page). */
export async function tagPage(site, rq, slug, p, notFound) {
  if (p === '1') return first(`/tags/${slug}`);
  const n = pageNumber(p);
  const size = sizeOf(site);
  const paged = site.pagedTags || {};
  const count = Object.hasOwn(paged, slug) ? paged[slug] : 0;
  const pages = count ? pagesOf(count, size) : 1;
  const { hidden, cap: scheduled } = hiddenNow(site, rq.now, (h) => (h.tags || []).includes(slug));
  if (!n || n > pages || (count && hidden.length >= count)) return missing(notFound, site, tagPageTag(slug), scheduled);
  const chunk = await load(rq, tagKey(slug, pages - n));
  if (!chunk || chunk.tag.slug !== slug) return missing(notFound, site, tagPageTag(slug), scheduled);
  // site.json's schedule hides an entry too when its chunk copy lost its window (as on entry pages).
  const held = new Set(hidden.map((h) => `${h.collection}/${h.slug}`));
  const { shown, cap } = visibility(chunk.records.filter((r) => !held.has(`${r.collection}/${r.slug}`)), rq.now);
  if (!shown.length && pages === 1) return missing(notFound, site, tagPageTag(slug), Math.min(cap, scheduled));
  const name = chunk.tag.name;
  const body = render(site, { title: name, h1: `Tagged “${name}”`, list: L.summaryList(shown), base: `/tags/${slug}`, n, pages });
  return ok(body, HTML, [SITE_TAG, tagPageTag(slug)], { cap: Math.min(cap, scheduled) });
}

/** tagCounts are a tags index page's tags counted without hidden entries (a tag left with none dropped). */
function tagCounts(tags, hidden) {
  return tags.map((t) => ({ ...t, count: t.count - hidden.filter((h) => (h.tags || []).includes(t.slug)).length })).filter((t) => t.count > 0);
}

/** tagsIndex answers /tags/?page=N: tags in slug order, pageSize a page. */
export async function tagsIndex(site, rq, p, notFound) {
  if (p === '1') return first('/tags/');
  const n = pageNumber(p);
  const size = sizeOf(site);
  const pages = Math.max(1, Math.ceil((Number(site.tagTotal) || 0) / size));
  const { hidden, cap } = hiddenNow(site, rq.now);
  // A new tag in any collection may add this page: c:<name> is purged then.
  if (!n || n > pages) return missing(notFound, site, allTags(site), cap);
  const doc = site.tagTotal ? await load(rq, tagsPageKey(n - 1)) : null;
  const tags = tagCounts((doc && doc.tags) || [], hidden);
  const body = render(site, { title: 'Tags', h1: 'Tags', list: L.tagCloud(tags), base: '/tags/', n, pages });
  return ok(body, HTML, [...allTags(site), ...tags.map((t) => tagPageTag(t.slug))], { cap: site.tagTotal ? Math.min(cap, presentCap(doc)) : cap });
}

/**
 * sitemaps lists every sitemap: the pages one (home, tags index, listings,
 * archives), each collection's entry chunks, the tags index pages. All
 * from site.json.
 */
export function sitemapList(site) {
  const out = ['/sitemaps/pages.xml'];
  for (const c of site.collections || []) {
    for (let i = 0; i * SITEMAP_CHUNK < (Number(c.total) || 0); i++) out.push(`/sitemaps/${c.name}-${i}.xml`);
  }
  const tagPages = Math.ceil((Number(site.tagTotal) || 0) / sizeOf(site));
  for (let i = 0; i < tagPages; i++) out.push(`/sitemaps/tags-${i}.xml`);
  return out.slice(0, MAX_SITEMAP_URLS);
}

export function sitemapIndex(site) {
  const b = baseOf(site);
  const body = `<?xml version="1.0" encoding="utf-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${sitemapList(site).map((p) => `<sitemap><loc>${L.esc(b + p)}</loc></sitemap>`).join('\n')}
</sitemapindex>
`;
  return ok(body, XML, allTags(site));
}

/** sitemapPart answers /sitemaps/<name>.xml, or null when there is no such sitemap. */
export async function sitemapPart(site, rq, name) {
  const { hidden, cap } = hiddenNow(site, rq.now);
  const urls = [];
  if (name === 'pages') {
    urls.push({ path: '/' }, { path: '/tags/' });
    for (const c of site.collections || []) {
      urls.push({ path: `${c.route}/` });
      const ms = monthsOf(c, hidden).filter((m) => m.shown > 0);
      for (const y of new Set(ms.map((m) => m.month.slice(0, 4)))) urls.push({ path: `${c.route}/${y}/` });
      for (const m of ms) urls.push({ path: `${c.route}/${m.month.replace('-', '/')}/` });
    }
    return ok(sitemap(site, urls.slice(0, MAX_SITEMAP_URLS)), XML, allTags(site), { cap });
  }
  const m = /^(.+)-(0|[1-9][0-9]{0,6})$/.exec(name);
  if (!m) return null;
  const i = Number(m[2]);
  if (m[1] === 'tags') {
    if (i >= Math.ceil((Number(site.tagTotal) || 0) / sizeOf(site))) return null;
    const doc = await load(rq, tagsPageKey(i));
    for (const t of tagCounts((doc && doc.tags) || [], hidden)) urls.push({ path: `/tags/${t.slug}` });
    return ok(sitemap(site, urls), XML, allTags(site), { cap: Math.min(cap, presentCap(doc)) });
  }
  const c = (site.collections || []).find((x) => x.name === m[1]);
  if (!c || i * SITEMAP_CHUNK >= (Number(c.total) || 0)) return null;
  const doc = await load(rq, sitemapKey(c, i));
  const hiddenSlugs = new Set(hidden.filter((h) => h.collection === c.name).map((h) => h.slug));
  for (const [slug, date] of (doc && doc.urls) || []) if (!hiddenSlugs.has(slug)) urls.push({ path: `${c.route}/${slug}`, lastmod: date });
  return ok(sitemap(site, urls), XML, allTags(site), { cap: Math.min(cap, presentCap(doc)) });
}

