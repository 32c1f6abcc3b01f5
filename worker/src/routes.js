// routes.js — content handlers. Each returns a plain result
// {status, body, type, tags, cap, kind, headers}; index.js turns it into a
// Response and applies the cache policy. Bucket keys are built only from
// segments that matched a contract pattern (contract.js, generated from Go)
// or a name listed in site.json, whose shape shape.js checked.
import { visibility } from './policy.js';
import { entryMeta, metaProblem, marker, splitBody } from './meta.js';
import * as L from './layout.js';
import { atom, robots, withBodies } from './feeds.js';
import { searchPage, form } from './searchpage.js';
import { checked } from './shape.js';
import { UnknownBucket } from './store.js';
import { inShard, hiddenNow, visibleTotal, visibleShards, order, boundOf } from './schedule.js';
import * as P from './lists.js';
import { SLUG, ASSET_NAME, NAME, ROUTE, RESERVED_NAMES, MAX_KEY_BYTES, TAG_SLUG, SITE_KEY, OBJECTS, isReservedRoute, entryKey, assetKey, indexKey, ASSET_TAG, SITE_TAG, entryTag, manifestTag } from './contract.js';

const HTML = 'text/html; charset=utf-8';
const NO_SITE = 'Service unavailable: this site has no content yet (its bucket holds no site written by axctl sync).\n';
/** FIXED are the paths answered whatever the site holds: these, and the routes of the contract's OBJECTS. */
const FIXED = new Set(['/', '/feed.xml', '/sitemap.xml', '/robots.txt', '/tags', '/tags/', '/search', ...Object.values(OBJECTS).map((o) => o.route).filter(Boolean)]);
const SITEMAP_SEG = /^[a-z0-9-]{1,80}\.xml$/;
const COLLECTION_REST = /^(?:\/|\/feed\.xml|\/\d{4}\/(?:(?:0[1-9]|1[0-2])\/)?)?$/;
/** ENTRY_KEY_MIN is the bytes of an entry key besides its slug, for the shortest collection name. */
const ENTRY_KEY_MIN = entryKey('x', '').length;
/** MAX_SHARDS bounds the shards the public index of a collection with hidden entries reads again. */
export const MAX_SHARDS = 40;
/** LATEST is how many entries the home page and the site feed show (site.json's latest may hold more while some are hidden). */
const LATEST = 10;

const ok = (body, type, tags, extra = {}) => ({ status: 200, body, type, tags, ...extra });
const redirect = (location, status = 301) => ({ status, body: null, headers: { Location: location }, tags: [SITE_TAG] });
/**
 * aliasRedirect is the 301 of an alias, kept a day: tagged with its entry's
 * e: tag, which a sync purges whenever that entry changes, moves or goes
 * (its aliases are in its metadata), so the redirect never outlives the
 * entry's URL (session 9: a slug changed twice left the first alias's
 * cached 301 leading to a 404).
 */
function aliasRedirect(site, location) {
  const r = redirect(location);
  for (const c of site.collections || []) {
    const slug = location.startsWith(`${c.route}/`) ? location.slice(c.route.length + 1) : '';
    if (slug && SLUG.test(slug)) return { ...r, tags: [SITE_TAG, entryTag(c.name, slug)] };
  }
  return r;
}
const keyBytes = (key) => new TextEncoder().encode(key).length;
/** load reads a manifest (null when absent) and throws a ManifestError when its shape is wrong. */
const load = (rq, key) => rq.json(key).then((v) => checked(key, v));

/**
 * possible says, from a canonical path alone, whether anything could answer
 * it: no bucket key is read for a path whose names, routes, slugs or asset
 * names the contract forbids, or whose entry key would be longer than
 * MAX_KEY_BYTES (R2 would refuse the read). Those are a 404 with no R2 read.
 */
export function possible(path) {
  if (FIXED.has(path)) return true;
  const m = /^(\/[^/]*)(?:\/(.*))?$/.exec(path);
  if (!m) return false;
  const [, first, rest] = m;
  if (first === '/tags') return TAG_SLUG.test(rest);
  if (first === '/metadata') return /\.json$/.test(rest) && NAME.test(rest.slice(0, -5)) && !RESERVED_NAMES.includes(rest.slice(0, -5));
  if (first === '/assets') return ASSET_NAME.test(rest);
  if (first === '/sitemaps') return SITEMAP_SEG.test(rest);
  if (!ROUTE.test(first) || isReservedRoute(first)) return false;
  if (rest === undefined || COLLECTION_REST.test(`/${rest}`)) return true;
  return SLUG.test(rest) && ENTRY_KEY_MIN + keyBytes(rest) <= MAX_KEY_BYTES;
}

/** notFound is the 404 page: search, the newest visible entries, home, tags; capped at their next boundary too. */
export function notFound(site, cap = Infinity, now = Date.now()) {
  const v = visibility((site && site.latest) || [], now);
  const recent = v.shown.slice(0, 5).map((r) => `<li><a href="${L.safeHref(r.url)}">${L.esc(r.title)}</a></li>`).join('');
  const main = `<h1>Not found</h1><p>There is nothing at this address. Search for it, or try the <a href="/">home page</a> or the <a href="/tags/">tags</a>.</p>
${form()}${recent ? `
<h2 class="section">Recent entries</h2><ul class="recent">${recent}</ul>` : ''}`;
  // The recent entries change when any collection's newest do: the sync purges c:<name> then.
  return { status: 404, body: L.shell(site, { title: 'Not found', main }), type: HTML, tags: recent ? P.allTags(site) : [SITE_TAG], cap: Math.min(cap, v.cap) };
}

/** heldNotFound is the 404 of a request that reads nothing: the site shows only if held fresh (store.js). */
export function heldNotFound(rq) {
  let site = null;
  try {
    site = checked(SITE_KEY, rq.held ? rq.held(SITE_KEY) : undefined) || null;
  } catch { /* a bad copy: the bare 404 */ }
  return nf(site, rq);
}
/** nf is the 404 at the request's clock. */
const nf = (site, rq, cap) => notFound(site, cap, rq.now);

/**
 * siteOf reads site.json. A bucket without it (empty, or not the bucket a
 * sync writes: sync always writes it) is not served as an empty site: every
 * content route fails closed, 503 no-store (docs/bucket.md).
 */
async function siteOf(rq) {
  const site = await load(rq, SITE_KEY);
  if (!site) throw new UnknownBucket(`bucket: ${SITE_KEY} is absent (empty or wrongly bound bucket; docs/bucket.md)`, NO_SITE);
  return site;
}

function page(site, opts) {
  return L.shell(site, opts);
}

/** route answers every content path (not /__internal). */
export async function route(rq, url) {
  const path = url.pathname;
  if (!possible(path)) return heldNotFound(rq);
  const site = await siteOf(rq);
  const miss = (s, cap) => nf(s, rq, cap);
  // An alias (an entry's old path, site.json) answers 301 to the entry.
  if (site.aliases && Object.hasOwn(site.aliases, path)) return aliasRedirect(site, site.aliases[path]);
  if (path === '/') return home(site, rq);
  if (path === '/feed.xml') {
    const { shown, cap } = visibility(site.latest || [], rq.now);
    const full = await withBodies(site, rq, shown.slice(0, LATEST));
    return ok(atom(site, { title: site.title, path, records: full.records }), 'application/atom+xml; charset=utf-8', P.allTags(site), { cap: Math.min(cap, full.cap) });
  }
  if (path === '/sitemap.xml') return P.sitemapIndex(site);
  if (path === '/robots.txt') return ok(robots(site), 'text/plain; charset=utf-8', [SITE_TAG]);
  if (path === '/search') return searchPage(site, rq, url);
  if (path === '/tags') return redirect('/tags/');
  const p = url.searchParams.get('page');
  if (path === '/tags/') return P.tagsIndex(site, rq, p, miss);
  let m = /^\/tags\/([^/]+)$/.exec(path);
  // canon.js already redirected any other spelling of a tag slug to the canonical one.
  if (m) return TAG_SLUG.test(m[1]) ? P.tagPage(site, rq, m[1], p, miss) : nf(site, rq);
  m = /^\/sitemaps\/([a-z0-9-]+)\.xml$/.exec(path);
  if (m) return (await P.sitemapPart(site, rq, m[1])) || nf(site, rq);
  m = /^\/metadata\/([a-z0-9-]+)\.json$/.exec(path);
  if (m) return manifest(site, rq, m[1]);
  m = /^\/assets\/([^/]+)$/.exec(path);
  if (m) return asset(site, rq, m[1]);
  m = /^\/([a-z0-9-]+)(\/.*)?$/.exec(path);
  const c = m && (site.collections || []).find((x) => x.route === `/${m[1]}`);
  if (!c) return nf(site, rq);
  return inCollection(site, rq, c, m[2] || '', url);
}

async function inCollection(site, rq, c, rest, url) {
  if (rest === '') return { ...redirect(`${c.route}/${url.search}`), kind: 'respell' }; // the query is canonical already (index.js)
  if (rest === '/') return P.listing(site, rq, c, url.searchParams.get('page'), (s, cap) => nf(s, rq, cap));
  if (rest === '/feed.xml') return c.sortBy ? nf(site, rq) : P.feed(site, rq, c); // an undated collection has no feed
  let m = /^\/(\d{4})\/(?:(\d{2})\/)?$/.exec(rest);
  if (m) return P.archive(site, rq, c, m[1], m[2], url.searchParams.get('page'), (s, cap) => nf(s, rq, cap));
  m = /^\/(.+)$/.exec(rest);
  if (m && SLUG.test(m[1])) return entry(site, rq, c, m[1]);
  return nf(site, rq);
}

function home(site, rq) {
  const { shown, cap } = visibility(site.latest || [], rq.now);
  const { hidden, cap: scheduled } = hiddenNow(site, rq.now);
  const cols = (site.collections || []).map((c) => `<li><a href="${L.esc(c.route)}/">${L.esc(c.title || c.name)}</a> <span class="count">${visibleTotal(c, hidden)}</span></li>`).join('');
  const main = `<h1 class="visually-hidden">${L.esc(site.title)}</h1><section><h2 class="section">Latest</h2>${L.summaryList(shown.slice(0, LATEST))}</section>
<section><h2 class="section">Collections</h2><ul class="collections">${cols}</ul></section>`;
  return ok(page(site, { title: site.title, main, feed: '/feed.xml', path: '/' }), HTML, P.allTags(site), { cap: Math.min(cap, scheduled) });
}

function indexOf(rq, c) {
  return load(rq, indexKey(c.name));
}

async function manifest(site, rq, name) {
  if (!(site.collections || []).some((c) => c.name === name)) return nf(site, rq);
  const index = await load(rq, indexKey(name));
  if (!index) return nf(site, rq);
  const { hidden, cap } = hiddenNow(site, rq.now, (h) => h.collection === name);
  const view = hidden.length ? await publicIndex(rq, index, hidden) : index;
  return ok(`${JSON.stringify(view)}\n`, 'application/json', [manifestTag(name)], { kind: 'manifest', cap });
}

/**
 * publicIndex is a collection index as readers may see it: without the
 * hidden entries in total and shard counts, shards left empty dropped, and
 * the first/last bounds of a shard whose bound entry is hidden read again
 * from that shard (at most MAX_SHARDS reads; a shard past them is left out).
 */
async function publicIndex(rq, index, hidden) {
  const hides = (b) => hidden.some((h) => boundOf(h) === b);
  let reads = 0;
  const shards = await Promise.all(visibleShards(index.shards, hidden).map(async (s) => {
    if (!hides(s.first) && !hides(s.last)) return s;
    if (++reads > MAX_SHARDS) return null;
    const { shown } = visibility(((await load(rq, s.key)) || {}).records || [], rq.now);
    return shown.length ? { ...s, count: shown.length, first: boundOf(shown[0]), last: boundOf(shown[shown.length - 1]) } : null;
  }));
  const kept = shards.filter(Boolean);
  return { ...index, total: kept.reduce((t, s) => t + s.count, 0), shards: kept };
}

/**
 * INLINE are the asset types a browser may show in place, by key extension:
 * the key decides, never the Content-Type stored with the object. Any other
 * extension is served as a download of application/octet-stream. Every one
 * of them also carries the sandbox CSP (index.js), SVG included.
 */
const INLINE = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', avif: 'image/avif',
  svg: 'image/svg+xml', ico: 'image/x-icon', pdf: 'application/pdf', txt: 'text/plain; charset=utf-8', woff: 'font/woff',
  woff2: 'font/woff2', mp3: 'audio/mpeg', mp4: 'video/mp4', webm: 'video/webm' };

async function asset(site, rq, name) {
  const obj = await rq.object(assetKey(name));
  if (!obj) return nf(site, rq);
  const ext = name.slice(name.indexOf('.') + 1);
  const type = Object.hasOwn(INLINE, ext) ? INLINE[ext] : null;
  const headers = { ETag: obj.httpEtag, ...(!type && { 'Content-Disposition': 'attachment' }) };
  return { status: 200, body: obj.body, type: type || 'application/octet-stream', tags: [ASSET_TAG], kind: 'asset', headers };
}

async function entry(site, rq, c, slug) {
  const key = entryKey(c.name, slug);
  if (keyBytes(key) > MAX_KEY_BYTES) return nf(site, rq);
  const obj = await rq.object(key);
  const gone = (cap) => P.missing((x, cp) => nf(x, rq, cp), site, entryTag(c.name, slug), cap);
  if (!obj) return gone();
  const bad = metaProblem(obj.customMetadata, c.sortBy);
  if (bad) throw untrusted(c, slug, `metadata: ${bad}`);
  const rec = entryMeta(obj.customMetadata, c.name, slug, c.route);
  // site.json's schedule carries the entry's window too: metadata that lost it does not publish it early.
  const windows = [rec, ...(site.schedule || []).filter((h) => h.collection === c.name && h.slug === slug)];
  const v = visibility(windows, rq.now);
  if (v.shown.length < windows.length) return gone(v.cap);
  const [body, near] = await Promise.all([obj.text(), neighbours(rq, c, rec)]);
  // A body names the hash it was written with: metadata of another version does not pass for its own.
  if (body.startsWith('<!-- axctl ') && !body.startsWith(`${marker(rec.hash)}\n`)) throw untrusted(c, slug, 'body marker does not match its metadata hash');
  const { html, toc } = splitBody(body);
  const related = (near.self && near.self.related) || [];
  const view = L.entryPage({ ...rec, toc: toc.length ? toc : rec.toc, related }, html, near.prev, near.next);
  const [yyyy, mm] = rec.date.split('-');
  if (rec.date) view.main += `<p class="archive">Filed in <a href="${L.esc(c.route)}/${yyyy}/${mm}/">${L.monthName(mm)} ${yyyy}</a></p>`;
  const tags = [SITE_TAG, entryTag(c.name, slug), ...[near.prev, near.next].filter(Boolean).map((r) => entryTag(c.name, r.slug))];
  return ok(page(site, { title: rec.title, ...view, feed: !c.sortBy && `${c.route}/feed.xml` }), HTML, tags, { cap: Math.min(v.cap, near.cap) });
}

/**
 * untrusted is the error for an entry object whose metadata is not what a
 * sync writes: a 503 no-store logged once per isolate, never its body
 * (docs/bucket.md, "Failing closed"); `axctl sync --verify` repairs it.
 */
const untrusted = (c, slug, why) => new UnknownBucket(`entry ${entryKey(c.name, slug)}: ${why} (altered behind axctl's back? run axctl sync --verify)`,
  'Service unavailable: this page cannot be served right now.\n');

/**
 * neighbours finds the visible entries just newer (next) and older (prev):
 * the entry's shard, then the shards beside it, one at a time, while every
 * record read is hidden (scheduled or expired), so a run of hidden entries
 * as long as a page does not end the chain.
 */
async function neighbours(rq, c, rec) {
  const index = await indexOf(rq, c);
  const shards = (index && index.shards) || [];
  const i = shards.findIndex((s) => inShard(s, rec));
  if (i < 0) return { cap: Infinity };
  const records = ((await load(rq, shards[i].key)) || {}).records || [];
  const pos = records.findIndex((r) => r.slug === rec.slug);
  let cap = visibility(records, rq.now).cap;
  const pick = async (list, j) => {
    const seen = visibility(list, rq.now);
    cap = Math.min(cap, seen.cap);
    return seen.shown[j < 0 ? seen.shown.length - 1 : 0] || null;
  };
  const walk = async (first, step, j) => {
    let got = await pick(first, j);
    for (let k = i + step; !got && shards[k]; k += step) got = await pick(((await load(rq, shards[k].key)) || {}).records || [], j);
    return got;
  };
  const next = await walk(records.slice(0, Math.max(pos, 0)), -1, -1);
  const prev = await walk(records.slice(pos + 1), 1, 0);
  const self = records[pos];
  // During a sync the index and the listing pages it names may be of two
  // versions (pages shift when an older entry is inserted): the entry missing
  // from its page, or a neighbour not strictly newer/older than it, means a
  // mixed read. Such a page is served but never stored (cap 0 → no-store),
  // since no purge of the sync names it (e2e fresh-under-readers).
  if (!self || (next && order(next, self) >= 0) || (prev && order(self, prev) >= 0)) cap = 0;
  return { prev, next, cap, self };
}
