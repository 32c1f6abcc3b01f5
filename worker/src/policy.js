// policy.js — the cache policy: one status table as data, plus pure functions
// that turn (status, kind, bypass, cap, tags) into response headers. The
// reasoning behind each header is in docs/caching.md.

const DAY = 86400;
const YEAR = 365 * DAY;

/**
 * TABLE is the edge/browser lifetime by response class, first match wins.
 * `edge` is what a shared cache keeps (CDN-Cache-Control max-age and
 * Cache-Control s-maxage); `browser` is Cache-Control max-age. A row without
 * `edge` is never stored anywhere.
 */
export const TABLE = [
  { name: 'asset', kinds: ['asset'], from: 200, to: 299, browser: YEAR, edge: YEAR, immutable: true },
  { name: 'ok', from: 200, to: 299, browser: 60, edge: DAY, swr: 3600, sie: DAY },
  // A redirect from a spelling of the request (case, '//', a tracking or junk
  // query, …) to the canonical URL: any reader can mint endless spellings,
  // so each redirect is kept as briefly as a 404, not a day
  // (docs/caching.md, "Bypass and query strings").
  { name: 'respelling-redirect', kinds: ['respell'], from: 301, to: 301, browser: 60, edge: 60 },
  { name: 'permanent-redirect', from: 301, to: 301, browser: 3600, edge: DAY },
  { name: 'permanent-redirect', from: 308, to: 308, browser: 3600, edge: DAY },
  { name: 'temporary-redirect', from: 302, to: 302 },
  { name: 'temporary-redirect', from: 307, to: 307 },
  { name: 'not-found', from: 404, to: 404, browser: 60, edge: 60 },
  { name: 'gone', from: 410, to: 410, browser: 60, edge: 60 },
  { name: 'server-error', from: 500, to: 599 },
  { name: 'other', from: 100, to: 599 },
];

export const NO_STORE = 'private, no-store';
export const VARY = 'Accept-Encoding';

/** rowFor finds the table row for a status and response kind. */
export function rowFor(status, kind) {
  return TABLE.find((r) => status >= r.from && status <= r.to && (!r.kinds || r.kinds.includes(kind)))
    || TABLE[TABLE.length - 1];
}

/**
 * STORE_MARGIN (seconds) is the time a cache may take to store a finished
 * response, the margin of the freshness argument (docs/caching.md). A copy
 * whose bytes change at a boundary `cap` seconds away is given
 * floor(cap - STORE_MARGIN) seconds, so it is gone by the boundary even if
 * the cache stored it that late; under a second left, it is not stored.
 */
export const STORE_MARGIN = 1;

/**
 * cacheHeaders returns the caching headers for a response. `cap` (seconds,
 * fractional: until the next boundary, counted from when the response is
 * finished) bounds every lifetime, so a page showing a time-limited entry
 * expires when that entry appears or disappears; stale serving is dropped
 * under a cap. A 5xx is never cacheable, whatever the inputs (the safety floor).
 * @returns {{'Cache-Control': string, 'CDN-Cache-Control'?: string, 'Cache-Tag'?: string, Vary?: string}}
 */
export function cacheHeaders(status, { kind = 'page', bypass = false, cap = Infinity, tags = [] } = {}) {
  const row = rowFor(status, kind);
  const life = Math.floor(cap - STORE_MARGIN); // Infinity stays Infinity
  if (bypass || !row.edge || status >= 500 || !(life > 0)) return { 'Cache-Control': NO_STORE };
  const capped = life < row.edge;
  const edge = Math.min(row.edge, life);
  const browser = Math.min(row.browser, edge);
  let cc = `public, max-age=${browser}`;
  if (edge !== browser) cc += `, s-maxage=${edge}`;
  if (row.immutable && !capped) cc += ', immutable';
  let cdn = `public, max-age=${edge}`;
  if (!capped && row.swr) cdn += `, stale-while-revalidate=${row.swr}`;
  if (!capped && row.sie) cdn += `, stale-if-error=${row.sie}`;
  const h = { 'Cache-Control': cc, 'CDN-Cache-Control': cdn, Vary: VARY };
  const tag = cacheTag(tags);
  if (tag) h['Cache-Tag'] = tag;
  return h;
}

/** TAG_OK is a valid Cache-Tag name: printable ASCII without space or comma, ≤ 1024 chars. */
export const TAG_OK = /^[\x21-\x2b\x2d-\x7e]{1,1024}$/;
const TAG_HEADER_MAX = 8000;

/** cacheTag joins valid, distinct tags, stopping before the header gets too long. */
export function cacheTag(tags) {
  const out = [];
  let len = 0;
  for (const t of new Set(tags)) {
    if (!TAG_OK.test(t)) continue;
    if (len + t.length + 1 > TAG_HEADER_MAX) break;
    out.push(t);
    len += t.length + 1;
  }
  return out.join(',');
}

const POLICY_HEADERS = ['Cache-Control', 'CDN-Cache-Control', 'Cloudflare-CDN-Cache-Control', 'Cache-Tag', 'Vary', 'Set-Cookie'];

/**
 * applyPolicy rewrites a response's caching headers from the table. It is
 * the last step before a response leaves the Worker, so nothing a handler set
 * can survive it: Set-Cookie is always removed, and a 5xx always ends no-store.
 */
export function applyPolicy(response, opts) {
  const res = new Response(response.body, response);
  for (const name of POLICY_HEADERS) res.headers.delete(name);
  for (const [k, v] of Object.entries(cacheHeaders(res.status, opts))) res.headers.set(k, v);
  return res;
}

/** isCacheable says whether headers allow a shared cache to store the response (used by tests and docs). */
export function isCacheable(headers) {
  const cc = (headers.get('Cache-Control') || '').toLowerCase();
  if (/(^|[\s,])(private|no-store|no-cache)\b/.test(cc)) return false;
  if (headers.has('Set-Cookie')) return false;
  const m = /s-maxage=(\d+)/.exec(cc) || /max-age=(\d+)/.exec(cc);
  return !!m && Number(m[1]) > 0;
}

/**
 * visibility splits records into those shown now and the seconds until the
 * next publishDate/expires boundary among them (Infinity when none), not
 * rounded: cacheHeaders rounds down, after the margin (rounding up kept a
 * copy up to a second past the boundary, e2e schedule-boundary).
 */
export function visibility(records, now) {
  const shown = [];
  let next = Infinity;
  for (const r of records) {
    const pub = r.publishDate ? Date.parse(r.publishDate) : NaN;
    const exp = r.expires ? Date.parse(r.expires) : NaN;
    if (pub > now) { next = Math.min(next, pub); continue; }
    if (exp <= now) continue;
    if (exp > now) next = Math.min(next, exp);
    shown.push(r);
  }
  return { shown, cap: next === Infinity ? Infinity : (next - now) / 1000 };
}

const BYPASS_HEADERS = ['rsc', 'next-router-prefetch'];

/** isBypass says whether a request must not be answered from or stored in a cache. */
export function isBypass(request, url) {
  if (request.method !== 'GET' && request.method !== 'HEAD') return true;
  if (url.pathname.startsWith('/__internal/')) return true;
  if (url.searchParams.has('_rsc')) return true;
  return BYPASS_HEADERS.some((h) => request.headers.has(h));
}

/**
 * canonicalSearch returns the canonical query string for the allowed
 * parameters (in the given order, first value only, `_rsc` dropped), or null
 * when the request's query already is canonical, byte for byte: `?page=%32`
 * or `?page=2&` are other spellings, and a cache would keep each apart.
 * `_rsc` parameters may sit anywhere (the response is never stored).
 */
export function canonicalSearch(url, allowed = []) {
  const keep = new URLSearchParams();
  for (const name of allowed) {
    const v = url.searchParams.get(name);
    if (v !== null) keep.set(name, v);
  }
  const want = keep.toString();
  const have = url.search.replace(/^\?/, '');
  const rscFree = have.split('&').filter((p) => !/^_rsc(=|$)/.test(p)).join('&');
  if (have === want || rscFree === want) return null;
  return want ? `?${want}` : '';
}
