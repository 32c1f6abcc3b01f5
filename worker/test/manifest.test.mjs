// manifest.test.mjs — manifest reads: one in-flight read per key, conditional
// revalidation, and the bounded read of a listing in a 100,000-entry collection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, PROVISIONAL } from './helpers.mjs';
import { build } from './build.mjs';

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
    // Page 1 is the newest shard: its key follows from site.json's total and pageSize.
    assert.equal(v.r2.byKey['metadata/blog/0001.json'], 1);
    assert.equal(v.r2.gets, 2);
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

/** bigRecords is n records an hour apart, tagged go (all) and odd (every other). */
function bigRecords(n) {
  const date = (k) => new Date(Date.UTC(2000, 0, 1) + k * 3600e3).toISOString().replace('.000Z', 'Z');
  return Array.from({ length: n }, (_, k) => ({ slug: `entry-${k}`, url: `/big/entry-${k}`, key: `entries/big/entry-${k}.html`, hash: 'a'.repeat(32), input: 'b'.repeat(32),
    title: `Entry number ${k}: a reasonably long title for a listing`, date: date(k), author: 'Author Name',
    description: 'A description of typical length, one or two sentences that say what the entry is about and why to read it.',
    tags: [{ name: 'Go', slug: 'go' }, ...(k % 2 ? [{ name: 'Odd', slug: 'odd' }] : [])], template: 'post', words: 800 }));
}

test('a page showing a time-limited entry has its edge TTL capped', async () => {
  const s = await start({ seed: null });
  try {
    const soon = new Date(Date.now() + 600e3).toISOString().replace(/\.\d+Z$/, 'Z');
    const rec = { slug: 'flash', url: '/x/flash', key: 'entries/x/flash.html', hash: 'a'.repeat(32), input: 'b'.repeat(32), title: 'Flash sale',
      date: '2026-01-01T00:00:00Z', template: 'post', words: 3, expires: soon };
    for (const [k, body] of Object.entries(build({ title: 't', baseURL: 'https://e.x', cols: [{ name: 'x', route: '/x', title: 'X', records: [rec] }] }))) await s.bucket.put(k, body);
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
