// feed.test.mjs — full-content feeds (site.json fullFeed, axctl.yaml
// feed.full): the newest 20 visible entries carry their body in
// <content type="html">, read with at most one R2 read per entry shown;
// hidden entries never appear; hostile bodies leave the feed well-formed
// Atom, checked by Python's expat (through ElementTree) and feedparser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { start, assertCacheable, assertNotStored } from './helpers.mjs';
import { build } from './build.mjs';

const PYTHON = process.env.AXCTL_PYTHON || '/usr/bin/python3';
const NOW = Date.now();
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const hex = (n) => n.toString(16).padStart(32, '0');

/** HOSTILE are bodies by class: markup that would close the feed, CDATA, entities, XML-forbidden and CR characters, scripts. */
const HOSTILE = [
  '<p>a</p></content></entry></feed><entry><id>x</id>',
  '<p>]]> and <![CDATA[ x ]]></p>',
  '<p>&amp; &lt; &#0; &#xFFFE; &bogus; &</p>',
  '<p>control \u0001\u0008\u000b\u000c\u001f and \ufffe\uffff here</p>',
  '<pre><code>line one\r\nline two\rthree</code></pre>',
  '<p><script>alert(1)</script><img src=x onerror=alert(2)></p>',
  '<p>emoji 🚀, bidi \u202e evil \u202c, 東京, NUL \u0000.</p>',
  '<p>relative <a href="/blog/e-1">link</a> and <img src="/assets/0123456789abcdef0123456789abcdef.png" alt="x"></p>',
];

/** site: blog (full feed) with 30 entries, 3 of them hidden, one body of another version; notes (summaries) with 3. */
function site() {
  const blog = [];
  for (let k = 0; k < 30; k++) {
    const r = { slug: `e-${k}`, url: `/blog/e-${k}`, key: `entries/blog/e-${k}.html`, hash: hex(k + 1), input: hex(k + 100),
      title: `Entry ${k}`, date: iso(Date.UTC(2026, 0, 1) + k * 86400e3), words: 10, description: `Summary ${k}` };
    if (k === 29) r.publishDate = iso(NOW + 3600e3); // the newest: scheduled
    if (k === 27) r.expires = iso(NOW - 3600e3); // expired
    if (k === 25) r.publishDate = iso(NOW + 7200e3);
    blog.push(r);
  }
  const notes = [0, 1, 2].map((k) => ({ slug: `n-${k}`, url: `/notes/n-${k}`, key: `entries/notes/n-${k}.html`, hash: hex(k + 500), input: hex(k + 600),
    title: `Note ${k}`, date: iso(Date.UTC(2026, 1, 15) + k * 3600e3), words: 5 }));
  const schedule = blog.filter((r) => r.publishDate || r.expires).map((r) => ({ collection: 'blog', slug: r.slug, date: r.date, ...(r.publishDate && { publishDate: r.publishDate }), ...(r.expires && { expires: r.expires }) }));
  const objs = build({ baseURL: 'https://feed.example', pageSize: 25, schedule, cols: [{ name: 'blog', route: '/blog', title: 'Blog', records: blog }, { name: 'notes', route: '/notes', title: 'Notes', records: notes }] });
  const sj = JSON.parse(objs['metadata/site.json']);
  sj.collections[0].fullFeed = true;
  objs['metadata/site.json'] = `${JSON.stringify(sj)}\n`;
  const bodies = {};
  for (const r of blog) {
    const k = Number(r.slug.slice(2));
    const html = `${HOSTILE[k % HOSTILE.length]}\n<p>Body of ${r.slug} only.</p>\n`;
    bodies[r.slug] = html;
    objs[r.key] = `<!-- axctl ${r.hash} -->\n${k % 2 ? '<!-- toc [{"level":2,"id":"a","text":"A"}] -->\n' : ''}${html}`;
  }
  for (const r of notes) objs[r.key] = `<!-- axctl ${r.hash} -->\n<p>Body of ${r.slug} only.</p>\n`;
  return { objs, blog, notes, bodies };
}

let s;
let fx;
before(async () => {
  fx = site();
  s = await start({ seed: null, bindings: { MANIFEST_TTL: '0' } });
  for (const [k, v] of Object.entries(fx.objs)) await s.bucket.put(k, v);
});
after(() => s?.stop());

/** atomCheck parses a feed with ElementTree (expat) and feedparser and returns what it found, or throws the problems. */
function atomCheck(xml) {
  const script = String.raw`
import sys, json, re, feedparser, xml.etree.ElementTree as ET
raw = sys.stdin.buffer.read()
A = '{http://www.w3.org/2005/Atom}'
root = ET.fromstring(raw)
bad = []
date = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$')
absolute = lambda u: u.startswith('https://') or u.startswith('http://')
if root.tag != A + 'feed': bad.append('root ' + root.tag)
for name in ('id', 'title', 'updated'):
    if len(root.findall(A + name)) != 1: bad.append('feed needs one ' + name)
if not date.match(root.findtext(A + 'updated') or ''): bad.append('feed updated')
if not absolute(root.findtext(A + 'id') or ''): bad.append('feed id not absolute')
if not root.findall(A + 'author') and not all(e.findall(A + 'author') for e in root.findall(A + 'entry')): bad.append('no author')
if not any(l.get('rel') == 'self' for l in root.findall(A + 'link')): bad.append('no rel=self')
out, ids = [], set()
for e in root.findall(A + 'entry'):
    for name in ('id', 'title', 'updated'):
        if len(e.findall(A + name)) != 1: bad.append('entry needs one ' + name)
    i = e.findtext(A + 'id')
    if i in ids: bad.append('duplicate id ' + i)
    ids.add(i)
    if not absolute(i or '') or not all(absolute(l.get('href', '')) for l in e.findall(A + 'link')): bad.append('relative id or link in ' + str(i))
    if not date.match(e.findtext(A + 'updated') or ''): bad.append('entry updated ' + str(i))
    c = e.findall(A + 'content')
    if len(c) > 1: bad.append('two contents')
    if c and (c[0].get('type') != 'html' or not absolute(c[0].get('{http://www.w3.org/XML/1998/namespace}base', ''))): bad.append('content type or xml:base')
    if not c and not e.findall(A + 'link'): bad.append('no content and no alternate link')
    out.append({'id': i, 'content': c[0].text or '' if c else None})
d = feedparser.parse(raw)
if d.bozo or d.version != 'atom10' or len(d.entries) != len(out): bad.append('feedparser: %s %s %s' % (d.version, d.bozo, d.get('bozo_exception', '')))
print(json.dumps({'bad': bad, 'entries': out}))
`;
  const r = spawnSync(PYTHON, ['-c', script], { input: xml, encoding: 'utf8' });
  assert.equal(r.status, 0, `python: ${r.stderr}`);
  const got = JSON.parse(r.stdout);
  assert.deepEqual(got.bad, [], `Atom rules:\n${xml.slice(0, 2000)}`);
  return got.entries;
}

/** reads fetches path and returns its body and the bucket keys it read. */
async function reads(path) {
  const before = await s.version();
  const res = await s.get(path);
  const body = await res.text();
  const after = await s.version();
  const keys = Object.keys(after.r2.byKey).flatMap((k) => Array(after.r2.byKey[k] - (before.r2.byKey[k] || 0)).fill(k));
  return { res, body, keys };
}

/** xmlText is what an XML parser reads back for a body the feed escaped: forbidden characters as U+FFFD, CR kept. */
const xmlText = (html) => html.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');

test('a full feed carries the body of each of its newest 20 visible entries, one read each, and no hidden entry', async () => {
  const { res, body, keys } = await reads('/blog/feed.xml');
  assert.equal(res.status, 200);
  assertCacheable(res, { tags: ['c:blog'] });
  const entries = atomCheck(body);
  const visible = fx.blog.filter((r) => ![29, 27, 25].includes(Number(r.slug.slice(2)))).reverse().slice(0, 20);
  assert.deepEqual(entries.map((e) => e.id), visible.map((r) => `https://feed.example${r.url}`));
  for (const [i, r] of visible.entries()) assert.equal(entries[i].content, xmlText(fx.bodies[r.slug]), r.slug);
  for (const k of [29, 27, 25]) assert.ok(!body.includes(`e-${k}<`) && !body.includes(`/e-${k}"`) && !body.includes(`Body of e-${k} only`), `hidden e-${k}`);
  const bodyReads = keys.filter((k) => k.startsWith('entries/'));
  assert.deepEqual(bodyReads.sort(), visible.map((r) => r.key).sort(), 'one read per entry shown, none for hidden ones');
  assert.ok(keys.length <= 20 + 2, `at most site.json, one chunk and 20 bodies: ${keys.length} reads`);
  assert.ok(keys.length - bodyReads.length <= 2, `manifest reads ${keys.length - bodyReads.length}`);
});

test('a collection without feed.full stays summaries, with no body read', async () => {
  const { body, keys } = await reads('/notes/feed.xml');
  const entries = atomCheck(body);
  assert.equal(entries.length, 3);
  assert.ok(entries.every((e) => e.content === null));
  assert.deepEqual(keys.filter((k) => k.startsWith('entries/')), []);
});

test('the site feed carries bodies for the entries of full collections only, at most 10 reads', async () => {
  const { res, body, keys } = await reads('/feed.xml');
  assertCacheable(res);
  const entries = atomCheck(body);
  const latest = JSON.parse(fx.objs['metadata/site.json']).latest.filter((r) => !r.publishDate && !r.expires);
  assert.deepEqual(entries.map((e) => e.id), latest.map((r) => `https://feed.example${r.url}`), 'the visible entries of latest');
  assert.ok(latest.some((r) => r.collection === 'notes') && latest.some((r) => r.collection === 'blog'));
  for (const e of entries) {
    const slug = e.id.split('/').pop();
    if (e.id.includes('/notes/')) assert.equal(e.content, null, e.id);
    else assert.equal(e.content, xmlText(fx.bodies[slug]), e.id);
  }
  const bodyReads = keys.filter((k) => k.startsWith('entries/'));
  assert.equal(bodyReads.length, entries.filter((e) => e.content !== null).length);
  assert.ok(bodyReads.every((k) => k.startsWith('entries/blog/')));
});

test('a body of another version than its record (mid-sync) is left out and the feed is not stored', async () => {
  const r = fx.blog[28];
  await s.bucket.put(r.key, `<!-- axctl ${hex(999)} -->\n<p>Newer body.</p>\n`);
  try {
    const { res, body } = await reads('/blog/feed.xml');
    assertNotStored(res);
    const entries = atomCheck(body);
    assert.equal(entries.find((e) => e.id.endsWith(`/${r.slug}`)).content, null);
    assert.ok(!body.includes('Newer body'));
  } finally {
    await s.bucket.put(r.key, fx.objs[r.key]);
  }
  assertCacheable(await s.get('/blog/feed.xml'));
});
