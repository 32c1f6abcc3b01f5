// index.js — the Worker entry: method and URL checks, the canonical URL,
// routing, then the cache policy and the security and observability headers
// on every response.
import { applyPolicy, isBypass, canonicalSearch } from './policy.js';
import { Req, StoreError, ManifestError } from './store.js';
import { route, heldNotFound } from './routes.js';
import { version, purge } from './internal.js';
import { canonicalPath, rawTarget } from './canon.js';
import { ROUTE, isReservedRoute, SITE_TAG } from './contract.js';
import { parse, canonical } from './search.js';

const isolate = { runs: 0, coldStart: null };
const MAX_URL = 8192;
const MAX_PATH = 2048;
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const HTML_HEADERS = {
  'Content-Security-Policy': CSP,
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
};
/**
 * OTHER_HEADERS go on every response that is not one of the Worker's own HTML
 * pages (assets, feeds, sitemap, robots, JSON, text errors, redirects, the
 * catch-all 500): whatever a browser makes of the bytes, it runs no script in
 * them and they are a sandboxed, opaque origin, never the site's.
 */
const OTHER_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox",
  'X-Content-Type-Options': 'nosniff',
};
const logged = new Set(); // messages of the bad manifests already logged by this isolate

const text = (status, body, headers) => ({ status, body, type: 'text/plain; charset=utf-8', headers });

/** dispatch picks the handler for a request; it may throw StoreError. */
async function dispatch(request, url, rq, env, ctx) {
  if (request.url.length > MAX_URL || url.pathname.length > MAX_PATH) return text(414, 'URI too long\n');
  if (url.pathname === '/__internal/purge') {
    return request.method === 'POST' ? purge(request, env, ctx) : text(405, 'method not allowed\n', { Allow: 'POST' });
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
  if (url.pathname === '/__internal/version') return version(env, isolate);
  if (url.pathname.startsWith('/__internal/')) return text(404, 'not found\n');
  const target = rawTarget(request.url);
  const path = canonicalPath(target.split('?')[0]);
  if (path === null) return { status: 404 }; // the 404 page, with no R2 read
  const search = path === '/search' ? searchQuery(url) : canonicalSearch(url, isListing(path) ? ['page'] : []);
  const canonical = path + (search === null ? url.search : search);
  if (canonical !== target) return { status: 301, body: null, headers: { Location: canonical }, tags: [SITE_TAG], kind: 'respell' };
  return route(rq, url);
}

/**
 * searchQuery is /search's canonical query string (the distinct folded
 * words, sorted; page when > 1; nothing else), or null when the query is
 * over the limits (the page says so, 400).
 */
function searchQuery(url) {
  const pq = parse(url.searchParams);
  if (pq.error) return null;
  const want = canonical(pq);
  // A canonical form that would not read back as itself is served, not redirected (no loop).
  const again = parse(new URLSearchParams(want.slice(1)));
  return canonical(again) !== want ? null : want;
}

/** isListing says whether path is a paged list (a collection listing or /<route>, its redirect; a month archive; a tag page; the tags index): the routes that read ?page. */
function isListing(path) {
  if (path === '/tags/' || /^\/tags\/[^/]+$/.test(path)) return true;
  const route = path.replace(/(?:\/\d{4}\/\d{2})?\/$/, '');
  return ROUTE.test(route) && !isReservedRoute(route);
}

function toResponse(r, head) {
  const headers = new Headers(r.headers || {});
  if (r.type) headers.set('Content-Type', r.type);
  const html = r.type && r.type.startsWith('text/html');
  for (const [k, v] of Object.entries(html ? HTML_HEADERS : OTHER_HEADERS)) headers.set(k, v);
  headers.set('X-Content-Type-Options', 'nosniff');
  return new Response(head ? null : r.body, { status: r.status, headers });
}

export default {
  /** @param {Request} request @param {import('./store.js').Env} env */
  async fetch(request, env, ctx) {
    try {
      return await handle(request, env, ctx);
    } catch (err) {
      // The last line of the safety floor: whatever escaped, a 5xx that no
      // cache may store.
      console.error(err && err.stack ? err.stack : err);
      return new Response('Internal error\n', { status: 500, headers: { 'Cache-Control': 'private, no-store', 'Content-Type': 'text/plain; charset=utf-8', ...OTHER_HEADERS } });
    }
  },
};

/** handle answers one request: dispatch, then the cache policy and observability headers. */
async function handle(request, env, ctx) {
  isolate.runs++;
  const cold = isolate.runs === 1;
  if (cold) isolate.coldStart = new Date().toISOString();
  const t0 = Date.now();
  const url = new URL(request.url);
  const rq = new Req(env, ctx);
  let r;
  try {
    r = await dispatch(request, url, rq, env, ctx);
  } catch (err) {
    // A bad manifest fails every request until it is replaced: say so once.
    if (!(err instanceof ManifestError)) console.error(err && err.stack ? err.stack : err);
    else if (!logged.has(err.message)) {
      if (logged.size >= 100) logged.clear();
      logged.add(err.message);
      console.error(err.message);
    }
    r = err instanceof StoreError
      ? text(503, err.public || 'Service unavailable: the content store did not answer. Try again shortly.\n', { 'Retry-After': '5' })
      : text(500, 'Internal error\n');
  }
  if (r.status === 404 && !r.type) r = { ...heldNotFound(rq), headers: r.headers };
  // A response resting on a bucket read older than the freshness horizon, or
  // on a copy kept after a failed read, is served but never stored. A cap
  // was counted from the request's start (rq.now): count it from now.
  const res = applyPolicy(toResponse(r, request.method === 'HEAD'), {
    kind: r.kind, bypass: isBypass(request, url) || !rq.fresh(), cap: (r.cap ?? Infinity) - (Date.now() - rq.now) / 1000, tags: r.tags,
  });
  res.headers.set('Server-Timing', `r2;dur=${rq.r2ms};desc="${rq.reads} reads", total;dur=${Date.now() - t0}`);
  res.headers.set('X-Isolate', cold ? 'cold' : 'warm');
  res.headers.set('X-Worker-Runs', String(isolate.runs));
  return res;
}
