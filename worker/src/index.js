// index.js — the Worker entry: method and URL checks, routing, then the
// cache policy and observability headers on every response.
import { applyPolicy, isBypass, canonicalSearch } from './policy.js';
import { Req, StoreError } from './store.js';
import { route, notFound } from './routes.js';
import { version, purge } from './internal.js';

const isolate = { runs: 0, coldStart: null };
const MAX_URL = 8192;
const MAX_PATH = 2048;
const LISTING = /^\/[a-z0-9-]+\/$/;
const BAD_PATH = /%(2e|2f|5c|00)|\/\/|\\|(^|\/)\.\.?(\/|$)/i;
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const HTML_HEADERS = {
  'Content-Security-Policy': CSP,
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
};

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
  if (!url.pathname.startsWith('/tags/') && BAD_PATH.test(url.pathname)) return text(400, 'bad path\n');
  const search = canonicalSearch(url, LISTING.test(url.pathname) ? ['page'] : []);
  if (search !== null) return { status: 301, body: null, headers: { Location: url.pathname + search }, tags: ['site'] };
  return route(rq, url);
}

function toResponse(r, head) {
  const headers = new Headers(r.headers || {});
  if (r.type) headers.set('Content-Type', r.type);
  if (r.type && r.type.startsWith('text/html')) for (const [k, v] of Object.entries(HTML_HEADERS)) headers.set(k, v);
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
      return new Response('Internal error\n', { status: 500, headers: { 'Cache-Control': 'private, no-store', 'Content-Type': 'text/plain; charset=utf-8' } });
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
    console.error(err && err.stack ? err.stack : err);
    r = err instanceof StoreError
      ? text(503, 'Service unavailable: the content store did not answer. Try again shortly.\n', { 'Retry-After': '5' })
      : text(500, 'Internal error\n');
  }
  if (r.status === 404 && !r.type) r = { ...notFound(null), headers: r.headers };
  // A response resting on a bucket read older than the freshness horizon, or
  // on a copy kept after a failed read, is served but never stored.
  const res = applyPolicy(toResponse(r, request.method === 'HEAD'), {
    kind: r.kind, bypass: isBypass(request, url) || !rq.fresh(), cap: r.cap, tags: r.tags,
  });
  res.headers.set('Server-Timing', `r2;dur=${rq.r2ms};desc="${rq.reads} reads", total;dur=${Date.now() - t0}`);
  res.headers.set('X-Isolate', cold ? 'cold' : 'warm');
  res.headers.set('X-Worker-Runs', String(isolate.runs));
  return res;
}
