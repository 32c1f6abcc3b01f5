// head.test.mjs — what readers' tools see (docs/readers.md): every page kind
// of the shared fixture carries a description, an absolute canonical URL from
// site.baseURL, Open Graph and Twitter card tags; entries add article times
// and tags and JSON-LD (the article, then its breadcrumbs); paged listings
// link rel=prev/next; every page starts with a skip link to <main id="content">.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'parse5';
import { start, find, attr, textOf, jsonLD } from './helpers.mjs';
import { head, ldJSON, summaryOf, clip, baseOf } from '../src/head.js';

const BASE = 'https://fixture.example';
let s;
before(async () => { s = await start(); });
after(() => s?.stop());

async function doc(path, status = 200) {
  const res = await s.get(path);
  assert.equal(res.status, status, path);
  return parse(await res.text());
}

/** tags reads the head's meta and link tags into {name|property → [content]} and {rel → [href]}. */
function tags(d) {
  const metas = {};
  const links = {};
  const headEl = find(d, (n) => n.nodeName === 'head')[0];
  for (const n of find(headEl, (x) => x.nodeName === 'meta')) {
    const k = attr(n, 'property') || attr(n, 'name');
    if (k) (metas[k] ||= []).push(attr(n, 'content'));
  }
  for (const n of find(headEl, (x) => x.nodeName === 'link')) (links[attr(n, 'rel')] ||= []).push(attr(n, 'href'));
  return { metas, links };
}

const one = (m, k) => {
  assert.equal((m[k] || []).length, 1, `exactly one ${k}`);
  return m[k][0];
};

/** PAGES are the page kinds of the shared fixture with their canonical path and og:type. */
const PAGES = [
  ['home', '/', '/', 'website'],
  ['listing', '/notes/', '/notes/', 'website'],
  ['listing page 2', '/notes/?page=2', '/notes/?page=2', 'website'],
  ['tags index', '/tags/', '/tags/', 'website'],
  ['tag page', '/tags/intro', '/tags/intro', 'website'],
  ['year archive', '/notes/2026/', '/notes/2026/', 'website'],
  ['month archive', '/notes/2026/03/', '/notes/2026/03/', 'website'],
  ['post', '/notes/hello', '/notes/hello', 'article'],
  ['doc', '/guides/setup/install', '/guides/setup/install', 'article'],
  ['page', '/guides/overview', '/guides/overview', 'article'],
];

for (const [kind, path, canonical, type] of PAGES) {
  test(`head of the ${kind} (${path}): description, canonical, Open Graph and Twitter card, absolute`, async () => {
    const d = await doc(path);
    const { metas, links } = tags(d);
    assert.ok(one(metas, 'description').trim().length > 0);
    assert.equal(one(links, 'canonical'), BASE + canonical);
    assert.equal(one(metas, 'og:url'), BASE + canonical);
    assert.equal(one(metas, 'og:type'), type);
    assert.equal(one(metas, 'og:site_name'), 'Fixture “site”');
    assert.ok(one(metas, 'og:title').length > 0);
    assert.equal(one(metas, 'og:description'), one(metas, 'description'));
    assert.equal(one(metas, 'twitter:card'), 'summary');
    for (const v of [...(links.canonical || []), ...(links.prev || []), ...(links.next || []), ...(metas['og:url'] || []), ...(metas['og:image'] || [])]) {
      assert.match(v, /^https:\/\/fixture\.example\//, `${v} is absolute`);
    }
    assert.equal(attr(find(d, (n) => n.nodeName === 'html')[0], 'lang'), 'en');
  });
}

test('every page starts with a skip link to <main id="content">, the 404 too', async () => {
  for (const [path, status] of [...PAGES.map((p) => [p[1], 200]), ['/notes/nothing-here', 404]]) {
    const d = await doc(path, status);
    const body = find(d, (n) => n.nodeName === 'body')[0];
    const first = find(body, (n) => n.nodeName === 'a' || n.nodeName === 'button' || n.nodeName === 'input')[0];
    assert.equal(attr(first, 'href'), '#content', path);
    assert.equal(textOf(first), 'Skip to content', path);
    assert.equal(find(d, (n) => n.nodeName === 'main' && attr(n, 'id') === 'content').length, 1, path);
  }
});

test('the 404 page has a description and Open Graph, but no canonical link or og:url', async () => {
  const { metas, links } = tags(await doc('/notes/nothing-here', 404));
  assert.ok(one(metas, 'description').length > 0);
  assert.equal(one(metas, 'og:type'), 'website');
  assert.equal(links.canonical, undefined);
  assert.equal(metas['og:url'], undefined);
});

test('paged listings link rel=prev/next with absolute URLs', async () => {
  const first = tags(await doc('/notes/')).links;
  assert.equal(first.prev, undefined);
  assert.deepEqual(first.next, [`${BASE}/notes/?page=2`]);
  const second = tags(await doc('/notes/?page=2')).links;
  assert.deepEqual(second.prev, [`${BASE}/notes/`]);
  assert.equal(second.next, undefined);
  const single = tags(await doc('/guides/')).links;
  assert.equal(single.prev, undefined);
  assert.equal(single.next, undefined);
});

test('entries carry article times and tags; description is the entry description, else its first paragraph', async () => {
  const { metas } = tags(await doc('/notes/hello'));
  assert.equal(one(metas, 'article:published_time'), '2026-01-05T00:00:00Z');
  assert.equal(one(metas, 'article:modified_time'), '2026-01-05T00:00:00Z');
  assert.deepEqual(metas['article:tag'], ['café', 'intro', 'Cache Policy']);
  const plain = tags(await doc('/guides/overview')).metas; // no description in its frontmatter
  assert.ok(one(plain, 'description').length > 0);
  assert.doesNotMatch(one(plain, 'description'), /<|&amp;|— Fixture/);
  assert.match(one(tags(await doc('/notes/highlighted')).metas, 'description'), /^Highlighted code — Fixture/); // no paragraph either
  const listing = tags(await doc('/notes/')).metas;
  assert.equal(listing['article:published_time'], undefined);
});

test('JSON-LD: BlogPosting for a post, TechArticle for a doc, with breadcrumbs Home → collection → entry', async () => {
  const [post, crumbs] = jsonLD(await doc('/notes/hello'));
  assert.equal(post['@context'], 'https://schema.org');
  assert.equal(post['@type'], 'BlogPosting');
  assert.equal(post.headline, 'Hello, café — première note ☕');
  assert.equal(post.datePublished, '2026-01-05T00:00:00Z');
  assert.equal(post.dateModified, '2026-01-05T00:00:00Z');
  assert.deepEqual(post.author, { '@type': 'Person', name: 'Zoë Ångström' });
  assert.equal(post.url, `${BASE}/notes/hello`);
  assert.deepEqual(post.keywords, ['café', 'intro', 'Cache Policy']);
  assert.equal(crumbs['@type'], 'BreadcrumbList');
  assert.deepEqual(crumbs.itemListElement.map((i) => [i['@type'], i.position, i.item]), [
    ['ListItem', 1, `${BASE}/`], ['ListItem', 2, `${BASE}/notes/`], ['ListItem', 3, `${BASE}/notes/hello`]]);
  assert.deepEqual(crumbs.itemListElement.map((i) => i.name), ['Fixture “site”', 'Notes', 'Hello, café — première note ☕']);
  const [doc_] = jsonLD(await doc('/guides/setup/install'));
  assert.equal(doc_['@type'], 'TechArticle');
  for (const k of ['headline', 'datePublished', 'author', 'url']) assert.ok(doc_[k], `TechArticle ${k}`);
  for (const path of ['/', '/notes/', '/tags/', '/tags/intro', '/notes/2026/']) assert.deepEqual(jsonLD(await doc(path)), [], path);
});

test('head.js: no baseURL (or not an absolute http(s) URL) means no canonical link and no og:url, never a guess', () => {
  for (const baseURL of ['', 'example.com', 'javascript:alert(1)//x', 'https://x.example/"><script>']) {
    const h = head({ title: 'S', baseURL, collections: [] }, { title: 'T', path: '/t' });
    assert.doesNotMatch(h, /canonical|og:url/, baseURL);
    assert.equal(baseOf({ baseURL }), '');
  }
  assert.equal(baseOf({ baseURL: 'https://x.example/blog/' }), 'https://x.example/blog');
});

test('head.js: og:image is the first raster asset of the body, absolute; ldJSON escapes what could end the block', () => {
  const site = { title: 'S', baseURL: 'https://x.example', collections: [{ name: 'b', route: '/b', title: 'B' }] };
  const r = { slug: 'a', url: '/b/a', title: 'A', date: '2026-01-01T00:00:00Z', tags: [], collection: 'b', template: 'post' };
  const h = head(site, { title: 'A', path: '/b/a', entry: r, body: '<p>x</p><img src="/assets/0123456789abcdef0123456789abcdef.png" alt="y">' });
  assert.match(h, /<meta property="og:image" content="https:\/\/x\.example\/assets\/0123456789abcdef0123456789abcdef\.png">/);
  assert.equal(ldJSON({ t: '</script><!--&\u2028\u2029' }), '{"t":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029"}');
  assert.deepEqual(JSON.parse(ldJSON({ t: '</script><!--&\u2028\u2029' })), { t: '</script><!--&\u2028\u2029' });
  assert.equal(summaryOf('<h2 id="x">H</h2><p><img src="/a.png" alt=""></p><p>Fish &amp; <em>chips</em> &lt;3 &#x263A;</p><p>second</p>'), 'Fish & chips <3 ☺');
  assert.ok(clip('word '.repeat(100)).length <= 160);
});

test('headings with an id carry a self-link to their section', async () => {
  const d = await doc('/guides/setup/install');
  const heads = find(d, (n) => /^h[2-6]$/.test(n.nodeName) && attr(n, 'id') && find(n, (x) => attr(x, 'class') === 'anchor').length);
  assert.deepEqual(heads.map((h) => [h.nodeName, attr(find(h, (x) => x.nodeName === 'a').at(-1), 'href')]), [['h2', '#install'], ['h3', '#check']]);
  for (const h of heads) assert.ok(attr(find(h, (x) => x.nodeName === 'a').at(-1), 'aria-label'));
});
