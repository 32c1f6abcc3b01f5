// errors.test.mjs — the Worker's error paths. A manifest of the wrong shape
// is a 503 no-store (logged once per isolate), never a 500 and never a
// cached page; a path whose bucket key the contract rules out is a 404
// without touching R2; hostile metadata values render, never throw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { start, assertNotStored, assertCacheable, PROVISIONAL } from './helpers.mjs';

const good = {};
for (const k of ['metadata/site.json', 'metadata/blog.json', 'metadata/blog/0000.json']) {
  good[k] = JSON.parse(await readFile(join(PROVISIONAL, k), 'utf8'));
}
const stderr = [];
let s;
before(async () => {
  // MANIFEST_TTL 0: every request revalidates, so each case is read afresh.
  s = await start({ seed: PROVISIONAL, bindings: { MANIFEST_TTL: '0' }, extra: {
    handleRuntimeStdio(out, err) {
      for (const st of [out, err]) st.on('data', (d) => stderr.push(String(d)));
    },
  } });
});
after(() => s.stop());

const clone = (k) => structuredClone(good[k]);
const SITE = 'metadata/site.json';
const INDEX = 'metadata/blog.json';
const SHARD = 'metadata/blog/0000.json';
const with_ = (k, fn) => { const v = clone(k); fn(v); return JSON.stringify(v); };

/** BAD: [what, key, bytes]; each is valid JSON (or not JSON at all) that no writer of docs/bucket.md produces. */
const BAD = [
  ['a shard as the site manifest', SITE, '{"records":[null]}'],
  ['site: not an object', SITE, '[]'],
  ['site: a number', SITE, '5'],
  ['site: version 2', SITE, with_(SITE, (v) => { v.version = 2; })],
  ['site: missing title', SITE, with_(SITE, (v) => { delete v.title; })],
  ['site: unknown key', SITE, with_(SITE, (v) => { v.extra = 1; })],
  ['site: __proto__ key', SITE, with_(SITE, (v) => { Object.defineProperty(v, '__proto__', { value: { polluted: 1 }, enumerable: true }); })],
  ['site: constructor key in a collection', SITE, with_(SITE, (v) => { v.collections[0].constructor = 'x'; })],
  ['site: collections null item', SITE, with_(SITE, (v) => { v.collections.push(null); })],
  ['site: collections an object', SITE, with_(SITE, (v) => { v.collections = {}; })],
  ['site: total a string', SITE, with_(SITE, (v) => { v.collections[0].total = '5'; })],
  ['site: total negative', SITE, with_(SITE, (v) => { v.collections[0].total = -1; })],
  ['site: latest [null]', SITE, with_(SITE, (v) => { v.latest = [null]; })],
  ['site: latest record date a number', SITE, with_(SITE, (v) => { v.latest[0].date = 20261102; })],
  ['site: pagedTags an array', SITE, with_(SITE, (v) => { v.pagedTags = [1]; })],
  ['site: pagedTags count a string', SITE, with_(SITE, (v) => { v.pagedTags = { go: '3' }; })],
  ['site: pagedTags __proto__ key', SITE, with_(SITE, (v) => { v.pagedTags = JSON.parse('{"__proto__":3}'); })],
  ['site: months key not a month', SITE, with_(SITE, (v) => { v.collections[0].months = { '2026-13': 1 }; })],
  ['site: pageSize 0', SITE, with_(SITE, (v) => { v.pageSize = 0; })],
  ['site: collection named site (its index would be metadata/site.json)', SITE, with_(SITE, (v) => { v.collections[0].name = 'site'; })],
  ['site: collection named metadata', SITE, with_(SITE, (v) => { v.collections[0].name = 'metadata'; })],
  ['site: collection name upper case', SITE, with_(SITE, (v) => { v.collections[0].name = 'Blog'; })],
  ['site: collection name with a slash', SITE, with_(SITE, (v) => { v.collections[0].name = 'blog/../site'; })],
  ['site: route /assets', SITE, with_(SITE, (v) => { v.collections[0].route = '/assets'; })],
  ['site: route under /tags', SITE, with_(SITE, (v) => { v.collections[0].route = '/tags/x'; })],
  ['site: route /__internal', SITE, with_(SITE, (v) => { v.collections[0].route = '/__internal'; })],
  ['site: route /sitemap.xml', SITE, with_(SITE, (v) => { v.collections[0].route = '/sitemap.xml'; })],
  ['site: route with dot segments', SITE, with_(SITE, (v) => { v.collections[0].route = '/up/../x'; })],
  ['site: route of two segments', SITE, with_(SITE, (v) => { v.collections[0].route = '/docs/v2'; })],
  ['site: two collections, one route', SITE, with_(SITE, (v) => { v.collections[1].route = v.collections[0].route; })],
  ['index: shards [null]', INDEX, with_(INDEX, (v) => { v.shards = [null]; })],
  ['index: a shard key outside the collection', INDEX, with_(INDEX, (v) => { v.shards[0].key = 'metadata/site.json'; })],
  ['index: a shard key of another collection', INDEX, with_(INDEX, (v) => { v.shards[0].key = 'metadata/docs/0000.json'; })],
  ['index: pageSize a string', INDEX, with_(INDEX, (v) => { v.pageSize = '3'; })],
  ['index: count a float', INDEX, with_(INDEX, (v) => { v.shards[0].count = 1.5; })],
  ['index: first not "<date> <slug>"', INDEX, with_(INDEX, (v) => { v.shards[0].first = 5; })],
  ['index: another collection', INDEX, with_(INDEX, (v) => { v.collection = 'docs'; })],
  ['shard: records [null]', SHARD, with_(SHARD, (v) => { v.records = [null]; })],
  ['shard: records an object', SHARD, with_(SHARD, (v) => { v.records = { 0: v.records[0] }; })],
  ['shard: record missing date', SHARD, with_(SHARD, (v) => { delete v.records[0].date; })],
  ['shard: record date of another form', SHARD, with_(SHARD, (v) => { v.records[0].date = '2026-10-15'; })],
  ['shard: record slug with ..', SHARD, with_(SHARD, (v) => { v.records[0].slug = '../site'; })],
  ['shard: record words a string', SHARD, with_(SHARD, (v) => { v.records[0].words = '12'; })],
  ['shard: record tags an object', SHARD, with_(SHARD, (v) => { v.records[0].tags = { name: 'x', slug: 'x' }; })],
  ['shard: record tag without a slug', SHARD, with_(SHARD, (v) => { v.records[0].tags = [{ name: 'x' }]; })],
  ['shard: record toc level 9', SHARD, with_(SHARD, (v) => { v.records[0].toc = [{ level: 9, id: 'a', text: 'a' }]; })],
  ['shard: record __proto__ key', SHARD, with_(SHARD, (v) => { Object.defineProperty(v.records[0], '__proto__', { value: {}, enumerable: true }); })],
  ['shard: record template an object', SHARD, with_(SHARD, (v) => { v.records[0].template = { toString: 1 }; })],
  ['shard: not JSON', SHARD, '{"version":1,'],
];

/** PAGE is a page that reads the key (listing page 2 reads shard 0000 only; an entry page reads the index for its neighbours), OTHER another one. */
const PAGE = { [SITE]: '/', [INDEX]: '/blog/hello-world', [SHARD]: '/blog/?page=2' };
const OTHER = { [SITE]: '/blog/hello-world', [INDEX]: '/metadata/blog.json', [SHARD]: '/blog/2024/looking-back' };

for (const [what, key, bytes] of BAD) {
  test(`wrong-shape manifest (${what}): 503 no-store, then 200 when it is fixed`, async () => {
    try {
      await s.bucket.put(key, bytes);
      for (const path of [PAGE[key], OTHER[key]]) {
        const res = await s.get(path);
        assert.equal(res.status, 503, `${path}: ${res.status}`);
        assertNotStored(res);
        assert.match(await res.text(), /^Service unavailable/);
      }
    } finally {
      await s.bucket.put(key, `${JSON.stringify(good[key])}\n`);
    }
    const res = await s.get(PAGE[key]);
    assert.equal(res.status, 200, 'fixed');
    assertCacheable(res);
    await res.text();
  });
}

test('a wrong-shape manifest is logged once per isolate, not once per request', async () => {
  const before = stderr.join('').split('\n').length;
  try {
    // A fault no case above has (messages already logged are not logged again).
    await s.bucket.put(SHARD, '{"version":1,"collection":"blog","index":0,"records":[],"once":1}');
    for (let i = 0; i < 5; i++) assert.equal((await s.get('/blog/?page=2')).status, 503);
    await new Promise((r) => setTimeout(r, 200)); // let workerd's output arrive
    const lines = stderr.join('').split('\n').slice(before - 1).filter((l) => l.includes('metadata/blog/0000.json'));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /wrong shape at \$\.once/);
  } finally {
    await s.bucket.put(SHARD, `${JSON.stringify(good[SHARD])}\n`);
  }
});

test('template "__proto__", "constructor" or "toString" in entry metadata renders the post template', async () => {
  for (const template of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    await s.bucket.put('entries/blog/proto.html', `<!-- axctl ${'a'.repeat(32)} -->\n<p>x</p>`, { customMetadata: {
      title: 'Proto', date: '2026-01-05T00:00:00Z', words: '1', template, hash: 'a'.repeat(32), input: 'b'.repeat(32) } });
    const res = await s.get('/blog/proto');
    assert.equal(res.status, 200, template);
    assert.match(await res.text(), /<article class="entry post"><h1>Proto<\/h1>/, template);
  }
});

test('template "__proto__" in a manifest record is just a string: the listing renders', async () => {
  try {
    await s.bucket.put(SHARD, with_(SHARD, (v) => { v.records[0].template = '__proto__'; }));
    const res = await s.get('/blog/?page=2');
    assert.equal(res.status, 200);
    await res.text();
  } finally {
    await s.bucket.put(SHARD, `${JSON.stringify(good[SHARD])}\n`);
  }
});

/** reads runs a request on a warm isolate and returns the response and the R2 reads it made. */
async function reads(t, path) {
  const before = await t.version();
  const res = await t.get(path);
  await res.arrayBuffer();
  const after = await t.version();
  const keys = Object.keys(after.r2.byKey).filter((k) => after.r2.byKey[k] !== before.r2.byKey[k]);
  return { res, keys, errors: after.r2.errors - before.r2.errors, timing: /desc="(\d+) reads"/.exec(res.headers.get('Server-Timing'))[1] };
}

test('impossible keys: 404 with no R2 read, not 503 and not an R2 error', async () => {
  const t = await start({ seed: PROVISIONAL, bindings: { MANIFEST_TTL: '3600' } });
  try {
    await (await t.get('/')).text(); // site.json in memory
    // entries/blog/<slug>.html: 18 bytes besides the slug. 1,006 fits 1,024; 1,007 does not.
    const fits = 'a'.repeat(1006);
    const over = 'a'.repeat(1007);
    const cases = [
      [`/blog/${over}`, 'key one byte over MAX_KEY_BYTES for this collection'],
      [`/blog/${'a'.repeat(1100)}`, 'key over MAX_KEY_BYTES for any collection'],
      [`/blog/${'a/'.repeat(600)}a`, 'deep slug over MAX_KEY_BYTES'],
      ['/metadata/site.json', 'the site manifest is not a collection index'],
      ['/metadata/tags.json', 'reserved name'],
      ['/metadata/purge.json', 'the pending-purge record (reserved name): never served as a collection index'],
      ['/metadata/lease.json', 'the sync lease (reserved name)'],
      ['/metadata/-x.json', 'not a name'],
      ['/metadata/blog/0000.json', 'a shard is not served'],
      ['/static/x', 'reserved route (Workers static assets)'],
      ['/search/', 'reserved route'],
      ['/assets/abc.svg', 'not an asset name'],
      ['/assets/cc2e67d9df7efa4d06acc96d53d33804.svg.bak', 'not an asset name'],
      ['/blog/2026/13/', 'no 13th month'],
      ['/blog/hello.world', 'not a slug'],
      [`/tags/${'a'.repeat(201)}`, 'tag slug too long'],
      ['/a_b/', 'not a route'],
    ];
    for (const [path, why] of cases) {
      const { res, keys, errors, timing } = await reads(t, path);
      assert.equal(res.status, 404, `${why}: ${res.status}`);
      assert.deepEqual(keys, [], `${why}: read ${keys}`);
      assert.equal(timing, '0', why);
      assert.equal(errors, 0, why);
      assertCacheable(res);
    }
    const { res, keys } = await reads(t, `/blog/${fits}`);
    assert.equal(res.status, 404, 'a key that fits is looked up');
    assert.deepEqual(keys, [`entries/blog/${fits}.html`]);
  } finally {
    await t.stop();
  }
});
