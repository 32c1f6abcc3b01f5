// memo.test.mjs — the manifest memo is bounded by bytes (MEMO_BYTES) and
// keeps what every page reads (site.json) and what entry pages read (the
// collection index) while a crawler pages through a collection whose chunks
// together are many times the budget. With a first-in-first-out memo (the
// old one) site.json was read again every few dozen pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './helpers.mjs';
import { build } from './build.mjs';

const PAGES = 10000;
const EVERY = 100; // listing pages between two entry pages of the other collection

test(`a crawl through ${PAGES} listing pages (and an entry page every ${EVERY}) reads site.json and the collection index once, keeping the memo under MEMO_BYTES`, async () => {
  const budget = 64 * 1024;
  const s = await start({ seed: null, bindings: { MANIFEST_TTL: '3600', MEMO_BYTES: String(budget) } });
  try {
    const date = (k) => new Date(Date.UTC(2000, 0, 1) + k * 3600e3).toISOString().replace('.000Z', 'Z');
    const records = Array.from({ length: PAGES }, (_, k) => ({ slug: `e-${k}`, url: `/c/e-${k}`, key: `entries/c/e-${k}.html`,
      hash: 'a'.repeat(32), input: 'b'.repeat(32), title: `Entry ${k}`, date: date(k), words: 10 }));
    // A second collection whose entry pages the crawl visits now and then: each reads d's index.
    const others = Array.from({ length: 30 }, (_, k) => ({ slug: `d-${k}`, url: `/d/d-${k}`, key: `entries/d/d-${k}.html`,
      hash: 'c'.repeat(32), input: 'd'.repeat(32), title: `Other ${k}`, date: date(k), words: 10 }));
    for (const r of others) {
      await s.bucket.put(r.key, `<p>${r.title}</p>`, { customMetadata: { title: r.title, date: r.date, words: '10', hash: r.hash, input: r.input } });
    }
    // pageSize 1: one shard per page, so the crawl reads 10,000 distinct manifests.
    const objs = build({ pageSize: 1, cols: [{ name: 'c', route: '/c', title: 'C', records }, { name: 'd', route: '/d', title: 'D', records: others }] });
    const keys = Object.keys(objs).filter((k) => !k.startsWith('metadata/sitemaps/'));
    for (let i = 0; i < keys.length; i += 64) await Promise.all(keys.slice(i, i + 64).map((k) => s.bucket.put(k, objs[k])));
    const shardBytes = keys.filter((k) => /^metadata\/c\/\d+\.json$/.test(k)).reduce((t, k) => t + objs[k].length, 0);
    assert.ok(shardBytes > 10 * budget, `the crawl reads ${shardBytes} bytes, far over the budget`);
    let maxBytes = 0;
    let entryGets = 0;
    for (let p = 1; p <= PAGES; p++) {
      const res = await s.get(p === 1 ? '/c/' : `/c/?page=${p}`);
      assert.equal(res.status, 200, `page ${p}`);
      await res.arrayBuffer();
      if (p % 1000 === 0) maxBytes = Math.max(maxBytes, (await s.version()).memo.bytes);
      if (p % EVERY === 0) {
        const before = (await s.version()).r2.gets;
        const e = await s.get(`/d/d-${(p / EVERY) % others.length}`);
        assert.equal(e.status, 200, `entry page after listing page ${p}`);
        await e.arrayBuffer();
        const after = await s.version();
        assert.equal(after.r2.byKey['metadata/d.json'], 1, `d's index read once (entry page after listing page ${p})`);
        entryGets += after.r2.gets - before;
      }
    }
    const v = await s.version();
    assert.equal(v.r2.byKey['metadata/site.json'], 1, 'site.json read once');
    assert.equal(v.r2.byKey['metadata/c.json'], undefined, 'listing pages never read their collection index');
    assert.ok(v.r2.gets - entryGets === PAGES + 1, `one read per listing page, got ${v.r2.gets - entryGets}`);
    assert.ok(v.memo.bytes <= budget && maxBytes <= budget, `memo ${v.memo.bytes} (max ${maxBytes}) bytes, budget ${budget}`);
    // Page 1 again: its shard was evicted long ago, site.json was not.
    await (await s.get('/c/')).arrayBuffer();
    const again = await s.version();
    assert.equal(again.r2.byKey['metadata/site.json'], 1);
    assert.equal(again.r2.byKey[`metadata/c/${String(PAGES - 1).padStart(4, '0')}.json`], 2, 'the crawled chunk was evicted');
  } finally {
    await s.stop();
  }
});
