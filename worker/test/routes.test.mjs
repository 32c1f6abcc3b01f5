// routes.test.mjs — every route through workerd against the fixture bucket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'parse5';
import { start, assertCacheable, assertNotStored, edgeTTL, PROVISIONAL, walk, find, textOf, attr, runnable } from './helpers.mjs';
import { pagesOf } from '../src/lists.js';
import { chunks } from './build.mjs';

let s;
before(async () => { s = await start({ seed: PROVISIONAL }); });
after(() => s.stop());

const HTML = /^text\/html; charset=utf-8$/;


async function html(path) {
  const res = await s.get(path);
  const body = await res.text();
  return { res, body, doc: parse(body) };
}

/** cacheable routes: path, tags the response must name, content type. */
const cacheable = [
  ['/', ['site', 'c:blog', 'c:docs'], HTML],
  ['/blog/', ['site', 'c:blog'], HTML],
  ['/blog/?page=2', ['site', 'c:blog'], HTML],
  ['/docs/', ['site', 'c:docs'], HTML],
  ['/blog/hello-world', ['site', 'e:blog/hello-world'], HTML],
  ['/blog/2024/looking-back', ['site', 'e:blog/2024/looking-back'], HTML],
  ['/docs/getting-started', ['site', 'e:docs/getting-started'], HTML],
  ['/docs/reference/cli', ['site', 'e:docs/reference/cli'], HTML],
  ['/tags/', ['site', 'c:blog', 'c:docs', 't:caching'], HTML],
  ['/tags/caching', ['site', 't:caching'], HTML],
  ['/tags/caf%C3%A9', ['site', 't:caf%C3%A9'], HTML],
  ['/blog/2026/', ['site', 'c:blog'], HTML],
  ['/blog/2026/11/', ['site', 'c:blog'], HTML],
  ['/blog/feed.xml', ['site', 'c:blog'], /^application\/atom\+xml/],
  ['/feed.xml', ['site', 'c:blog', 'c:docs'], /^application\/atom\+xml/],
  ['/sitemap.xml', ['site'], /^application\/xml/],
  ['/robots.txt', ['site'], /^text\/plain/],
  ['/metadata/blog.json', ['m:blog'], /^application\/json/],
  ['/assets/cc2e67d9df7efa4d06acc96d53d33804.svg', ['a'], /^image\/svg\+xml/],
];

for (const [path, tags, type] of cacheable) {
  test(`route ${path}: 200, cacheable by the documented rules`, async () => {
    const res = await s.get(path);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('Content-Type'), type);
    assertCacheable(res, { tags });
    assert.match(res.headers.get('Server-Timing'), /r2;dur=\d+.*total;dur=\d+/);
    assert.match(res.headers.get('X-Isolate'), /^(cold|warm)$/);
    assert.equal(res.headers.get('X-Content-Type-Options'), 'nosniff');
    if (HTML.test(res.headers.get('Content-Type'))) {
      assert.match(res.headers.get('Content-Security-Policy'), /default-src 'none'/);
      assert.doesNotMatch(res.headers.get('Content-Security-Policy'), /unsafe-inline/);
      assert.ok(res.headers.get('Strict-Transport-Security'));
      assert.ok(res.headers.get('Referrer-Policy'));
      const body = await res.text();
      const doc = parse(body);
      assert.equal(find(doc, runnable).length, 0, 'no script');
      assert.equal(find(doc, (n) => n.nodeName === 'style' || attr(n, 'style') !== undefined).length, 0, 'no inline style');
    } else await res.arrayBuffer();
  });
}

test('route /: latest entries, hidden ones filtered', async () => {
  const { body } = await html('/');
  assert.match(body, /Hello, wörld/);
  assert.doesNotMatch(body, /future post/);
  assert.doesNotMatch(body, /expired announcement/);
});

test('route /blog/: pages are full across shards, pagination links', async () => {
  // 5 entries, pageSize 2: the newest shard holds 3 (the future post
  // hidden), the oldest 2 (the expired one hidden).
  const one = await html('/blog/');
  const titles = find(one.doc, (n) => n.nodeName === 'h2' && n.parentNode.nodeName === 'article').map(textOf);
  assert.deepEqual(titles, ['Hello, wörld — café ☕ 日本語', `<script>alert(1)</script>"'&`]);
  assert.ok(find(one.doc, (n) => n.nodeName === 'a' && attr(n, 'href') === '/blog/?page=2').length);
  assert.match(one.body, /<span aria-current="page">1<\/span>/);
  const two = await html('/blog/?page=2');
  const t2 = find(two.doc, (n) => n.nodeName === 'h2' && n.parentNode.nodeName === 'article').map(textOf);
  assert.deepEqual(t2, ['Looking back at 2024']);
});

test('pages: counted from the oldest, pageSize each but the newest (pageSize…2·pageSize-1)', () => {
  for (const [n, size, want] of [[0, 25, 1], [24, 25, 1], [49, 25, 1], [50, 25, 2], [7, 3, 2], [5, 1, 5]]) assert.equal(pagesOf(n, size), want, `${n} by ${size}`);
  const list = Array.from({ length: 7 }, (_, i) => i); // newest first
  assert.deepEqual(chunks(list, 3), [[1, [0, 1, 2, 3]], [0, [4, 5, 6]]]);
});

test('route /blog/?page=N: out of range 404, page=1 and junk redirect', async () => {
  assert.equal((await s.get('/blog/?page=3')).status, 404);
  assert.equal((await s.get('/blog/?page=0')).status, 404);
  assert.equal((await s.get('/blog/?page=x')).status, 404);
  const r = await s.get('/blog/?page=1');
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('Location'), '/blog/');
});

test('route entry: template post, prev/next across shards, Unicode metadata round-trip', async () => {
  const { doc } = await html('/blog/hello-world');
  assert.equal(textOf(find(doc, (n) => n.nodeName === 'h1')[0]), 'Hello, wörld — café ☕ 日本語');
  assert.equal(textOf(find(doc, (n) => attr(n, 'class') === 'author')[0]), 'Zoë Ångström');
  assert.equal(textOf(find(doc, (n) => n.nodeName === 'title')[0]), 'Hello, wörld — café ☕ 日本語 · axctl');
  const tagLinks = find(doc, (n) => n.nodeName === 'a' && attr(n, 'href')?.startsWith('/tags/'));
  assert.ok(tagLinks.some((a) => attr(a, 'href') === '/tags/caf%C3%A9' && textOf(a) === 'Café'));
  const older = find(doc, (n) => n.nodeName === 'a' && attr(n, 'rel') === 'prev')[0];
  assert.equal(attr(older, 'href'), '/blog/hostile'); // in the older shard
  assert.equal(find(doc, (n) => n.nodeName === 'a' && attr(n, 'rel') === 'next').length, 0, 'the newer entry is not published yet');
  assert.ok(find(doc, (n) => n.nodeName === 'article' && /\bpost\b/.test(attr(n, 'class'))).length);
});

test('route entry: template doc has a TOC sidebar with escaped headings (from metadata, as objects before the body TOC)', async () => {
  const { doc, body } = await html('/docs/reference/cli');
  const toc = find(doc, (n) => n.nodeName === 'nav' && attr(n, 'class') === 'toc toc-side')[0];
  assert.ok(toc);
  assert.deepEqual(find(toc, (n) => n.nodeName === 'a').map(textOf), ['sync', 'purge <tags> & “everything”']);
  const inline = find(doc, (n) => n.nodeName === 'nav' && attr(n, 'class') === 'toc-inline')[0];
  assert.deepEqual(find(inline, (n) => n.nodeName === 'a').map(textOf), ['sync', 'purge <tags> & “everything”']);
  assert.match(body, /<main class="wide"[ >]/);
});

test('hostile title, author, description and tag are escaped everywhere', async () => {
  for (const path of ['/blog/hostile', '/blog/', '/tags/notes', '/tags/', '/blog/2026/10/']) {
    const { doc, body } = await html(path);
    assert.equal(find(doc, (n) => runnable(n) || n.nodeName === 'img' && attr(n, 'onerror')).length, 0, path);
    assert.equal(find(doc, (n) => n.nodeName === 'b').length, 0, path);
    assert.ok(body.includes('&lt;script&gt;') || body.includes('&lt;img'), path);
  }
  const { doc } = await html('/blog/hostile');
  assert.equal(textOf(find(doc, (n) => n.nodeName === 'h1')[0]), `<script>alert(1)</script>"'&`);
  const feed = await (await s.get('/blog/feed.xml')).text();
  assert.doesNotMatch(feed, /<script>/);
  assert.match(feed, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&#39;&amp;/);
});

test('hidden entries: future and expired answer 404', async () => {
  for (const p of ['/blog/future', '/blog/expired']) {
    const r = await s.get(p);
    assert.equal(r.status, 404, p);
    assert.ok(edgeTTL(r) <= 60);
  }
});

test('tags: index has counts, tag page lists across collections, lowercase slug redirects', async () => {
  const { doc } = await html('/tags/');
  const li = find(doc, (n) => n.nodeName === 'li' && n.parentNode && attr(n.parentNode, 'class') === 'tag-index');
  assert.ok(li.some((n) => /Caching\s+2/.test(textOf(n))));
  const t = await html('/tags/caching');
  const titles = find(t.doc, (n) => n.nodeName === 'h2' && n.parentNode.nodeName === 'article').map(textOf);
  assert.deepEqual(titles, ['Hello, wörld — café ☕ 日本語', 'CLI reference']);
  const r = await s.get('/tags/caf%c3%a9');
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('Location'), '/tags/caf%C3%A9');
  assert.equal((await s.get('/tags/unknown')).status, 404);
  const hostile = await s.get('/tags/%3Cimg-src%3Dx-onerror%3Dalert%281%29%3E');
  assert.equal(hostile.status, 200);
});

test('archives: year and month, empty ones 404', async () => {
  const y = await html('/blog/2024/');
  assert.match(y.body, /<a href="\/blog\/2024\/12\/">December 2024<\/a> <span class="count">1<\/span>/);
  assert.doesNotMatch(y.body, /Hello, w/);
  const dec = await html('/blog/2024/12/');
  assert.match(dec.body, /Looking back at 2024/);
  const entry = await html('/blog/2024/looking-back');
  assert.match(entry.body, /<a href="\/blog\/2024\/12\/">December 2024<\/a>/, 'entries link their month');
  const listing = await html('/blog/');
  assert.match(listing.body, /<a href="\/blog\/2024\/">2024<\/a>/, 'listings link the archive years');
  assert.doesNotMatch(listing.body, /href="\/blog\/2019\/"/, 'a year of only hidden entries is not linked');
  const m = await html('/blog/2026/10/');
  assert.match(m.body, /October 2026/);
  assert.match(m.body, /&lt;script&gt;/);
  assert.equal((await s.get('/blog/2025/')).status, 404);
  assert.equal((await s.get('/blog/2019/')).status, 404, 'only an expired entry');
});

test('feeds: Atom with entries, hidden ones left out', async () => {
  const body = await (await s.get('/feed.xml')).text();
  assert.match(body, /^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
  assert.match(body, /<link href="https:\/\/example.com\/blog\/hello-world"\/>/);
  assert.doesNotMatch(body, /future|expired/);
  assert.equal((body.match(/<entry>/g) || []).length, 5);
});

test('sitemap and robots', async () => {
  const index = await (await s.get('/sitemap.xml')).text();
  assert.match(index, /^<\?xml version="1.0" encoding="utf-8"\?>\n<sitemapindex /);
  const locs = [...index.matchAll(/<loc>https:\/\/example.com([^<]+)<\/loc>/g)].map((m) => m[1]);
  assert.deepEqual(locs, ['/sitemaps/pages.xml', '/sitemaps/blog-0.xml', '/sitemaps/docs-0.xml', '/sitemaps/tags-0.xml', '/sitemaps/tags-1.xml', '/sitemaps/tags-2.xml']);
  let sm = '';
  for (const l of locs) sm += await (await s.get(l)).text();
  assert.match(sm, /<loc>https:\/\/example.com\/docs\/reference\/cli<\/loc>/);
  assert.match(sm, /<loc>https:\/\/example.com\/blog\/2024\/12\/<\/loc>/);
  assert.match(sm, /<loc>https:\/\/example.com\/tags\/caching<\/loc>/);
  assert.doesNotMatch(sm, /future|expired|2019/);
  assert.equal((await s.get('/sitemaps/blog-1.xml')).status, 404);
  const robots = await (await s.get('/robots.txt')).text();
  assert.match(robots, /Sitemap: https:\/\/example.com\/sitemap.xml/);
});

test('manifest route: only collections in site.json, never arbitrary keys', async () => {
  const m = await (await s.get('/metadata/blog.json')).json();
  assert.equal(m.collection, 'blog');
  for (const p of ['/metadata/site.json', '/metadata/nope.json', '/metadata/blog/0000.json', '/metadata/blog.json.bak']) {
    assert.equal((await s.get(p)).status, 404, p);
  }
});

test('assets: from R2 assets/, strict names', async () => {
  const r = await s.get('/assets/cc2e67d9df7efa4d06acc96d53d33804.svg');
  assert.match(await r.text(), /<svg/);
  assert.ok(r.headers.get('ETag'));
  assert.equal((await s.get('/assets/0000000000000000000000000000000a.svg')).status, 404);
  assert.equal((await s.get('/assets/x.svg')).status, 404);
});

test('404 page is a real page, cached 60 s', async () => {
  const { res, doc } = await html('/no/such/page');
  assert.equal(res.status, 404);
  assert.equal(textOf(find(doc, (n) => n.nodeName === 'h1')[0]), 'Not found');
  assert.equal(res.headers.get('Cache-Control'), 'public, max-age=60');
  assertCacheable(res, { tags: ['site'] });
});

test('redirects: 301 to the canonical URL, cached 60 s at the edge (a reader can mint endless spellings)', async () => {
  for (const [from, to] of [['/blog', '/blog/'], ['/tags', '/tags/'], ['/blog/hello-world?utm_source=x', '/blog/hello-world'], ['/blog/?page=2&utm=1', '/blog/?page=2'], ['/?a=1', '/']]) {
    const r = await s.get(from);
    assert.equal(r.status, 301, from);
    assert.equal(r.headers.get('Location'), to, from);
    assertCacheable(r);
    assert.equal(edgeTTL(r), 60);
  }
});

test('HEAD answers like GET without a body', async () => {
  const g = await s.get('/blog/hello-world');
  const gb = await g.text();
  const h = await s.get('/blog/hello-world', { method: 'HEAD' });
  assert.equal(h.status, 200);
  assert.equal(h.headers.get('Cache-Control'), g.headers.get('Cache-Control'));
  assert.equal(h.headers.get('Cache-Tag'), g.headers.get('Cache-Tag'));
  assert.equal(await h.text(), '');
  assert.ok(gb.length > 0);
});

test('bypass: rsc / next-router-prefetch headers and _rsc query are private, no-store', async () => {
  for (const init of [{ headers: { rsc: '1' } }, { headers: { 'next-router-prefetch': '1' } }]) {
    const r = await s.get('/blog/', init);
    assert.equal(r.status, 200);
    assertNotStored(r);
    await r.text();
  }
  const r = await s.get('/blog/?_rsc=abc');
  assert.equal(r.status, 200);
  assertNotStored(r);
});

test('wrong methods: 405 with Allow, never cached', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    const r = await s.get('/blog/', { method, body: method === 'POST' || method === 'PUT' || method === 'PATCH' ? 'x' : undefined });
    assert.equal(r.status, 405, method);
    assert.equal(r.headers.get('Allow'), 'GET, HEAD');
    assertNotStored(r);
  }
  const r = await s.get('/__internal/purge');
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('Allow'), 'POST');
});

test('abuse: traversal and encoded separators never reach a bucket key', async () => {
  const before = (await s.version()).r2.byKey;
  for (const p of ['/blog/../metadata/site.json', '/blog/%2e%2e/%2e%2e/metadata/site.json', '/blog/..%2fmetadata%2fsite.json',
    '/blog/%2E%2E%2Fsecret', '/assets/..%2f..%2fmetadata%2fsite.json', '/blog/a%2fb', '/blog/a%5cb', '/blog//hello-world',
    '/blog/hello-world%00', '/blog/Hello-World', '/metadata/..%2fsite.json', '/blog/hello.world']) {
    const r = await s.get(p);
    assert.ok([301, 404].includes(r.status), `${p} → ${r.status}`);
    // A 301 only where the path has a canonical spelling (// merged, lowercase): never toward a key.
    if (r.status === 301) assert.match(r.headers.get('Location'), /^\/blog\/hello-world$/, p);
    await r.arrayBuffer();
  }
  const after = (await s.version()).r2.byKey;
  for (const k of Object.keys(after)) {
    if (!(k in before)) assert.match(k, /^(metadata\/(site|blog|docs)(\/\d{4})?\.json)$/, `unexpected read ${k}`);
  }
});

test('abuse: a 16 KB URL answers 414, not 5xx', async () => {
  const r = await s.get(`/blog/${'a'.repeat(16 * 1024)}`);
  assert.equal(r.status, 414);
  assertNotStored(r);
  const q = await s.get(`/blog/?page=${'9'.repeat(16 * 1024)}`);
  assert.ok(q.status === 414 || q.status === 404);
});

test('property: no 5xx and nothing non-cacheable carries cache headers across many requests', async () => {
  const paths = ['/', '/blog/', '/blog/x', '/tags/', '/tags/%', '/tags/%zz', '/assets/', '/metadata/', '/feed.xml', '/blog/9999/', '/blog/2026/13/',
    '/%', '/%ff', '/blog/%ff', '/blog/?page=99999999', '/__internal/nope', '/docs/reference/', '/docs/reference/cli/'];
  for (const p of paths) {
    const r = await s.get(p);
    await r.arrayBuffer();
    assert.ok(r.status < 500, `${p} → ${r.status}`);
    if (r.headers.get('CDN-Cache-Control')) assertCacheable(r);
    else assertNotStored(r);
  }
});

/** notFoundParts is what a 404 page offers: its search form, recent entry links, and whether it links home and the tags. */
function notFoundParts(doc) {
  const forms = find(doc, (n) => n.nodeName === 'form' && attr(n, 'action') === '/search' && attr(n, 'method') === 'get');
  const mainEl = find(doc, (n) => n.nodeName === 'main')[0];
  const inMain = forms.filter((f) => { for (let p = f; p; p = p.parentNode) if (p === mainEl) return true; return false; });
  const recent = find(doc, (n) => n.nodeName === 'a' && n.parentNode?.parentNode && attr(n.parentNode.parentNode, 'class') === 'recent').map((a) => attr(a, 'href'));
  const hrefs = find(mainEl, (n) => n.nodeName === 'a').map((a) => attr(a, 'href'));
  return { search: inMain.length === 1 && find(inMain[0], (n) => n.nodeName === 'input' && attr(n, 'name') === 'q').length === 1
    && find(inMain[0], (n) => n.nodeName === 'button').length === 1, recent, home: hrefs.includes('/'), tags: hrefs.includes('/tags/') };
}

test('every 404 offers a search form, the newest visible entries, home and the tags', async () => {
  const home = await html('/');
  const latest = find(home.doc, (n) => n.nodeName === 'a' && n.parentNode.nodeName === 'h2' && n.parentNode.parentNode.nodeName === 'article').map((a) => attr(a, 'href'));
  assert.ok(latest.length >= 5, 'the fixture has five visible entries');
  for (const path of ['/blog/no-such-entry', '/nope', '/no/such/page', '/tags/unknown', '/blog/?page=9', '/blog/2025/', '/blog/future', '/blog/expired', '/metadata/nope.json', '/assets/0000000000000000000000000000000a.svg']) {
    const { res, doc } = await html(path);
    assert.equal(res.status, 404, path);
    const got = notFoundParts(doc);
    assert.deepEqual(got, { search: true, recent: latest.slice(0, 5), home: true, tags: true }, path);
    for (const hidden of ['/blog/future', '/blog/expired']) assert.ok(!got.recent.includes(hidden), `${path} lists ${hidden}`);
    assert.ok(edgeTTL(res) <= 60, path);
  }
});

test('the 404 of a path that reads nothing still offers search, home and the tags; recent entries only from a fresh memo', async () => {
  for (const path of ['/a_b/', '/blog/hello.world', '/assets/x.svg']) {
    const { res, doc } = await html(path);
    assert.equal(res.status, 404, path);
    const got = notFoundParts(doc);
    assert.ok(got.search && got.home && got.tags, `${path}: ${JSON.stringify(got)}`);
    assert.ok(got.recent.length === 0 || got.recent.length === 5, `${path}: ${got.recent}`);
    assertCacheable(res, { tags: ['site'] });
  }
});
