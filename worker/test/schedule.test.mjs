// schedule.test.mjs — the oracle for scheduled and expired entries. Go writes
// a site whose entries have random publishDate/expires windows around now
// (internal/syncer TestScheduleSite: the sync ran ten days ago, so some
// entries appeared and some expired since). Every page kind is rendered at
// many moments — just after the sync, now, and a moment before and at each
// window boundary — by calling the router with that clock, and checked
// against the windows alone: no hidden entry's slug, title, date or
// hidden-only tag appears anywhere; every visible one is where it belongs,
// counted; and a page whose bytes change at a boundary was never cacheable
// past it. Then the real Worker (workerd) answers every URL now with the
// same bytes, TTL and Cache-Tag. A failure names SCHEDULE_SEED and
// SCHEDULE_NOW: set both to replay that site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../scripts/mf.mjs';
import { readDir } from '../scripts/bucket.mjs';
import { route } from '../src/routes.js';
import { cacheHeaders, STORE_MARGIN } from '../src/policy.js';
import { start, edgeTTL, bucketReader } from './helpers.mjs';
import { chunks } from './build.mjs';

const NOW = Number(process.env.SCHEDULE_NOW || Date.now());
const SEED = Number(process.env.SCHEDULE_SEED || NOW % 1000003);
const ORIGIN = 'http://site.test';
const BASE = 'https://oracle.example';
const PAGE = 3;

let dir;
let truth;
const objects = {};
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'f-schedule-'));
  execFileSync('go', ['test', './internal/syncer', '-run', '^TestScheduleSite$', '-count=1'], {
    cwd: join(root, '..'), stdio: 'pipe',
    env: { ...process.env, AXCTL_SCHEDULE_SITE: dir, AXCTL_SCHEDULE_NOW: String(NOW), AXCTL_SCHEDULE_SEED: String(SEED) },
  });
  truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
  for (const e of truth.entries) e.tags ||= [];
  for (const o of await readDir(join(dir, 'bucket'))) objects[o.key] = o;
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

const ms = (iso) => Date.parse(iso);
const shown = (e, t) => (!e.publishDate || ms(e.publishDate) <= t) && (!e.expires || ms(e.expires) > t);
const newest = (a, b) => (a.date !== b.date ? (a.date > b.date ? -1 : 1) : a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
const published = () => truth.entries.filter((e) => !(e.expires && ms(e.expires) <= truth.synced));
const cols = ['blog', 'notes'];

const parsed = new Map();
/** rqAt is a bucket reader over the written objects with its clock at t. */
const rqAt = (t) => bucketReader(objects, t, parsed);

/** render answers path at t as the Worker would: status, body, edge TTL. */
async function render(path, t) {
  const r = await route(rqAt(t), new URL(ORIGIN + path));
  const h = cacheHeaders(r.status, { kind: r.kind, cap: r.cap, tags: r.tags });
  const ttl = Number((/max-age=(\d+)/.exec(h['CDN-Cache-Control'] || '') || [0, 0])[1]);
  return { status: r.status, body: typeof r.body === 'string' ? r.body : '', ttl, tags: h['Cache-Tag'] || '' };
}

function urls() {
  const out = ['/', '/tags/', '/sitemap.xml', '/feed.xml', '/sitemaps/pages.xml'];
  const slugs = allSlugs();
  for (const slug of slugs) out.push(`/tags/${slug}`);
  for (let i = 0; i * PAGE < slugs.length; i++) out.push(`/sitemaps/tags-${i}.xml`, ...(i ? [`/tags/?page=${i + 1}`] : []));
  for (const c of cols) {
    const mine = truth.entries.filter((e) => e.collection === c);
    out.push(`/${c}/`, `/${c}/feed.xml`, `/metadata/${c}.json`, `/sitemaps/${c}-0.xml`);
    for (let p = 2; p <= Math.ceil(mine.length / PAGE) + 1; p++) out.push(`/${c}/?page=${p}`);
    for (const e of mine) out.push(`/${c}/${e.date.slice(0, 4)}/`, `/${c}/${e.date.slice(0, 4)}/${e.date.slice(5, 7)}/`, `/${c}/${e.date.slice(0, 4)}/${e.date.slice(5, 7)}/?page=2`);
  }
  for (const e of truth.entries) out.push(e.url);
  out.push(...NOT_FOUND);
  return [...new Set(out)];
}

/** NOT_FOUND are addresses nothing answers: an unknown route, entry and tag. */
const NOT_FOUND = ['/nope/', '/blog/no-such-entry', '/tags/no-such-tag'];
/** recent is the entries a 404 page lists. */
const recent = (body) => [...body.matchAll(/<ul class="recent">(.*?)<\/ul>/g)].flatMap((m) => [...m[1].matchAll(/href="([^"]+)"/g)].map((x) => x[1]));

/** allSlugs is every tag slug of the published entries, in slug order (the tags index order). */
const allSlugs = () => [...new Set(published().flatMap((e) => e.tags.map((t) => t.slug)))].sort();
/** pagesOfList is a newest-first list cut into its pages as the manifests hold them. */
const pagesOfList = (list) => chunks(list, PAGE).map(([, items]) => items);

/** moments: just after the sync, now, and 1.5 s before and at every boundary after the sync. */
function moments() {
  const ts = [truth.synced + 1000, NOW];
  for (const e of published()) {
    for (const b of [e.publishDate, e.expires]) if (b && ms(b) > truth.synced) ts.push(ms(b) - 1500, ms(b));
  }
  return [...new Set(ts)].sort((a, b) => a - b);
}

const links = (body) => [...body.matchAll(/href="([^"]+)"/g)].map((m) => m[1]).join(' ');
const hrefs = (body) => [...body.matchAll(/<article><h2><a href="([^"]+)"/g)].map((m) => m[1]);
const publicIndex = (c, t) => {
  const index = JSON.parse(objects[`metadata/${c}.json`].body.toString('utf8'));
  const b = (r) => `${r.date} ${r.slug}`;
  const shards = index.shards.map((sh) => {
    const seen = JSON.parse(objects[sh.key].body.toString('utf8')).records.filter((r) => shown(r, t));
    return seen.length && { key: sh.key, count: seen.length, first: b(seen[0]), last: b(seen[seen.length - 1]) };
  }).filter(Boolean);
  return { ...index, total: shards.reduce((n, sh) => n + sh.count, 0), shards };
};

/** check asserts what page path may show at t, from the windows alone. */
function check(path, t, { status, body, tags, ttl }) {
  const all = published();
  const vis = all.filter((e) => shown(e, t)).sort(newest);
  const hidden = truth.entries.filter((e) => !vis.includes(e));
  const visTags = new Map();
  for (const e of vis) for (const tg of e.tags) visTags.set(tg.slug, (visTags.get(tg.slug) || 0) + 1);
  const hiddenTags = new Set(hidden.flatMap((e) => e.tags.map((tg) => tg.slug)).filter((s) => !visTags.has(s)));
  const at = `${path} at ${new Date(t).toISOString()} (SCHEDULE_SEED=${SEED} SCHEDULE_NOW=${NOW})`;
  for (const e of hidden) {
    for (const s of [e.slug, e.title, e.date]) assert.ok(!body.includes(s), `${at}: shows hidden ${e.url} (${s})`);
  }
  for (const s of hiddenTags) {
    assert.ok(!body.includes(s), `${at}: shows tag ${s} of hidden entries only`);
    if (path !== `/tags/${s}`) assert.ok(!tags.split(',').includes(`t:${s}`), `${at}: Cache-Tag names t:${s} of hidden entries only`);
  }

  // Every 404 lists the newest visible entries (site.json's latest, read already).
  if (status === 404) assert.deepEqual(recent(body), vis.slice(0, 5).map((e) => e.url), `${at}: the 404's recent entries`);
  if (NOT_FOUND.includes(path)) return assert.equal(status, 404, at);
  const entry = truth.entries.find((e) => e.url === path);
  if (entry) {
    assert.equal(status, vis.includes(entry) ? 200 : 404, at);
    if (status === 200) assert.ok(body.includes(entry.title), at);
    return;
  }
  const want = (list, st = 200) => {
    assert.equal(status, list.length || st !== 200 ? st : 404, at);
    if (status === 200) assert.deepEqual(hrefs(body), list.map((e) => e.url), at);
  };
  let m;
  if (path === '/') {
    assert.deepEqual(hrefs(body), vis.slice(0, 10).map((e) => e.url), at);
    const counts = [...body.matchAll(/<a href="\/([a-z]+)\/">[^<]*<\/a> <span class="count">(\d+)</g)].map((x) => [x[1], Number(x[2])]);
    assert.deepEqual(counts, cols.map((c) => [c, vis.filter((e) => e.collection === c).length]), at);
  } else if ((m = /^\/tags\/(?:\?page=(\d+))?$/.exec(path))) {
    const got = [...body.matchAll(/<a href="\/tags\/([^"]+)">[^<]*<\/a> <span class="count">(\d+)</g)].map((x) => [x[1], Number(x[2])]);
    const p = Number(m[1] || 1);
    const mine = new Map(allSlugs().slice((p - 1) * PAGE, p * PAGE).filter((sl) => visTags.has(sl)).map((sl) => [sl, visTags.get(sl)]));
    assert.deepEqual(new Map(got), mine, at);
    // (A copy no cache stores, under a second before a boundary, needs no tag.)
    if (ttl > 0) for (const c of cols) assert.ok(tags.split(',').includes(`c:${c}`), `${at}: a change in ${c} purges the tags index`);
  } else if ((m = /^\/tags\/(.+)$/.exec(path))) {
    const list = vis.filter((e) => e.tags.some((tg) => tg.slug === m[1]));
    const byAll = all.filter((e) => e.tags.some((tg) => tg.slug === m[1])).sort((a, b) => newest(a, b) || (a.collection < b.collection ? -1 : 1));
    // 404 only when the tag shows nothing at all; page 1 of a paged tag may be
    // left empty by hidden entries while an older page still shows some (as a listing).
    assert.equal(status, list.length ? 200 : 404, at);
    if (status === 200) assert.deepEqual(hrefs(body), pagesOfList(byAll)[0].filter((e) => shown(e, t)).map((e) => e.url), at);
  } else if (path === '/sitemap.xml') {
    const locs = [...body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((x) => x[1].slice(BASE.length));
    assert.deepEqual(locs, ['/sitemaps/pages.xml', ...cols.filter((c) => all.some((e) => e.collection === c)).map((c) => `/sitemaps/${c}-0.xml`),
      ...allSlugs().filter((_, i) => i % PAGE === 0).map((_, i) => `/sitemaps/tags-${i}.xml`)], at);
  } else if ((m = /^\/sitemaps\/(.+)\.xml$/.exec(path))) {
    const locs = [...body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((x) => x[1].slice(BASE.length)).sort();
    let exp;
    const tp = /^tags-(\d+)$/.exec(m[1]);
    if (m[1] === 'pages') {
      exp = ['/', '/tags/', ...cols.map((c) => `/${c}/`)];
      for (const e of vis) exp.push(`/${e.collection}/${e.date.slice(0, 4)}/`, `/${e.collection}/${e.date.slice(0, 4)}/${e.date.slice(5, 7)}/`);
    } else if (tp) exp = allSlugs().slice(Number(tp[1]) * PAGE, (Number(tp[1]) + 1) * PAGE).filter((sl) => visTags.has(sl)).map((sl) => `/tags/${sl}`);
    else exp = vis.filter((e) => `${e.collection}-0` === m[1]).map((e) => e.url);
    assert.deepEqual(locs, [...new Set(exp)].sort(), at);
  } else if (path === '/feed.xml' || (m = /^\/([a-z]+)\/feed\.xml$/.exec(path))) {
    const list = path === '/feed.xml' ? vis.slice(0, 10) : vis.filter((e) => e.collection === m[1]).slice(0, 20);
    const links = [...body.matchAll(/<entry><title>[^<]*<\/title><link href="([^"]+)"/g)].map((x) => x[1].slice(BASE.length));
    assert.deepEqual(links, list.map((e) => e.url), at);
  } else if ((m = /^\/metadata\/([a-z]+)\.json$/.exec(path))) {
    assert.deepEqual(JSON.parse(body), publicIndex(m[1], t), at);
  } else if ((m = /^\/([a-z]+)\/(?:\?page=(\d+))?$/.exec(path))) {
    const pages = pagesOfList(all.filter((e) => e.collection === m[1]).sort(newest));
    const p = Number(m[2] || 1);
    if (p > Math.max(1, pages.length)) assert.equal(status, 404, at);
    else assert.deepEqual(hrefs(body), (pages[p - 1] || []).filter((e) => shown(e, t)).map((e) => e.url), at);
  } else if ((m = /^\/([a-z]+)\/(\d{4})\/(?:(\d{2})\/)?(?:\?page=(\d+))?$/.exec(path))) {
    const prefix = m[3] ? `${m[2]}-${m[3]}` : m[2];
    const mine = vis.filter((e) => e.collection === m[1] && e.date.startsWith(prefix));
    if (!m[3]) {
      const months = [...body.matchAll(/<li><a href="\/[a-z]+\/(\d{4})\/(\d{2})\/">/g)].map((x) => `${x[1]}-${x[2]}`);
      if (!mine.length) assert.equal(status, 404, at);
      else assert.deepEqual(months, [...new Set(mine.map((e) => e.date.slice(0, 7)))], at);
    } else {
      // A month's pages are the listing pages it overlaps, cut to the month.
      const pages = pagesOfList(all.filter((e) => e.collection === m[1]).sort(newest)).filter((pg) => pg.some((e) => e.date.startsWith(prefix)));
      const p = Number(m[4] || 1);
      if (!mine.length || p > pages.length) assert.equal(status, 404, at);
      else assert.deepEqual(hrefs(body), pages[p - 1].filter((e) => shown(e, t) && e.date.startsWith(prefix)).map((e) => e.url), at);
    }
  } else assert.fail(`${at}: no oracle`);
}

test('schedule oracle: every page at every moment shows exactly the visible entries, and no cache keeps it past a boundary', async () => {
  const ts = moments();
  const all = urls();
  const bounds = ts.filter((t) => published().some((e) => [e.publishDate, e.expires].some((b) => b && ms(b) === t)));
  let checked = 0;
  let capped = 0;
  for (const path of all) {
    const seen = [];
    for (const t of ts) {
      const r = await render(path, t);
      check(path, t, r);
      seen.push({ t, ...r });
      checked++;
    }
    // A response whose bytes change later must expire by the boundary where they change.
    for (let i = 0; i < seen.length; i++) {
      const j = seen.findIndex((x, k) => k > i && (x.body !== seen[i].body || x.status !== seen[i].status));
      if (j < 0) continue;
      const b = bounds.findLast((x) => x > seen[j - 1].t && x <= seen[j].t); // the change happened at a boundary after the last moment it had not
      assert.ok(b !== undefined, `${path}: changed between ${seen[i].t} and ${seen[j].t} without a boundary`);
      // Stored up to STORE_MARGIN after it was rendered, the copy must be gone by the boundary.
      assert.ok(seen[i].ttl + STORE_MARGIN <= (b - seen[i].t) / 1000,
        `${path} at ${new Date(seen[i].t).toISOString()}: cacheable ${seen[i].ttl} s but changes at ${new Date(b).toISOString()} (SCHEDULE_SEED=${SEED} SCHEDULE_NOW=${NOW}): ${seen[i].status} ${links(seen[i].body)} → ${seen[j].status} ${links(seen[j].body)}; ${JSON.stringify(published().filter((e) => [e.publishDate, e.expires].some((x) => x && ms(x) === b)))}`);
      capped++;
    }
  }
  assert.ok(bounds.length >= 6 && capped > 50, `too few boundaries (${bounds.length}) or changes (${capped}) to mean anything`);
  console.log(`# schedule oracle: ${all.length} URLs × ${ts.length} moments = ${checked} renders, ${bounds.length} boundaries, ${capped} changes capped in time (SCHEDULE_SEED=${SEED} SCHEDULE_NOW=${NOW})`);
});

test('schedule oracle: the Worker in workerd answers every URL now with the same bytes and TTL', async () => {
  const s = await start({ seed: join(dir, 'bucket') });
  try {
    for (const path of urls()) {
      const res = await s.get(path);
      const body = await res.text();
      const want = await render(path, Date.now());
      assert.equal(res.status, want.status, path);
      assert.equal(body, want.body, path);
      check(path, Date.now(), { status: res.status, body, tags: res.headers.get('Cache-Tag') || '' });
      const ttl = edgeTTL(res);
      assert.ok(Math.abs(ttl - want.ttl) <= 5, `${path}: edge TTL ${ttl}, want ${want.ttl}`);
      assert.equal(res.headers.get('Cache-Tag'), want.tags, path);
    }
  } finally {
    await s.stop();
  }
});
