import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TABLE, cacheHeaders, applyPolicy, isCacheable, visibility, isBypass, canonicalSearch, cacheTag, rowFor } from '../src/policy.js';
import { decodeWords, entryMeta, splitBody } from '../src/meta.js';
import { esc, safeHref } from '../src/layout.js';

const H = (o) => new Headers(o);

const rows = [
  { name: '2xx page', status: 200, kind: 'page', cc: 'public, max-age=60, s-maxage=86400', edge: 86400, cdn: /stale-while-revalidate=\d+/ },
  { name: '2xx manifest', status: 200, kind: 'manifest', cc: 'public, max-age=60, s-maxage=86400', edge: 86400 },
  { name: 'asset', status: 200, kind: 'asset', cc: 'public, max-age=31536000, immutable', edge: 31536000 },
  { name: '301', status: 301, cc: 'public, max-age=3600, s-maxage=86400', edge: 86400 },
  { name: '301 from a respelling of the request', status: 301, kind: 'respell', cc: 'public, max-age=60', edge: 60 },
  { name: '308', status: 308, cc: 'public, max-age=3600, s-maxage=86400', edge: 86400 },
  { name: '302', status: 302, store: false },
  { name: '307', status: 307, store: false },
  { name: '404', status: 404, cc: 'public, max-age=60', edge: 60 },
  { name: '410', status: 410, cc: 'public, max-age=60', edge: 60 },
  { name: '500', status: 500, store: false },
  { name: '503', status: 503, store: false },
  { name: '403', status: 403, store: false },
];

for (const r of rows) {
  test(`policy row: ${r.name}`, () => {
    const h = cacheHeaders(r.status, { kind: r.kind || 'page', tags: ['site'] });
    if (r.store === false) {
      assert.deepEqual(h, { 'Cache-Control': 'private, no-store' });
      return;
    }
    assert.equal(h['Cache-Control'], r.cc);
    assert.match(h['CDN-Cache-Control'], new RegExp(`^public, max-age=${r.edge}\\b`));
    if (r.cdn) assert.match(h['CDN-Cache-Control'], r.cdn);
    assert.equal(h.Vary, 'Accept-Encoding');
    assert.equal(h['Cache-Tag'], 'site');
    assert.ok(isCacheable(H(h)));
  });
}

test('policy: s-maxage never sits beside stale-while-revalidate in one header', () => {
  for (const row of TABLE) {
    const h = cacheHeaders(row.from, { kind: row.kinds ? row.kinds[0] : 'page' });
    for (const v of Object.values(h)) assert.ok(!(/s-maxage/.test(v) && /stale-while/.test(v)), v);
  }
});

test('policy property: no 5xx is ever cacheable, whatever the inputs', () => {
  let seed = 42;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const kinds = ['page', 'asset', 'manifest', undefined, 'x'];
  for (let i = 0; i < 5000; i++) {
    const status = 500 + rnd(100);
    const opts = { kind: kinds[rnd(kinds.length)], bypass: rnd(2) === 1, cap: [Infinity, 1, 10, 1e9][rnd(4)], tags: ['site', 'c:blog'] };
    const h = cacheHeaders(status, opts);
    assert.equal(isCacheable(H(h)), false);
    assert.deepEqual(Object.keys(h), ['Cache-Control']);
    const res = applyPolicy(new Response('x', { status, headers: { 'Cache-Control': 'public, max-age=999', 'CDN-Cache-Control': 'max-age=9', 'Set-Cookie': 'a=b', 'Cache-Tag': 'site' } }), opts);
    assert.equal(isCacheable(res.headers), false);
    assert.equal(res.headers.get('CDN-Cache-Control'), null);
    assert.equal(res.headers.get('Set-Cookie'), null);
    assert.equal(res.headers.get('Cache-Tag'), null);
  }
});

test('policy: Set-Cookie never survives, even on a cacheable response', () => {
  const res = applyPolicy(new Response('x', { headers: { 'Set-Cookie': 'a=b', Vary: 'Cookie' } }), { tags: ['site'] });
  assert.equal(res.headers.get('Set-Cookie'), null);
  assert.equal(res.headers.get('Vary'), 'Accept-Encoding');
});

test('policy: bypass is private, no-store for any status', () => {
  for (const s of [200, 301, 404]) assert.deepEqual(cacheHeaders(s, { bypass: true }), { 'Cache-Control': 'private, no-store' });
});

test('policy: a visibility cap bounds every lifetime and drops stale serving', () => {
  // The lifetime ends STORE_MARGIN (1 s) before the boundary, rounded down.
  const h = cacheHeaders(200, { cap: 120 });
  assert.equal(h['Cache-Control'], 'public, max-age=60, s-maxage=119');
  assert.equal(h['CDN-Cache-Control'], 'public, max-age=119');
  assert.equal(cacheHeaders(200, { cap: 30.999 })['Cache-Control'], 'public, max-age=29');
  assert.equal(cacheHeaders(404, { cap: 2.5 })['Cache-Control'], 'public, max-age=1');
  for (const cap of [1.999, 1, 0.4, 0, -3]) assert.deepEqual(cacheHeaders(200, { cap }), { 'Cache-Control': 'private, no-store' }, `cap ${cap}`);
  assert.equal(cacheHeaders(200, { cap: 1e9 })['CDN-Cache-Control'], 'public, max-age=86400, stale-while-revalidate=3600, stale-if-error=86400');
});

test('policy: rowFor falls back to no-store for statuses outside the table', () => {
  assert.equal(rowFor(418, 'page').edge, undefined);
  assert.equal(rowFor(200, 'asset').name, 'asset');
});

test('policy: cacheTag drops invalid tags and bounds the header', () => {
  assert.equal(cacheTag(['site', 'has space', 'a,b', 'e:blog/x', 'site', '']), 'site,e:blog/x');
  const many = Array.from({ length: 3000 }, (_, i) => `t:tag-${i}`);
  assert.ok(cacheTag(many).length <= 8000);
});

test('visibility: future and expired hidden, cap = time to next change', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const recs = [
    { slug: 'a', publishDate: '2026-01-01T00:10:00Z' },
    { slug: 'b', expires: '2026-01-01T00:05:00Z' },
    { slug: 'c', expires: '2025-01-01T00:00:00Z' },
    { slug: 'd' },
  ];
  const v = visibility(recs, now);
  assert.deepEqual(v.shown.map((r) => r.slug), ['b', 'd']);
  assert.equal(v.cap, 300);
  assert.equal(visibility([{ slug: 'x' }], now).cap, Infinity);
});

test('bypass rules', () => {
  const req = (u, init) => [new Request(u, init), new URL(u)];
  assert.equal(isBypass(...req('http://x/')), false);
  assert.equal(isBypass(...req('http://x/?_rsc=1')), true);
  assert.equal(isBypass(...req('http://x/', { headers: { rsc: '1' } })), true);
  assert.equal(isBypass(...req('http://x/', { headers: { 'next-router-prefetch': '1' } })), true);
  assert.equal(isBypass(...req('http://x/__internal/version')), true);
  assert.equal(isBypass(...req('http://x/', { method: 'POST' })), true);
});

test('canonicalSearch keeps only allowed params', () => {
  const c = (u, a) => canonicalSearch(new URL(u), a);
  assert.equal(c('http://x/blog/', ['page']), null);
  assert.equal(c('http://x/blog/?page=2', ['page']), null);
  assert.equal(c('http://x/blog/?utm=1&page=2', ['page']), '?page=2');
  assert.equal(c('http://x/blog/?page=2&page=3', ['page']), '?page=2');
  assert.equal(c('http://x/a?utm=1', []), '');
  assert.equal(c('http://x/a?_rsc=1', []), null);
  assert.equal(c('http://x/blog/?page=2&_rsc=1', ['page']), null);
  assert.equal(c('http://x/blog/?page=%32', ['page']), '?page=2', 'an encoded value is another spelling');
  assert.equal(c('http://x/blog/?page=2&', ['page']), '?page=2', 'so is an empty parameter');
  assert.equal(c('http://x/blog/?&page=2', ['page']), '?page=2');
});

test('meta: RFC 2047 encoded-words decode; malformed ones pass through', () => {
  assert.equal(decodeWords('=?UTF-8?q?Caf=C3=A9_au_lait?='), 'Café au lait');
  assert.equal(decodeWords('=?utf-8?B?5pel5pys6Kqe?='), '日本語');
  assert.equal(decodeWords('=?UTF-8?b?Q2Fm?= =?UTF-8?b?w6k=?='), 'Café');
  assert.equal(decodeWords('=?ISO-8859-1?Q?Andr=E9?='), 'André');
  assert.equal(decodeWords('=?UTF-8?q?bad=ZZ?='), '=?UTF-8?q?bad=ZZ?=');
  assert.equal(decodeWords('=?UTF-8?b?w?='), '=?UTF-8?b?w?=');
  assert.equal(decodeWords('plain = text ?= x'), 'plain = text ?= x');
  assert.equal(decodeWords(undefined), undefined);
});

test('meta: entryMeta tolerates broken JSON fields', () => {
  const r = entryMeta({ title: '=?UTF-8?q?Z=C3=B6e?=', tags: 'not json', toc: '[{"id":1}]', words: 'x' }, 'blog', 'a', '/blog');
  assert.equal(r.title, 'Zöe');
  assert.deepEqual(r.tags, []);
  assert.deepEqual(r.toc, []);
  assert.equal(r.words, 0);
  assert.equal(r.url, '/blog/a');
});

test('layout: esc and safeHref', () => {
  assert.equal(esc(`<script>"'&`), '&lt;script&gt;&quot;&#39;&amp;');
  assert.equal(safeHref('javascript:alert(1)'), '#');
  assert.equal(safeHref('//evil.example/'), '#');
  // A browser reads "\\" as "/" and drops tab, CR, LF: each of these would leave the site.
  for (const u of ['/\\evil.example', '/\\/evil.example', '/\t/evil.example', '/\n/evil.example', '/\r/evil.example', '/\t\t/evil.example',
    '\t//evil.example', '/\x00/evil', '/\x7f/evil', 'https://site.test\\@evil.example', 'https:\\\\evil.example', '/a\\b']) {
    assert.equal(safeHref(u), '#', JSON.stringify(u));
  }
  assert.equal(safeHref('/blog/hello'), '/blog/hello');
  assert.equal(safeHref('/tags/caf%C3%A9'), '/tags/caf%C3%A9');
  assert.equal(safeHref('https://example.com/?a=1&b=2'), 'https://example.com/?a=1&amp;b=2');
});

test('meta: splitBody takes the marker and toc lines off, and drops a malformed toc', () => {
  const m = `<!-- axctl ${'a'.repeat(32)} -->\n`;
  const toc = '<!-- toc [{"level":2,"id":"a","text":"\\u003c/script\\u003e"},{"level":2,"id":"","text":"x"},{"id":"b"}] -->\n';
  assert.deepEqual(splitBody(`${m}${toc}<p>x</p>`), { html: '<p>x</p>', toc: [{ level: 2, id: 'a', text: '</script>' }] });
  assert.deepEqual(splitBody(`${m}<p>x</p>`), { html: '<p>x</p>', toc: [] });
  assert.deepEqual(splitBody('<p>no marker</p>'), { html: '<p>no marker</p>', toc: [] });
  assert.deepEqual(splitBody(`${m}<!-- toc not json -->\n<p>x</p>`), { html: '<p>x</p>', toc: [] });
  assert.deepEqual(splitBody(`${m}<!-- toc [] never closed`), { html: '<!-- toc [] never closed', toc: [] });
});
