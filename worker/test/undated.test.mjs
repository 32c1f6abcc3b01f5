// undated.test.mjs — the oracle for undated collections (sortBy: weight).
// Go writes a site (internal/syncer TestUndatedSite) with a dated blog and an
// undated docs collection of random weights (repeated, missing, negative),
// titles equal but for case or ordered differently by UTF-16 and by code
// point, dates given and dropped, scheduled entries and a tag shared with the
// blog. Every page that orders or dates entries is rendered by the router and
// checked against a brute-force order written here from docs/config.md:
// listing pages, prev/next on each entry page, the sitemap, the public index,
// tag pages; and what an undated entry never shows (a date, an archive, a
// feed, JSON-LD dates). Then the real Worker (workerd) answers the same bytes.
// UNDATED_SEED replays a failing site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../scripts/mf.mjs';
import { readDir } from '../scripts/bucket.mjs';
import { route } from '../src/routes.js';
import { start, bucketReader } from './helpers.mjs';
import { chunks } from './build.mjs';

const SEED = Number(process.env.UNDATED_SEED || Date.now() % 1000003);
const ORIGIN = 'http://site.test';
const PAGE = 3;
const NOW = Date.now();

let dir;
let entries;
const objects = {};
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'f-undated-'));
  execFileSync('go', ['test', './internal/syncer', '-run', '^TestUndatedSite$', '-count=1'], {
    cwd: join(root, '..'), stdio: 'pipe', env: { ...process.env, AXCTL_UNDATED_SITE: dir, AXCTL_UNDATED_SEED: String(SEED) },
  });
  entries = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')).entries;
  for (const o of await readDir(join(dir, 'bucket'))) objects[o.key] = o;
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

/** codePoints is a title as the order compares it: A–Z lowercased, then code point by code point. */
const codePoints = (s) => [...s].map((c) => (c >= 'A' && c <= 'Z' ? c.toLowerCase() : c).codePointAt(0));
/** before is the documented undated order, brute force: weight (none or 0 last), title, slug. */
function ahead(a, b) {
  const wa = a.weight || Number.MAX_VALUE;
  const wb = b.weight || Number.MAX_VALUE;
  if (wa !== wb) return wa < wb ? -1 : 1;
  const [x, y] = [codePoints(a.title), codePoints(b.title)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return a.slug < b.slug ? -1 : 1;
}
const shown = (e) => !e.publishDate || Date.parse(e.publishDate) <= NOW;
const docs = () => entries.filter((e) => e.collection === 'docs').sort(ahead);
const at = (what) => `${what} (UNDATED_SEED=${SEED})`;

async function render(path) {
  const r = await route(bucketReader(objects, NOW), new URL(ORIGIN + path));
  return { status: r.status, body: typeof r.body === 'string' ? r.body : '' };
}

const hrefs = (body) => [...body.matchAll(/<article><h2><a href="([^"]+)"/g)].map((m) => m[1]);

test('undated oracle: listing pages, sitemap and public index follow weight, title, slug', async () => {
  const all = docs();
  const pages = chunks(all, PAGE).map(([, items]) => items);
  assert.ok(all.length >= 18 && pages.length >= 6, at('site too small to mean anything'));
  for (let p = 1; p <= pages.length; p++) {
    const { status, body } = await render(p === 1 ? '/docs/' : `/docs/?page=${p}`);
    assert.equal(status, 200, at(`page ${p}`));
    assert.deepEqual(hrefs(body), pages[p - 1].filter(shown).map((e) => e.url), at(`page ${p}`));
    assert.doesNotMatch(body, /<time|Archives|feed\.xml" title|Newer|Older/, at(`page ${p} shows a date, archive, feed or newer/older`));
  }
  const sm = await render('/sitemaps/docs-0.xml');
  const locs = [...sm.body.matchAll(/<loc>https:\/\/oracle\.example([^<]+)<\/loc>/g)].map((m) => m[1]);
  assert.deepEqual(locs, all.filter(shown).map((e) => e.url), at('sitemap order'));
  assert.doesNotMatch(sm.body, /<lastmod>/, at('an undated entry has no lastmod'));
  const pagesXML = (await render('/sitemaps/pages.xml')).body;
  assert.doesNotMatch(pagesXML, /\/docs\/\d{4}\//, at('no archive of an undated collection'));
  const index = JSON.parse((await render('/metadata/docs.json')).body);
  assert.equal(index.total, all.filter(shown).length, at('public index total'));
  const b = (e) => `${e.weight || 0} ${e.slug} ${e.title}`;
  const vis = pages.map((pg) => pg.filter(shown)).filter((pg) => pg.length);
  assert.deepEqual(index.shards.map((s) => [s.first, s.last]), vis.map((pg) => [b(pg[0]), b(pg[pg.length - 1])]), at('public index bounds'));
});

test('undated oracle: every entry page links its listing neighbours and shows no date', async () => {
  const vis = docs().filter(shown);
  for (const e of docs()) {
    const { status, body } = await render(e.url);
    if (!shown(e)) {
      assert.equal(status, 404, at(`${e.url} is scheduled`));
      continue;
    }
    assert.equal(status, 200, at(e.url));
    const i = vis.indexOf(e);
    const prev = /<a rel="prev" href="([^"]+)"><span>Previous<\/span>/.exec(body);
    const next = /<a rel="next" href="([^"]+)"><span>Next<\/span>/.exec(body);
    assert.equal(prev && prev[1], i > 0 ? vis[i - 1].url : null, at(`${e.url}: previous`));
    assert.equal(next && next[1], i + 1 < vis.length ? vis[i + 1].url : null, at(`${e.url}: next`));
    assert.doesNotMatch(body, /<time|Filed in|datePublished|published_time|\/docs\/feed\.xml/, at(`${e.url} shows a date or a feed`));
    assert.match(body, /"@type":"TechArticle"/, at(`${e.url}: JSON-LD`));
  }
});

test('undated oracle: no feed, no archive, not in the newest lists; tag pages list them after dated entries, undated', async () => {
  assert.equal((await render('/docs/feed.xml')).status, 404);
  assert.equal((await render('/docs/2025/')).status, 404);
  assert.ok(!hrefs((await render('/')).body).some((u) => u.startsWith('/docs/')), at('the home page lists an undated entry'));
  assert.doesNotMatch((await render('/feed.xml')).body, /\/docs\//, at('the site feed lists an undated entry'));
  const blog = (await render('/blog/')).body;
  assert.match(blog, /<time/, 'the dated collection still shows dates');
  const tagged = entries.filter((e) => (e.tags || []).includes('shared') && shown(e));
  const sorted = [...tagged.filter((e) => e.date).sort((a, b) => (a.date < b.date ? 1 : -1)),
    ...tagged.filter((e) => !e.date).sort((a, b) => (a.slug < b.slug ? -1 : 1))];
  let got = [];
  for (let p = 1; ; p++) {
    const { status, body } = await render(p === 1 ? '/tags/shared' : `/tags/shared?page=${p}`);
    if (status !== 200) break;
    got = got.concat(hrefs(body));
    for (const m of body.matchAll(/<li><article><h2><a href="\/docs\/[^"]+">[\s\S]*?<\/article><\/li>/g)) assert.doesNotMatch(m[0], /<time/, at('tag page dates an undated entry'));
  }
  assert.deepEqual(got, sorted.map((e) => e.url), at('tag pages'));
  const search = await render('/search?q=body');
  assert.equal(search.status, 200);
  const results = [...search.body.matchAll(/<li><article><h2><a href="(\/docs\/[^"]+)">[\s\S]*?<\/article><\/li>/g)];
  assert.ok(results.length > 0, 'search finds undated entries');
  for (const m of results) assert.doesNotMatch(m[0], /<time/, at(`search result ${m[1]} shows a date`));
});

test('undated oracle: the Worker in workerd answers the same bytes', async () => {
  const s = await start({ seed: join(dir, 'bucket') });
  try {
    for (const path of ['/docs/', '/docs/?page=2', docs().find(shown).url, '/sitemaps/docs-0.xml', '/tags/shared']) {
      const res = await s.get(path);
      assert.equal(res.status, 200, path);
      assert.equal(await res.text(), (await render(path)).body, at(`${path} in workerd`));
    }
  } finally {
    await s.stop();
  }
});
