// store.test.mjs — the manifest memo as a plain module (no workerd): what
// happens when the request that started a read never finishes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Req } from '../src/store.js';

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
