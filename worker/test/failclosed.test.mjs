// failclosed.test.mjs — a bucket the Worker does not understand is not
// served (docs/bucket.md, "Failing closed"): an empty or wrongly bound bucket
// (no metadata/site.json) answers 503 no-store on every content route, and an
// entry object whose metadata lacks what the contract requires, or does not
// match its body's marker, is never served (and never cacheable).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, assertNotStored } from './helpers.mjs';

const CONTENT_ROUTES = ['/', '/notes/', '/notes/?page=2', '/notes/hello', '/guides/setup/install', '/feed.xml', '/notes/feed.xml',
  '/sitemap.xml', '/robots.txt', '/tags/', '/tags/intro', '/notes/2026/', '/metadata/notes.json', '/assets/0f4e5dd5844bb9ad36ccdf6076b8e1f2.svg'];

test('an empty bucket (no site.json) answers 503 no-store on every content route', async () => {
  const t = await start({ seed: null });
  try {
    for (const p of CONTENT_ROUTES) {
      const r = await t.get(p);
      assert.equal(r.status, 503, p);
      assertNotStored(r);
      assert.match(await r.text(), /no content yet/, p);
    }
  } finally {
    await t.stop();
  }
});

test('a bucket with entries but no site.json (wrongly bound, or a half-written first sync) is not an empty site', async () => {
  const t = await start();
  try {
    await t.bucket.delete('metadata/site.json');
    for (const p of ['/', '/notes/', '/notes/hello', '/feed.xml', '/sitemap.xml']) {
      const r = await t.get(p);
      assert.equal(r.status, 503, p);
      assertNotStored(r);
      await r.text();
    }
  } finally {
    await t.stop();
  }
});
