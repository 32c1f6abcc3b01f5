// manifest.test.mjs — manifest reads: one in-flight read per key, conditional
// revalidation, and the bounded read of a listing in a 100,000-entry collection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, assertCacheable, PROVISIONAL } from './helpers.mjs';

test('50 simultaneous cold requests cause one read of each manifest', async () => {
  // What is tested is that concurrent misses share one in-flight read; a
  // MANIFEST_TTL longer than the test keeps a slow machine (50 requests can
  // take over a second) from turning it into a revalidation test.
  const s = await start({ seed: PROVISIONAL, bindings: { MANIFEST_TTL: '600' } });
  try {
    const responses = await Promise.all(Array.from({ length: 50 }, () => s.get('/blog/')));
    for (const r of responses) {
      assert.equal(r.status, 200);
      await r.text();
    }
    assert.equal(responses.filter((r) => r.headers.get('X-Isolate') === 'cold').length, 1);
    const v = await s.version();
    assert.equal(v.runs, 51);
    assert.equal(v.r2.byKey['metadata/site.json'], 1);
    assert.equal(v.r2.byKey['metadata/blog.json'], 1);
    // Page 1 holds the newest shard (2 entries) and the first of the next.
    assert.equal(v.r2.byKey['metadata/blog/0001.json'], 1);
    assert.equal(v.r2.byKey['metadata/blog/0000.json'], 1);
    assert.equal(v.r2.gets, 4);
  } finally {
    await s.stop();
  }
});

test('revalidation uses a conditional get: unchanged costs no body, a change is seen', async () => {
  const s = await start({ bindings: { MANIFEST_TTL: '0' } });
  try {
    await (await s.get('/')).text();
    let v = await s.version();
    assert.equal(v.r2.bodies, 1);
    await (await s.get('/')).text();
    v = await s.version();
    assert.equal(v.r2.byKey['metadata/site.json'], 2);
    assert.equal(v.r2.bodies, 1, 'no body transferred for an unchanged manifest');
    assert.equal(v.r2.notModified, 1);
    const site = JSON.parse(await (await s.bucket.get('metadata/site.json')).text());
    site.title = 'Renamed ☕ site';
    await s.bucket.put('metadata/site.json', `${JSON.stringify(site)}\n`);
    const body = await (await s.get('/')).text();
    assert.match(body, /<title>Renamed ☕ site<\/title>/);
    v = await s.version();
    assert.equal(v.r2.bodies, 2);
    assert.equal(v.manifests['metadata/site.json'], (await s.bucket.head('metadata/site.json')).etag);
  } finally {
    await s.stop();
  }
});

test('within MANIFEST_TTL a manifest is not read again', async () => {
  const s = await start({ bindings: { MANIFEST_TTL: '3600' } });
  try {
    for (let i = 0; i < 5; i++) await (await s.get('/')).text();
    assert.equal((await s.version()).r2.byKey['metadata/site.json'], 1);
  } finally {
    await s.stop();
  }
});

const pad = (n) => String(n).padStart(4, '0');

/** big builds the index of a collection of n entries and the records of shard i (0 = oldest). */
function big(n, pageSize) {
  const count = Math.ceil(n / pageSize);
  const date = (k) => new Date(Date.UTC(2000, 0, 1) + k * 3600e3).toISOString().replace('.000Z', 'Z');
  const rec = (k) => ({ slug: `entry-${k}`, url: `/big/entry-${k}`, key: `entries/big/entry-${k}.html`, hash: 'a'.repeat(32), input: 'b'.repeat(32),
    title: `Entry number ${k}: a reasonably long title for a listing`, date: date(k), author: 'Author Name',
    description: 'A description of typical length, one or two sentences that say what the entry is about and why to read it.',
    tags: [{ name: 'Caching', slug: 'caching' }, { name: 'Go', slug: 'go' }], template: 'post', words: 800 });
  const shardRecords = (i) => {
    const out = [];
    for (let k = i * pageSize; k < Math.min(n, (i + 1) * pageSize); k++) out.push(rec(k));
    return out.reverse();
  };
  const shards = [];
  for (let i = count - 1; i >= 0; i--) {
    const r = shardRecords(i);
    shards.push({ key: `metadata/big/${pad(i)}.json`, count: r.length, first: `${r[0].date} ${r[0].slug}`, last: `${r.at(-1).date} ${r.at(-1).slug}` });
  }
  const index = { version: 1, collection: 'big', route: '/big', title: 'Big', total: n, pageSize, shards };
  return { index, shardRecords, count };
}

test('a listing page of a 100,000-entry collection reads one R2 object of at most 64 KiB', async () => {
  // A long memo window: this test counts the reads of one page, not revalidations.
  const s = await start({ seed: null, bindings: { MANIFEST_TTL: '3600' } });
  try {
    const { index, shardRecords, count } = big(100000, 25);
    const site = { version: 1, title: 'big', baseURL: 'https://example.com', collections: [{ name: 'big', route: '/big', title: 'Big', total: 100000 }], tags: [], latest: [] };
    await s.bucket.put('metadata/site.json', JSON.stringify(site));
    const indexBytes = JSON.stringify(index);
    await s.bucket.put('metadata/big.json', indexBytes);
    const sizes = {};
    // Only the shards this test reads are written; the index names all 4,000.
    for (const i of [count - 1, count - 2000, 0]) {
      const body = JSON.stringify({ version: 1, collection: 'big', index: i, records: shardRecords(i) });
      sizes[`metadata/big/${pad(i)}.json`] = Buffer.byteLength(body);
      await s.bucket.put(`metadata/big/${pad(i)}.json`, body);
    }
    const first = await s.get('/big/');
    assert.equal(first.status, 200);
    assert.equal((await first.text()).match(/<article>/g).length, 25);
    for (const page of [2000, 4000]) {
      const before = (await s.version()).r2.byKey;
      const res = await s.get(`/big/?page=${page}`);
      assert.equal(res.status, 200);
      assertCacheable(res, { tags: ['c:big'] });
      assert.match(res.headers.get('Server-Timing'), /desc="1 reads"/);
      await res.text();
      const after = (await s.version()).r2.byKey;
      const read = Object.keys(after).filter((k) => after[k] !== before[k]);
      assert.equal(read.length, 1, `one object read, got ${read}`);
      assert.equal(read[0], `metadata/big/${pad(count - page)}.json`);
      assert.ok(sizes[read[0]] <= 64 * 1024, `shard ${sizes[read[0]]} bytes`);
    }
    console.log(`# 100k collection: index ${indexBytes.length} bytes (read once per isolate), shard ${sizes[`metadata/big/${pad(0)}.json`]} bytes`);
  } finally {
    await s.stop();
  }
});

test('a page showing a time-limited entry has its edge TTL capped', async () => {
  const s = await start({ seed: null });
  try {
    const soon = new Date(Date.now() + 600e3).toISOString().replace(/\.\d+Z$/, 'Z');
    const rec = { slug: 'flash', url: '/x/flash', key: 'entries/x/flash.html', hash: 'a'.repeat(32), input: 'b'.repeat(32), title: 'Flash sale',
      date: '2026-01-01T00:00:00Z', template: 'post', words: 3, expires: soon };
    await s.bucket.put('metadata/site.json', JSON.stringify({ version: 1, title: 't', baseURL: 'https://e.x', collections: [{ name: 'x', route: '/x', title: 'X', total: 1 }], tags: [], latest: [{ collection: 'x', ...rec }] }));
    await s.bucket.put('metadata/x.json', JSON.stringify({ version: 1, collection: 'x', route: '/x', title: 'X', total: 1, pageSize: 25,
      shards: [{ key: 'metadata/x/0000.json', count: 1, first: `${rec.date} flash`, last: `${rec.date} flash` }] }));
    await s.bucket.put('metadata/x/0000.json', JSON.stringify({ version: 1, collection: 'x', index: 0, records: [rec] }));
    await s.bucket.put('entries/x/flash.html', `<!-- axctl ${rec.hash} -->\n<p>hi</p>`, { customMetadata: { title: 'Flash sale', date: rec.date, expires: soon, words: '3', hash: rec.hash, input: rec.input } });
    for (const p of ['/', '/x/', '/x/flash', '/x/feed.xml', '/feed.xml']) {
      const r = await s.get(p);
      assert.equal(r.status, 200, p);
      const cdn = r.headers.get('CDN-Cache-Control');
      const ttl = Number(/max-age=(\d+)/.exec(cdn)[1]);
      assert.ok(ttl > 500 && ttl <= 600, `${p}: ${cdn}`);
      assert.doesNotMatch(cdn, /stale/);
      assert.match(r.headers.get('Cache-Control'), new RegExp(`s-maxage=${ttl}`));
      await r.text();
    }
  } finally {
    await s.stop();
  }
});

test('entry metadata still RFC 2047-encoded is decoded on the page', async () => {
  const s = await start({ seed: PROVISIONAL });
  try {
    await s.bucket.put('entries/blog/encoded.html', `<!-- axctl ${'a'.repeat(32)} -->\n<p>x</p>`, { customMetadata: {
      title: '=?UTF-8?b?Q2Fmw6kg4piVIOaXpeacrOiqng==?=', date: '2026-01-05T00:00:00Z', author: '=?UTF-8?q?Zo=C3=AB?=', words: '1',
      hash: 'a'.repeat(32), input: 'b'.repeat(32) } });
    const body = await (await s.get('/blog/encoded')).text();
    assert.match(body, /<h1>Café ☕ 日本語<\/h1>/);
    assert.match(body, /Zoë/);
  } finally {
    await s.stop();
  }
});
