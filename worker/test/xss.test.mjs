// xss.test.mjs — an XSS corpus (vectors written after the public cheat
// sheets: script tags, event handlers, javascript:/data:/vbscript: URLs with
// entity, whitespace and case tricks, SVG, style/expression, unclosed tags,
// markdown link/image/autolink tricks) planted in every metadata field the
// layouts show: title, description, author, tag names, source, TOC text and
// ids, collection title, site title. The bucket is hostile on purpose (it
// bypasses axctl's validation). Every page is parsed with parse5: no script
// or style element, no on* attribute, no style attribute, no
// javascript:/data:/vbscript: URL in href/src/action/formaction/xlink:href.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'parse5';
import { start, find, runnable, jsonLD, attr } from './helpers.mjs';
import { putObject } from '../scripts/bucket.mjs';
import { build } from './build.mjs';

export const VECTORS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//xss.example/x.js></SCRIPT>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '"><script>alert(2)</script>',
  "'><img src=x onerror=alert(3)>",
  '<img src=x onerror="alert(4)">',
  '<IMG SRC="jav&#x09;ascript:alert(5);">',
  '<img src=javascript:alert(6)>',
  '<svg onload=alert(7)>',
  '<svg><script>alert(8)</script></svg>',
  '<svg><a xlink:href="javascript:alert(9)"><text>x</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(10)>',
  '<body onload=alert(11)>',
  '<iframe src="javascript:alert(12)"></iframe>',
  '<a href="javascript:alert(13)">x</a>',
  '<a href="JaVaScRiPt:alert(14)">x</a>',
  '<a href=" javascript:alert(15)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(16)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxNyk8L3NjcmlwdD4=">x</a>',
  '<a href="vbscript:msgbox(18)">x</a>',
  'javascript:alert(19)',
  ' JAVASCRIPT:alert(20)',
  'data:text/html,<script>alert(21)</script>',
  'vbscript:msgbox(22)',
  '<div style="background:url(javascript:alert(23))">',
  '<div style="width: expression(alert(24))">',
  '<style>@import "//xss.example/x.css";</style>',
  '<link rel=stylesheet href=//xss.example/x.css>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(25)">',
  '<object data="javascript:alert(26)">',
  '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMjcpPg==">',
  '<form action="javascript:alert(28)"><button>x</button></form>',
  '<button formaction="javascript:alert(29)">x</button>',
  '<details open ontoggle=alert(30)>',
  '<input autofocus onfocus=alert(31)>',
  '<img src=x onerror=alert(32)//',
  '<a href="x" onmouseover="alert(33)"',
  '[x](javascript:alert(34))',
  '![x](javascript:alert(35))',
  '<javascript:alert(36)>',
  '[x](&#106;avascript:alert(37))',
  '"onmouseover="alert(38)',
  '</title><script>alert(39)</script>',
  '</textarea><script>alert(40)</script>',
  '--><script>alert(41)</script><!--',
  '\u2028<script>alert(42)</script>',
];

const HASH = '0123456789abcdef0123456789abcdef';
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background']);
const BAD_SCHEME = /^\s*(javascript|data|vbscript)\s*:/i;

/** record is a shard record for vector i: every shown field hostile. */
function record(i, v) {
  const slug = `x${i}`;
  return {
    slug, url: `/blog/${slug}`, key: `entries/blog/${slug}.html`, hash: HASH, input: HASH,
    title: `T${i} ${v}`, date: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z`,
    author: v, description: v,
    tags: [{ name: v, slug: `t${i}` }, { name: 'xss', slug: 'xss' }],
    template: 'post', source: v,
    toc: [{ level: 2, id: v, text: v }],
    words: 3,
  };
}

/** metadata mirrors manifest.ToMetadata for a record. */
function metadata(r) {
  const m = { title: r.title, date: r.date, words: String(r.words), hash: r.hash, input: r.input,
    author: r.author, description: r.description, template: r.template, source: r.source,
    tags: JSON.stringify(r.tags), toc: JSON.stringify(r.toc) };
  return m;
}

let s;
const records = VECTORS.map((v, i) => record(i, v));
before(async () => {
  s = await start({ seed: null });
  const evil = VECTORS[0] + VECTORS[8];
  const put = (key, body, contentType = 'application/json', meta) => putObject(s.bucket, { key, body, contentType, metadata: meta });
  const sorted = [...records].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.slug < b.slug ? -1 : 1));
  for (const r of sorted) {
    await put(r.key, `<p>Body of ${r.slug}.</p>`, 'text/html; charset=utf-8', metadata(r));
  }
  const objs = build({ title: `Site ${evil}`, cols: [{ name: 'blog', route: '/blog', title: `Blog ${evil}`, records: sorted }] });
  for (const [key, body] of Object.entries(objs)) await put(key, body);
});
after(() => s?.stop());

/** searchForm says whether a form is the Worker's own search form (a GET to /search), the one form a page may have. */
function searchForm(n) {
  const attrs = Object.fromEntries((n.attrs || []).map((a) => [a.name, a.value]));
  return attrs.action === '/search' && attrs.method === 'get'
    && Object.keys(attrs).every((k) => ['class', 'action', 'method', 'role', 'aria-label'].includes(k))
    && ['Site search', 'Search entries', undefined].includes(attrs['aria-label']);
}

/** problems lists what an HTML page carries that a hostile field could have injected. */
function problems(html) {
  const out = [];
  const doc = parse(html);
  for (const n of find(doc, (x) => x.tagName)) {
    if (['style', 'iframe', 'object', 'embed', 'base'].includes(n.tagName) || runnable(n)) out.push(`<${n.tagName}> element`);
    if (n.tagName === 'form' && !searchForm(n)) out.push('<form> element');
    if (n.tagName === 'link' && (n.attrs || []).some((a) => a.name === 'href' && /xss\.example/.test(a.value))) out.push('injected <link>');
    if (n.tagName === 'meta' && (n.attrs || []).some((a) => a.name === 'http-equiv')) out.push('injected <meta http-equiv>');
    for (const a of n.attrs || []) {
      const name = a.prefix ? `${a.prefix}:${a.name}` : a.name;
      if (/^on/i.test(a.name)) out.push(`${n.tagName} ${name}= event handler`);
      if (a.name === 'style') out.push(`${n.tagName} style attribute`);
      if (URL_ATTRS.has(name) || URL_ATTRS.has(a.name)) {
        // parse5 has decoded entities already: "&#106;avascript:" is "javascript:" here.
        if (BAD_SCHEME.test(a.value.replace(/[\u0000-\u0020]/g, ''))) out.push(`${n.tagName} ${name}="${a.value}"`);
      }
    }
  }
  return out;
}

const pages = () => [
  '/', '/blog/', '/blog/?page=2', '/tags/', '/tags/xss', '/blog/2026/', '/blog/2026/01/',
  ...records.map((r) => r.url), ...records.map((r) => `/tags/${r.tags[0].slug}`),
];

test(`${VECTORS.length} XSS vectors in every shown field: no script, handler, style or dangerous URL on any page`, async () => {
  assert.ok(VECTORS.length >= 40);
  const bad = [];
  let checked = 0;
  for (const path of pages()) {
    const res = await s.get(path);
    const body = await res.text();
    if (res.status !== 200) continue; // a refused hostile value (404) is fine
    if (!/text\/html/.test(res.headers.get('Content-Type') || '')) continue;
    checked++;
    for (const p of problems(body)) bad.push(`${path}: ${p}`);
  }
  assert.ok(checked > VECTORS.length, `only ${checked} pages answered 200`);
  const first = await (await s.get(records[0].url)).text();
  assert.ok(first.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the hostile title is shown, escaped');
  assert.deepEqual(bad, []);
});

test('head metadata and JSON-LD carry hostile titles as data: one head, JSON that parses back to the exact values', async () => {
  for (const r of records) {
    const body = await (await s.get(r.url)).text();
    const doc = parse(body);
    const blocks = jsonLD(doc);
    assert.equal(blocks.length, 2, `${r.url}: two JSON-LD blocks`);
    assert.equal(blocks[0].headline, r.title, r.url);
    assert.equal(blocks[0].author.name, r.author, r.url);
    assert.deepEqual(blocks[0].keywords, r.tags.map((t) => t.name), r.url);
    assert.equal(blocks[1].itemListElement.at(-1).name, r.title, r.url);
    assert.equal(blocks[1].itemListElement[1].name, `Blog ${VECTORS[0] + VECTORS[8]}`, r.url);
    for (const n of find(doc, (x) => x.nodeName === 'script')) {
      const raw = n.childNodes.map((c) => c.value).join('');
      assert.doesNotMatch(raw, /[<>&\u2028\u2029]/, `${r.url}: raw JSON-LD escapes < > & U+2028/2029`);
    }
    const metas = find(doc, (n) => n.nodeName === 'meta' && attr(n, 'property') === 'og:title');
    assert.equal(metas.length, 1, r.url);
    assert.equal(attr(metas[0], 'content'), r.title, r.url);
    assert.equal(find(doc, (n) => n.nodeName === 'head').length, 1, r.url);
    assert.ok(find(doc, (n) => n.nodeName === 'body')[0].childNodes.some((c) => c.nodeName === 'main'), r.url);
  }
});

test('feeds and the sitemap stay well-formed XML text with hostile fields', async () => {
  for (const path of ['/blog/feed.xml', '/feed.xml', '/sitemap.xml']) {
    const res = await s.get(path);
    assert.equal(res.status, 200, path);
    const body = await res.text();
    assert.doesNotMatch(body, /<script/i, `${path} carries a raw <script>`);
    assert.doesNotMatch(body, /\shref="\s*(javascript|data|vbscript):/i, `${path} links a dangerous scheme`);
  }
});

test('the metadata JSON route serves manifests as JSON, not HTML', async () => {
  const res = await s.get('/metadata/blog.json');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('Content-Type'), /^application\/json/);
  assert.equal(res.headers.get('X-Content-Type-Options'), 'nosniff');
});
