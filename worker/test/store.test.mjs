// store.test.mjs — the manifest memo as a plain module (no workerd): what
// happens when the request that started a read never finishes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Req } from '../src/store.js';
import { FRESH_HORIZON_MS } from '../src/contract.js';
import { readFileSync } from 'node:fs';

test('a request joining a read that never settles reads for itself after the join timeout', async () => {
  let calls = 0;
  const body = JSON.stringify({ version: 1, records: [] });
  const env = {
    MANIFEST_TTL: '30',
    CONTENT: {
      get() {
        calls++;
        if (calls === 1) return new Promise(() => {}); // the first request's I/O was cancelled
        return Promise.resolve({ etag: 'e1', body: 'x', text: async () => body });
      },
    },
  };
  const first = new Req(env, {}).json('metadata/hang.json'); // never settles
  const t0 = Date.now();
  const second = await new Req(env, {}).json('metadata/hang.json');
  assert.deepEqual(second, { version: 1, records: [] });
  assert.equal(calls, 2, 'the joiner made its own read');
  assert.ok(Date.now() - t0 >= 2900, 'it waited for the join timeout first');
  void first;
});

/** bucket is a fake R2 binding over a map of key → JSON text, with etags and onlyIf. */
function bucket(objects) {
  const b = {
    calls: [],
    fail: false,
    get(key, opts) {
      b.calls.push(key);
      if (b.fail) return Promise.reject(new Error('R2 is down'));
      const text = objects[key];
      if (text === undefined) return Promise.resolve(null);
      const etag = `e${text.length}-${[...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)}`;
      if (opts && opts.onlyIf && opts.onlyIf.etagDoesNotMatch === etag) return Promise.resolve({ etag });
      return Promise.resolve({ etag, body: 'x', text: async () => text });
    },
  };
  return b;
}

test('a manifest changed in the bucket is seen by the first request after MANIFEST_TTL, without a purge', async () => {
  const objects = { 'metadata/t0.json': '{"title":"old"}' };
  const env = { MANIFEST_TTL: '0.05', CONTENT: bucket(objects) };
  assert.equal((await new Req(env, {}).json('metadata/t0.json')).title, 'old');
  objects['metadata/t0.json'] = '{"title":"new"}';
  await new Promise((r) => setTimeout(r, 60));
  const rq = new Req(env, {});
  assert.equal((await rq.json('metadata/t0.json')).title, 'new');
  assert.ok(rq.fresh());
});

test('a response resting on a memoised read older than the horizon is not fresh', async () => {
  const env = { MANIFEST_TTL: '3600', CONTENT: bucket({ 'metadata/t1.json': '{"title":"t"}' }) };
  const first = new Req(env, {});
  await first.json('metadata/t1.json');
  const second = new Req(env, {});
  await second.json('metadata/t1.json'); // from the memo: no read of its own
  assert.equal(env.CONTENT.calls.length, 1);
  assert.ok(second.fresh());
  assert.ok(second.oldest <= first.now + 5, 'it rests on the first request\'s read');
  assert.ok(!second.fresh(second.oldest + FRESH_HORIZON_MS + 1), 'complete after the horizon: not to be stored');
  assert.ok(second.fresh(second.oldest + FRESH_HORIZON_MS));
});

test('a failed revalidation serves the copy held, and the response is not fresh', async () => {
  const env = { MANIFEST_TTL: '0', CONTENT: bucket({ 'metadata/t2.json': '{"title":"t"}' }) };
  await new Req(env, {}).json('metadata/t2.json');
  env.CONTENT.fail = true;
  const rq = new Req(env, {});
  assert.equal((await rq.json('metadata/t2.json')).title, 't');
  assert.ok(!rq.fresh());
  env.CONTENT.fail = false;
  const again = new Req(env, {});
  await again.json('metadata/t2.json');
  assert.ok(again.fresh(), 'the next request reads again and is fresh');
});

test('concurrent requests share one read in flight, and each rests on its start', async () => {
  const env = { MANIFEST_TTL: '0', CONTENT: bucket({ 'metadata/t3.json': '{"title":"t"}' }) };
  const reqs = Array.from({ length: 5 }, () => new Req(env, {}));
  await Promise.all(reqs.map((r) => r.json('metadata/t3.json')));
  assert.equal(env.CONTENT.calls.length, 1);
  for (const r of reqs) assert.ok(r.fresh());
});

test('index.js serves the copy held after a failed revalidation, and no cache may store it', async () => {
  const { default: worker } = await import('../src/index.js');
  const site = readFileSync(new URL('../../testdata/fixture/bucket/metadata/site.json', import.meta.url), 'utf8');
  const env = { MANIFEST_TTL: '0', CONTENT: bucket({ 'metadata/site.json': site }) };
  const get = () => worker.fetch(new Request('http://site.test/'), env, {});
  const before = await get();
  assert.equal(before.status, 200);
  assert.doesNotMatch(before.headers.get('Cache-Control'), /no-store/);
  const body = await before.text();
  env.CONTENT.fail = true;
  const during = await get();
  assert.equal(during.status, 200, 'the copy held is served');
  assert.equal(await during.text(), body);
  assert.equal(during.headers.get('Cache-Control'), 'private, no-store');
  assert.equal(during.headers.get('Cache-Tag'), null);
  env.CONTENT.fail = false;
  assert.doesNotMatch((await get()).headers.get('Cache-Control'), /no-store/, 'cacheable again once R2 answers');
});

test('held gives the memo\'s copy without a read only while json() would use it and the response stays fresh', async () => {
  const env = { MANIFEST_TTL: '3600', CONTENT: bucket({ 'metadata/h.json': '{"title":"h"}' }) };
  assert.equal(new Req(env, {}).held('metadata/h.json'), undefined, 'nothing held yet');
  await new Req(env, {}).json('metadata/h.json');
  const real = Date.now;
  const t0 = real();
  try {
    Date.now = () => t0 + FRESH_HORIZON_MS / 2 - 50;
    const rq = new Req(env, {});
    assert.equal(rq.held('metadata/h.json').title, 'h');
    assert.ok(rq.fresh(), 'a response resting on it may be stored');
    Date.now = () => t0 + FRESH_HORIZON_MS / 2 + 50;
    assert.equal(new Req(env, {}).held('metadata/h.json'), undefined, 'too old to keep the response storable');
    const short = { ...env, MANIFEST_TTL: '0.01' };
    Date.now = () => t0 + 100;
    assert.equal(new Req(short, {}).held('metadata/h.json'), undefined, 'past MANIFEST_TTL json() would read again');
  } finally {
    Date.now = real;
  }
  assert.equal(env.CONTENT.calls.length, 1, 'held never reads');
});
