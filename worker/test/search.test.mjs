// search.test.mjs — GET /search (docs/search.md): the Worker cuts queries
// exactly as Go cuts text (every line of testdata/search/terms.jsonl, run
// inside workerd), answers from the shared fixture's index with canonical
// URLs, cacheable pages tagged `search`, escaped hostile input and clear
// 400s past the limits, hides scheduled entries, and stays within the read
// budget on a cold isolate with a 100,000-entry index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { start, assertCacheable, edgeTTL } from './helpers.mjs';
import { root } from '../scripts/mf.mjs';
import { bucket } from '../src/search.js';
import { SEARCH_SHARD_MAX_BYTES, SEARCH_MAX_WORDS, SEARCH_MAX_QUERY_BYTES } from '../src/contract.js';

const TABLE = join(root, '../testdata/search/terms.jsonl');

test('workerd cuts and folds every input of the Go table exactly as Go does', async () => {
  const rows = readFileSync(TABLE, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.ok(rows.length > 200, `${rows.length} rows`);
  const mf = new Miniflare({
    rootPath: root, modules: true, modulesRules: [{ type: 'ESModule', include: ['**/*.js'] }],
    scriptPath: join(root, 'test/search/parity-worker.js'), compatibilityDate: '2026-04-20',
  });
  try {
    const res = await mf.dispatchFetch('http://x/', { method: 'POST', body: JSON.stringify(rows.map((r) => r.in)) });
    const got = await res.json();
    let bad = 0;
    rows.forEach((r, i) => {
      const [ws, dense, terms] = got[i];
      if (JSON.stringify([ws, dense, terms]) !== JSON.stringify([r.words, r.dense, r.terms])) {
        bad++;
        const at = ws.findIndex((w, j) => w !== r.words[j] || dense[j] !== r.dense[j]);
        if (bad <= 5) console.log(`row ${i} ${JSON.stringify(r.in).slice(0, 80)}: word ${at}: workerd ${JSON.stringify(ws.slice(at, at + 4))}, Go ${JSON.stringify(r.words.slice(at, at + 4))}`);
      }
    });
    assert.equal(bad, 0);
  } finally {
    await mf.dispose();
  }
});

/** results lists the result links of a page, in order. */
const results = (html) => [...html.matchAll(/<li><article><h2><a href="([^"]+)">/g)].map((m) => m[1]);

test('queries find the fixture entries they name; equal queries share one canonical URL', async () => {
  const t = await start();
  try {
    const cases = [
      ['/search?q=caf%C3%A9', '/notes/hello'], // diacritics folded
      ['/search?q=CAFE', '/notes/hello'],
      ['/search?q=%E6%97%A5%E6%9C%AC', '/notes/hello'], // 日本 inside 日本語
      ['/search?q=na%C3%AFve+fa%C3%A7ade', '/notes/hello'],
    ];
    for (const [path, want] of cases) {
      let r = await t.get(path);
      if (r.status === 301) r = await t.get(r.headers.get('Location'));
      assert.equal(r.status, 200, path);
      const html = await r.text();
      assert.equal(results(html)[0], want, `${path}: ${results(html)}`);
      assertCacheable(r, { tags: ['search', 'site'] });
      assert.equal(r.headers.get('X-Robots-Tag'), 'noindex');
      assert.match(html, /<meta name="robots" content="noindex">/);
      assert.match(html, /<mark>/);
      assert.ok(Buffer.byteLength(html) <= 20000, `${path}: ${Buffer.byteLength(html)} bytes`);
    }
    for (const [from, to] of [
      ['/search?q=Caf%C3%A9', '/search?q=cafe'],
      ['/search?q=na%C3%AFve+CAFE+cafe', '/search?q=cafe+naive'],
      ['/search?q=cafe&utm_source=x', '/search?q=cafe'],
      ['/search?q=cafe&page=1', '/search?q=cafe'],
      ['/search?q=', '/search'],
      ['/search?q=%21%21%21', '/search'],
      ['/search?x=1', '/search'],
    ]) {
      const r = await t.get(from);
      assert.equal(r.status, 301, from);
      assert.equal(r.headers.get('Location'), to, from);
    }
    const form = await t.get('/search');
    assert.equal(form.status, 200);
    assert.match(await form.text(), /<form class="search" action="\/search" method="get"/);
  } finally {
    await t.stop();
  }
});

test('a query with no result is a helpful 200 page a cache keeps', async () => {
  const t = await start();
  try {
    const r = await t.get('/search?q=xylophone');
    assert.equal(r.status, 200);
    assertCacheable(r, { tags: ['search'] });
    const html = await r.text();
    assert.match(html, /No entries match “xylophone”/);
    assert.match(html, /href="\/tags\/"/);
    assert.deepEqual(results(html), []);
  } finally {
    await t.stop();
  }
});

test('hostile queries: escaped, bounded, and a clear 400 past the limits', async () => {
  const t = await start();
  try {
    // The fixture's hostile entry has <script> in its title and description.
    let r = await t.get('/search?q=alert');
    const html = await r.text();
    assert.equal(r.status, 200);
    assert.equal(results(html)[0], '/notes/hostile');
    assert.doesNotMatch(html, /<script>alert|<img src=x/);
    assert.match(html, /&lt;script&gt;<mark>alert<\/mark>/);

    r = await t.get('/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    assert.equal(r.status, 301);
    assert.equal(r.headers.get('Location'), '/search?q=1+alert+script');

    r = await t.get('/search?q=a%00b%01c%7F');
    assert.equal(r.status, 301);
    assert.equal(r.headers.get('Location'), '/search?q=a+b+c');

    const many = Array.from({ length: SEARCH_MAX_WORDS + 1 }, (_, i) => `w${i}`).join('+');
    r = await t.get(`/search?q=${many}`);
    assert.equal(r.status, 400);
    assert.match(await r.text(), new RegExp(`at most ${SEARCH_MAX_WORDS}`));
    const thousand = Array.from({ length: 1000 }, (_, i) => `w${i}`).join('+');
    r = await t.get(`/search?q=${thousand}`);
    assert.equal(r.status, 400);
    assert.match(await r.text(), new RegExp(`at most ${SEARCH_MAX_QUERY_BYTES} bytes`));
    r = await t.get(`/search?q=${'x'.repeat(8000)}`);
    assert.ok(r.status === 400 || r.status === 414, `8 KB query: ${r.status}`);
    await r.text();
    r = await t.get(`/search?q=${'%E6%9D%B1'.repeat(SEARCH_MAX_QUERY_BYTES / 3 + 1)}`);
    assert.equal(r.status, 400);
    await r.text();
  } finally {
    await t.stop();
  }
});

test('an entry the schedule hides now is not found; the page expires when it appears', async () => {
  const t = await start();
  try {
    const site = JSON.parse(await (await t.bucket.get('metadata/site.json')).text());
    const future = (site.schedule || []).find((s) => s.publishDate && Date.parse(s.publishDate) > Date.now());
    assert.ok(future, 'the fixture schedules an entry in the future');
    const shards = await t.bucket.list({ prefix: 'metadata/search/' });
    const titles = [];
    for (const o of shards.objects) {
      const sh = JSON.parse(await (await t.bucket.get(o.key)).text());
      for (const d of sh.docs) if (d[0] === future.collection && d[1] === future.slug) titles.push(`${d[2]} ${d[4]}`);
    }
    assert.ok(titles.length, 'the scheduled entry is in the index');
    const word = titles[0].split(/\s+/).find((w) => /^[a-z]{4,}$/i.test(w));
    const r = await t.get(`/search?q=${word.toLowerCase()}`);
    const html = await r.text();
    assert.ok(!results(html).includes(`/${future.collection}/${future.slug}`), `${word} finds the hidden entry`);
    const cc = r.headers.get('Cache-Control');
    const maxAge = Number(/s-maxage=(\d+)/.exec(cc)?.[1] ?? /max-age=(\d+)/.exec(cc)[1]);
    assert.ok(maxAge <= Math.ceil((Date.parse(future.publishDate) - Date.now()) / 1000) + 1, cc);
  } finally {
    await t.stop();
  }
});

/** fill builds a shard for a 100,000-entry index holding keys, padded with other docs to just under the size bound. */
function fill(keys) {
  const docs = [];
  const entries = keys.map((k) => {
    const postings = [];
    for (let i = 0; i < 20; i++) {
      docs.push(['notes', `e-${k}-${i}`, `Entry ${i} about ${k}`, '2026-01-01', `A snippet that mentions ${k} and other words, about as long as a real description.`]);
      postings.push(docs.length - 1, 255 - i);
    }
    return [k, 5000, postings];
  });
  const shard = { version: 1, docs, keys: entries.sort((a, b) => (a[0] < b[0] ? -1 : 1)) };
  let pad = 0;
  while (JSON.stringify(shard).length < SEARCH_SHARD_MAX_BYTES - 400) {
    shard.docs.push(['notes', `pad-${pad}`, `Padding ${pad}`, '2025-01-01', 'x'.repeat(200)]);
    pad++;
  }
  return `${JSON.stringify(shard)}\n`;
}

test('read budget on a cold isolate, 100,000 entries: one word 2 index reads, three words ≤ 4, each ≤ 64 KiB', async () => {
  const buckets = 8192;
  const t = await start();
  try {
    await t.bucket.put('metadata/search.json', `{"version":1,"docs":100000,"buckets":${buckets}}\n`);
    const words = ['caching', 'purge', 'worker'];
    const byShard = new Map();
    for (const w of words) {
      const key = `metadata/search/${buckets}/${bucket(w, buckets)}.json`;
      byShard.set(key, [...(byShard.get(key) || []), w]);
    }
    const sizes = {};
    for (const [key, ks] of byShard) {
      const body = fill(ks);
      sizes[key] = Buffer.byteLength(body);
      assert.ok(sizes[key] <= SEARCH_SHARD_MAX_BYTES);
      await t.bucket.put(key, body);
    }
    await t.stop();
    for (const [q, most] of [['caching', 2], ['caching purge worker', 4]]) {
      const cold = await start({ seed: null });
      try {
        // The same bucket, a new isolate: copy the objects the query may read.
        for (const k of ['metadata/site.json', 'metadata/search.json', ...byShard.keys()]) {
          const src = k === 'metadata/site.json' ? readFileSync(join(root, '../testdata/fixture/bucket/metadata/site.json'), 'utf8') : null;
          await cold.bucket.put(k, src || (k === 'metadata/search.json' ? `{"version":1,"docs":100000,"buckets":${buckets}}\n` : fill(byShard.get(k))));
        }
        const r = await cold.get(`/search?q=${q.replace(/ /g, '+')}`);
        const html = await r.text();
        assert.equal(r.status, 200, html.slice(0, 300));
        assert.equal(results(html).length, 10, q);
        const v = await cold.version();
        const index = Object.entries(v.r2.byKey).filter(([k]) => k.startsWith('metadata/search'));
        const n = index.reduce((s, [, c]) => s + c, 0);
        assert.ok(n <= most, `${q}: ${n} index reads ${JSON.stringify(v.r2.byKey)}`);
        assert.equal(v.r2.byKey['metadata/site.json'], 1, 'site.json: read by every page, not counted in the budget');
        assert.equal(v.r2.gets, n + 1, JSON.stringify(v.r2.byKey));
        console.log(`# ${q}: ${n} index reads (${JSON.stringify(sizes)}), page ${Buffer.byteLength(html)} bytes`);
      } finally {
        await cold.stop();
      }
    }
  } finally {
    await t.stop().catch(() => {});
  }
});

test('a query with a word nothing matches is kept 60 s, like a 404 (random words are endless cache keys); a query every word of which matches keeps the page row', async () => {
  const t = await start();
  try {
    const good = await t.get('/search?q=hello');
    assert.equal(good.status, 200);
    assert.ok(results(await good.text()).length > 0, 'hello finds entries');
    assert.equal(edgeTTL(good), 86400);
    let seed = 20261203;
    const word = () => Array.from({ length: 6 }, () => { seed = (seed * 1103515245 + 12345) % 2147483648; return 'qwxzjv'[seed % 6]; }).join('');
    const junk = ['zzqqxxj', 'hello+zzqqxxj', 'asdfghjkl+qwertyuiop', ...Array.from({ length: 12 }, () => [word(), word()].sort().join('+'))];
    for (const q of junk) {
      const r = await t.get(`/search?q=${q}`);
      await r.text();
      assert.equal(r.status, 200, q);
      assert.ok(edgeTTL(r) > 0 && edgeTTL(r) <= 60, `${q}: ${r.headers.get('Cache-Control')}`);
    }
  } finally {
    await t.stop();
  }
});
