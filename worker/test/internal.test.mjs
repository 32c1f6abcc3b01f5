// internal.test.mjs — /__internal/version, /__internal/purge, and R2 failure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Miniflare } from 'miniflare';
import { start, assertNotStored, ORIGIN } from './helpers.mjs';
import { options } from '../scripts/mf.mjs';

let s;
before(async () => { s = await start({ bindings: { BUILD_ID: 'build-123' } }); });
after(() => s.stop());

const purge = (auth, body = '{"tags":["site"]}', target = s) => target.get('/__internal/purge', {
  method: 'POST', headers: { ...(auth && { Authorization: auth }), 'Content-Type': 'application/json' }, body });

test('version: build id, run counter, cold start, manifests in memory; never cacheable', async () => {
  const first = await s.get('/');
  assert.equal(first.headers.get('X-Isolate'), 'cold');
  await first.text();
  const second = await s.get('/');
  assert.equal(second.headers.get('X-Isolate'), 'warm');
  await second.text();
  const r = await s.get('/__internal/version');
  assertNotStored(r);
  const v = await r.json();
  assert.equal(v.build, 'build-123');
  assert.equal(v.runs, 3);
  assert.ok(Date.parse(v.coldStart) > 0);
  assert.match(v.manifests['metadata/site.json'], /^[0-9a-f]{32}$/);
  assert.equal((await s.version()).runs, 4);
});

test('purge: missing or bad secret → 403 without a body', async () => {
  for (const auth of [null, 'Bearer wrong', 'Bearer test-secretX', 'Basic dGVzdC1zZWNyZXQ=', 'Bearer ', 'bearer test-secret']) {
    const r = await purge(auth);
    assert.equal(r.status, 403, String(auth));
    assert.equal(await r.text(), '');
    assertNotStored(r);
  }
});

test('purge: good secret without ctx.cache says so; bad bodies are 400', async () => {
  const r = await purge('Bearer test-secret');
  assert.equal(r.status, 200);
  assertNotStored(r);
  assert.deepEqual(await r.json(), { purged: false, reason: 'ctx.cache unavailable (local runtime)', tags: ['site'] });
  const e = await purge('Bearer test-secret', '{"everything":true}');
  assert.deepEqual(await e.json(), { purged: false, reason: 'ctx.cache unavailable (local runtime)', everything: true });
  for (const body of ['nope', '{}', '{"tags":[]}', '{"tags":["a b"]}', '{"tags":[1]}']) {
    const b = await purge('Bearer test-secret', body);
    assert.equal(b.status, 400, body);
    await b.text();
  }
});

test('purge: 503 when no secret is configured, never cached', async () => {
  const t = await start({ bindings: { PURGE_SECRET: '' }, seed: null });
  try {
    const r = await purge('Bearer anything', undefined, t);
    assert.equal(r.status, 503);
    assertNotStored(r);
    await r.text();
  } finally {
    await t.stop();
  }
});

test('an R2 error answers 503 no-store, never cacheable', async () => {
  const broken = `import { WorkerEntrypoint } from 'cloudflare:workers';
export class Broken extends WorkerEntrypoint { async get() { throw new Error('R2 is down'); } async head() { throw new Error('R2 is down'); } }
export default { fetch() { return new Response('x'); } };`;
  const { r2Buckets, cf, ...site } = options({ PURGE_SECRET: 'x' }, { assets: false });
  const mf = new Miniflare({ cf: false, workers: [
    { ...site, name: 'site', serviceBindings: { CONTENT: { name: 'broken', entrypoint: 'Broken' } } },
    { name: 'broken', modules: true, script: broken, compatibilityDate: site.compatibilityDate },
  ] });
  try {
    for (const p of ['/', '/blog/', '/blog/hello-world', '/assets/cc2e67d9df7efa4d06acc96d53d33804.svg', '/feed.xml']) {
      const r = await mf.dispatchFetch(ORIGIN + p);
      assert.equal(r.status, 503, p);
      assertNotStored(r);
      await r.text();
    }
  } finally {
    await mf.dispose();
  }
});
