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

/** reput writes key again with the same body and the metadata edit makes (as a CopyObject with REPLACE would). */
async function reput(bucket, key, edit) {
  const obj = await bucket.get(key);
  const body = await obj.text();
  const meta = { ...obj.customMetadata };
  edit(meta);
  await bucket.put(key, body, { httpMetadata: obj.httpMetadata, customMetadata: meta });
}

const STRIPPED = [
  ['all custom metadata stripped', 'notes/hello', (m) => { for (const k of Object.keys(m)) delete m[k]; }],
  ['hash missing', 'notes/hello', (m) => { delete m.hash; }],
  ['input missing', 'notes/hello', (m) => { delete m.input; }],
  ['date malformed', 'notes/hello', (m) => { m.date = '2026-05-01'; }],
  ['words malformed', 'notes/hello', (m) => { m.words = 'many'; }],
  ['publishdate malformed', 'notes/future', (m) => { m.publishdate = 'soon'; }],
  ['expires malformed', 'notes/expiring', (m) => { m.expires = 'never'; }],
  ['hash of another version (body marker differs)', 'notes/hello', (m) => { m.hash = 'f'.repeat(32); }],
];

for (const [name, path, edit] of STRIPPED) {
  test(`entry metadata altered behind axctl's back (${name}): 503 no-store, body not served`, async () => {
    const t = await start();
    try {
      const body = await (await t.bucket.get(`entries/${path}.html`)).text();
      const line = body.split('\n').find((l) => l.length > 20 && !l.startsWith('<!--'));
      await reput(t.bucket, `entries/${path}.html`, edit);
      const r = await t.get(`/${path}`);
      assert.equal(r.status, 503);
      assertNotStored(r);
      const text = await r.text();
      assert.ok(!text.includes(line), 'the body is not served');
    } finally {
      await t.stop();
    }
  });
}

test('an embargoed entry whose window fields were stripped (hash kept) stays hidden: site.json schedule still holds its window', async () => {
  const t = await start();
  try {
    const body = await (await t.bucket.get('entries/notes/future.html')).text();
    await reput(t.bucket, 'entries/notes/future.html', (m) => { delete m.publishdate; });
    const r = await t.get('/notes/future');
    assert.equal(r.status, 404);
    assert.ok(!(await r.text()).includes(body.split('\n')[1]), 'the embargoed body is not served');
  } finally {
    await t.stop();
  }
});
