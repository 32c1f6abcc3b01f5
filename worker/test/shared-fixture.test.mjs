// shared-fixture.test.mjs — the Worker against the bucket the Go side wrote
// (testdata/fixture/bucket). Every expectation is derived from that bucket's
// own manifests, so the test follows the fixture as it changes: what Go
// wrote is what the pages show, Unicode and hostile values included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { parse } from 'parse5';
import { start, assertCacheable, FIXTURE, walk, textOf, attr, runnable } from './helpers.mjs';
import { readDir } from '../scripts/bucket.mjs';
import { visibility } from '../src/policy.js';

const present = existsSync(FIXTURE);
let s;
let objects;
const byKey = {};
before(async () => {
  assert.ok(present, `shared fixture missing at ${FIXTURE}: run go test ./internal/fixture -update`);
  objects = await readDir(FIXTURE);
  for (const o of objects) byKey[o.key] = o;
  s = await start({ seed: FIXTURE });
});
after(() => s && s.stop());

const json = (key) => JSON.parse(byKey[key].body.toString('utf8'));


/** page fetches an HTML page and checks the no-inline-script/style rule on it. */
async function page(path, status = 200) {
  const res = await s.get(path);
  assert.equal(res.status, status, path);
  const body = await res.text();
  const doc = parse(body);
  const bad = [];
  walk(doc, (n) => {
    if (runnable(n) || n.nodeName === 'style') bad.push(n.nodeName);
    for (const a of n.attrs || []) if (a.name === 'style' || a.name.startsWith('on')) bad.push(`${n.nodeName}[${a.name}]`);
  });
  assert.deepEqual(bad, [], `${path}: inline script or style`);
  return { res, doc, body };
}

const records = () => {
  const site = json('metadata/site.json');
  return site.collections.flatMap((c) => json(`metadata/${c.name}.json`).shards.flatMap((sh) =>
    json(sh.key).records.map((r) => ({ ...r, collection: c.name, shard: sh.key }))));
};

test('shared fixture: every entry page shows its metadata exactly as Go wrote it', async () => {
  const now = Date.now();
  for (const r of records()) {
    const visible = visibility([r], now).shown.length === 1;
    const { res, doc } = await page(r.url, visible ? 200 : 404);
    if (!visible) continue;
    assertCacheable(res, { tags: ['site', `e:${r.collection}/${r.slug}`] });
    const h1 = [];
    walk(doc, (n) => { if (n.nodeName === 'h1') h1.push(textOf(n)); });
    assert.deepEqual(h1, [r.title], r.url);
    const meta = byKey[r.key].metadata;
    assert.equal(meta.title, r.title, `${r.key}: sidecar and manifest agree`);
    if (r.author && (r.template || 'post') === 'post') {
      const authors = [];
      walk(doc, (n) => { if (attr(n, 'class') === 'author') authors.push(textOf(n)); });
      assert.deepEqual(authors, [r.author], r.url);
    }
    for (const t of r.tags || []) {
      let found = false;
      walk(doc, (n) => { if (n.nodeName === 'a' && attr(n, 'href') === `/tags/${t.slug}` && textOf(n) === t.name) found = true; });
      assert.ok(found, `${r.url}: tag ${t.name}`);
    }
    // The table of contents is the body's second line (docs/bucket.md, "Entry body"), shown as a
    // navigation box and as a <details> for phones, every template; neither header line reaches the page.
    const line = /^<!-- axctl [0-9a-f]{32} -->\n(?:<!-- toc (.*) -->\n)?/.exec(byKey[r.key].body.toString('utf8'));
    assert.ok(line, `${r.key}: marker line`);
    const want = line[1] ? JSON.parse(line[1]).map((h) => [`#${h.id}`, h.text]) : [];
    for (const cls of ['toc toc-side', 'toc-inline']) {
      const links = [];
      walk(doc, (n) => { if (attr(n, 'class') === cls) walk(n, (a) => { if (a.nodeName === 'a') links.push([attr(a, 'href'), textOf(a)]); }); });
      assert.deepEqual(links, want, `${r.url}: ${cls}`);
    }
    // Related entries: the shard record's list, in order, at the end of the entry.
    const rel = [];
    walk(doc, (n) => { if (attr(n, 'class') === 'related') walk(n, (a) => { if (a.nodeName === 'a') rel.push({ url: attr(a, 'href'), title: textOf(a) }); }); });
    assert.deepEqual(rel, r.related || [], `${r.url}: related entries`);
    const raw = await (await s.get(r.url)).text();
    assert.ok(!raw.includes('<!-- toc ') && !raw.includes('<!-- axctl '), `${r.url}: a header line reached the page`);
  }
});

test('shared fixture: listings show one shard a page, newest first, without hidden records', async () => {
  const site = json('metadata/site.json');
  for (const c of site.collections) {
    const index = json(`metadata/${c.name}.json`);
    const all = index.shards.flatMap((s) => json(s.key).records);
    assert.equal(all.length, index.total, `${c.name}: shard counts add up to total`);
    const pages = Math.max(1, index.shards.length);
    for (let p = 1; p <= pages; p++) {
      const path = p === 1 ? `${c.route}/` : `${c.route}/?page=${p}`;
      const { res, doc } = await page(path);
      assertCacheable(res, { tags: ['site', `c:${c.name}`] });
      const want = index.shards.length ? visibility(json(index.shards[p - 1].key).records, Date.now()).shown.map((r) => r.title) : [];
      const got = [];
      walk(doc, (n) => { if (n.nodeName === 'h2' && n.parentNode?.nodeName === 'article') got.push(textOf(n)); });
      assert.deepEqual(got, want, path);
    }
    assert.equal((await s.get(`${c.route}/?page=${pages + 1}`)).status, 404);
  }
});

test('shared fixture: home, tags, feeds, sitemap and manifests agree with site.json', async () => {
  const site = json('metadata/site.json');
  const now = Date.now();
  const all = records();
  const visible = visibility(all, now).shown;
  const hidden = all.filter((r) => !visible.includes(r));
  const home = await page('/');
  assertCacheable(home.res, { tags: ['site', ...site.collections.map((c) => `c:${c.name}`)] });
  for (const r of visibility(site.latest, now).shown) assert.ok(home.body.includes(`href="${r.url}"`), r.url);
  const allTags = objects.filter((o) => /^metadata\/tags\/\d{4}\.json$/.test(o.key)).flatMap((o) => json(o.key).tags);
  assert.equal(allTags.length, site.tagTotal);
  const tagPages = [];
  for (let p = 1; p <= Math.ceil(site.tagTotal / site.pageSize); p++) tagPages.push((await page(p === 1 ? '/tags/' : `/tags/?page=${p}`)).doc);
  for (const t of allTags) {
    let found = false;
    for (const doc of tagPages) walk(doc, (n) => { if (n.nodeName === 'a' && attr(n, 'href') === `/tags/${t.slug}` && textOf(n) === t.name) found = true; });
    const carried = visible.some((r) => (r.tags || []).some((x) => x.slug === t.slug));
    assert.equal(found, carried, `${t.name}: listed exactly when a visible entry carries it`);
    if (!carried) {
      await page(`/tags/${t.slug}`, 404);
      continue;
    }
    const tp = await page(`/tags/${t.slug}`);
    assertCacheable(tp.res, { tags: [`t:${t.slug}`] });
    for (const r of visible.filter((x) => (x.tags || []).some((y) => y.slug === t.slug))) assert.ok(tp.body.includes(`href="${r.url}"`), `${t.slug}: ${r.url}`);
  }
  const index = await (await s.get('/sitemap.xml')).text();
  let sitemap = '';
  for (const [, loc] of index.matchAll(/<loc>([^<]+)<\/loc>/g)) sitemap += await (await s.get(loc.slice(site.baseURL.length))).text();
  for (const r of visible) assert.ok(sitemap.includes(`<loc>${site.baseURL}${r.url}</loc>`), r.url);
  for (const r of hidden) assert.ok(!sitemap.includes(`${site.baseURL}${r.url}<`), r.url);
  for (const c of site.collections) {
    const feed = await s.get(`${c.route}/feed.xml`);
    assertCacheable(feed, { tags: [`c:${c.name}`] });
    const xml = await feed.text();
    for (const r of hidden.filter((x) => x.collection === c.name)) assert.ok(!xml.includes(`${r.url}"`), r.url);
    const m = await s.get(`/metadata/${c.name}.json`);
    assertCacheable(m, { tags: [`m:${c.name}`] });
    assert.deepEqual(await m.json(), publicIndex(json(`metadata/${c.name}.json`), now));
  }
});

/** publicIndex is what /metadata/<c>.json may show: the index without hidden entries. */
function publicIndex(index, now) {
  const shards = index.shards.map((sh) => {
    const shown = visibility(json(sh.key).records, now).shown;
    const b = (r) => `${r.date} ${r.slug}`;
    return shown.length && { key: sh.key, count: shown.length, first: b(shown[0]), last: b(shown[shown.length - 1]) };
  }).filter(Boolean);
  return { ...index, total: shards.reduce((t, sh) => t + sh.count, 0), shards };
}

test('shared fixture: assets come back byte for byte', async () => {
  for (const o of objects.filter((x) => x.key.startsWith('assets/'))) {
    const res = await s.get(`/${o.key}`);
    assert.equal(res.status, 200, o.key);
    assertCacheable(res, { tags: ['a'] });
    assert.match(res.headers.get('Cache-Control'), /max-age=31536000, immutable/);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), o.body);
  }
});

test('shared fixture: a collection feed lists every visible entry, newest first, across shards', async () => {
  const now = Date.now();
  const site = json('metadata/site.json');
  for (const c of site.collections) {
    const want = records().filter((r) => r.collection === c.name && visibility([r], now).shown.length === 1).slice(0, 20);
    const res = await s.get(`${c.route}/feed.xml`);
    assert.equal(res.status, 200);
    const body = await res.text();
    const ids = [...body.matchAll(/<entry>[\s\S]*?<link[^>]*href="([^"]+)"/g)].map((m) => new URL(m[1]).pathname);
    assert.deepEqual(ids, want.map((r) => r.url), `${c.route}/feed.xml`);
  }
});
