// searchpage.js — the /search page: the form, results or a helpful empty
// page, every one cacheable and tagged `search` (a sync that changes the
// index purges it) and `site` (the shell), never indexed by crawlers.
import * as L from './layout.js';
import { hiddenNow } from './schedule.js';
import { parse, find, rank, marked, PER_PAGE } from './search.js';
import { checked } from './shape.js';
import { SEARCH_ROOT_KEY, SEARCH_MAX_WORDS, SEARCH_MAX_QUERY_BYTES, SEARCH_TAG, SITE_TAG } from './contract.js';

const HTML = 'text/html; charset=utf-8';
const TAGS = [SITE_TAG, SEARCH_TAG];
const NOINDEX = { 'X-Robots-Tag': 'noindex' };

/** form is the search form, prefilled with the canonical query. */
export const form = (q = '') => `<form class="search" action="/search" method="get" role="search" aria-label="Search entries"><label for="q">Search</label>
<input id="q" name="q" type="search" value="${L.esc(q)}" maxlength="${SEARCH_MAX_QUERY_BYTES}" required><button type="submit">Search</button></form>`;

const help = `<p class="help">Every word must appear (a word also finds longer words it starts: <kbd>cach</kbd> finds caching). Case and accents do not matter. At most ${SEARCH_MAX_WORDS} words.</p>`;

function respond(site, status, title, main, cap = Infinity) {
  return { status, body: L.shell(site, { title, main, path: '/search', noindex: true }), type: HTML, tags: TAGS, cap, headers: NOINDEX };
}

/** NO_MATCH_TTL (seconds) bounds the lifetime of a results page for a query with a word no entry matches (the not-found row's). */
const NO_MATCH_TTL = 60;

/** searchPage answers /search (the query is canonical already: index.js redirected any other spelling). */
export async function searchPage(site, rq, url) {
  const pq = parse(url.searchParams);
  if (pq.error) return respond(site, 400, 'Search', `<h1>Search</h1>${form()}<p class="error">${L.esc(pq.error)}</p>${help}`);
  if (!pq.q) return respond(site, 200, 'Search', `<h1>Search</h1>${form()}${help}`);
  const root = checked(SEARCH_ROOT_KEY, await rq.json(SEARCH_ROOT_KEY));
  if (!root) return respond(site, 200, 'Search', `<h1>Search</h1>${form(pq.q)}<p class="empty">Search is not available yet: the next sync builds its index.</p>`);
  const found = await find(rq, root, pq.terms);
  const ids = new Set(found.map((h) => h.id));
  const { hidden, cap } = hiddenNow(site, rq.now, (h) => ids.has(`${h.collection}/${h.slug}`));
  const gone = new Set(hidden.map((h) => `${h.collection}/${h.slug}`));
  const routes = new Map((site.collections || []).map((c) => [c.name, c]));
  const shown = rank(found.filter((h) => !gone.has(h.id) && routes.has(h.doc[0])));
  const all = shown.filter((h) => h.absent === 0);
  const hits = all.length ? all : shown;
  const pages = Math.max(1, Math.ceil(hits.length / PER_PAGE));
  const title = `Search: ${pq.q}`;
  if (pq.page > pages) return { ...respond(site, 404, title, `<h1>Search</h1>${form(pq.q)}<p class="empty">There is no page ${pq.page} of results.</p>`, cap) };
  let main = `<h1>Search</h1>${form(pq.q)}`;
  // A query with a word no entry matches is what random input makes, in
  // endless variants, each its own cache key: kept as briefly as a 404.
  const kept = all.length ? cap : Math.min(cap, NO_MATCH_TTL);
  if (!hits.length) {
    main += `<p class="empty">No entries match “${L.esc(pq.q)}”.</p><p>Try fewer words, the start of a word, or another spelling, or browse the <a href="/tags/">tags</a> and the <a href="/">latest entries</a>.</p>${help}`;
    return respond(site, 200, title, main, kept);
  }
  const n = hits.length;
  main += all.length ? `<p class="count">${n} ${n === 1 ? 'entry matches' : 'entries match'} “${L.esc(pq.q)}”.</p>`
    : `<p class="count">No entry matches every word of “${L.esc(pq.q)}”; ${n} ${n === 1 ? 'entry matches' : 'entries match'} some.</p>`;
  const at = (pq.page - 1) * PER_PAGE;
  main += `<ol class="results" start="${at + 1}">${hits.slice(at, at + PER_PAGE).map((h) => result(h, routes, pq.words)).join('\n')}</ol>`;
  main += pager(pq.q, pq.page, pages);
  return respond(site, 200, title, main, kept);
}

/** pager links the pages of results. */
function pager(q, page, pages) {
  if (pages <= 1) return '';
  const href = (p) => L.esc(`/search?${new URLSearchParams(p > 1 ? { q, page: String(p) } : { q })}`);
  const prev = page > 1 ? `<a rel="prev" href="${href(page - 1)}">← Previous</a>` : '<span></span>';
  const next = page < pages ? `<a rel="next" href="${href(page + 1)}">Next →</a>` : '<span></span>';
  return `<nav class="pager" aria-label="Result pages">${prev}<span>Page ${page} of ${pages}</span>${next}</nav>`;
}

function result(h, routes, ws) {
  const [name, slug, title, day, snippet] = h.doc;
  const c = routes.get(name);
  const url = `${c.route.replace(/\/$/, '')}/${slug}`;
  return `<li><article><h2><a href="${L.safeHref(url)}">${marked(title, ws, L.esc)}</a></h2>
<p class="meta">${L.esc(c.title || c.name)}${day ? ` · <time datetime="${L.esc(day)}">${L.fmtDate(`${day}T00:00:00Z`)}</time>` : ''}</p>${snippet ? `<p>${marked(snippet, ws, L.esc)}</p>` : ''}</article></li>`;
}
