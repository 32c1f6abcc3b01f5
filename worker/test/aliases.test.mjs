// aliases.test.mjs — site.json's aliases: an entry's old path answers 301 to
// the entry, cacheable 24 h at the edge by the policy table, with no read
// of an entry object; a malformed alias map is a bad manifest (503).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { start, assertCacheable, edgeTTL, PROVISIONAL } from './helpers.mjs';

let s;
let site;
before(async () => {
  s = await start({ seed: PROVISIONAL, bindings: { MANIFEST_TTL: '0' } }); // every request revalidates site.json
  site = JSON.parse(await readFile(join(PROVISIONAL, 'metadata/site.json'), 'utf8'));
});
after(() => s.stop());

async function withAliases(aliases) {
  await s.bucket.put('metadata/site.json', JSON.stringify({ ...site, aliases }));
}

test('an alias answers 301 to its entry, cached 24 h, without reading the entry', async () => {
  await withAliases({ '/blog/old-hello': '/blog/hello-world', '/2013/05/06/hello': '/blog/hello-world', '/old': '/docs/getting-started' });
  for (const [from, to] of [['/blog/old-hello', '/blog/hello-world'], ['/2013/05/06/hello', '/blog/hello-world'], ['/old', '/docs/getting-started']]) {
    const before = await s.version();
    const r = await s.get(from);
    const after = await s.version();
    assert.equal(r.status, 301, from);
    assert.equal(r.headers.get('Location'), to, from);
    assertCacheable(r, { tags: ['site'] });
    // Tagged with its entry: a sync that changes, moves or removes the entry
    // (its aliases are in its metadata) purges the redirect with it.
    const [, col, slug] = /^\/([a-z]+)\/(.+)$/.exec(to);
    assert.equal(r.headers.get('Cache-Tag'), `site,e:${col}/${slug}`, from);
    assert.equal(edgeTTL(r), 86400, from);
    const read = Object.keys(after.r2.byKey).filter((k) => k.startsWith('entries/') && after.r2.byKey[k] !== before.r2.byKey[k]);
    assert.deepEqual(read, [], `${from}: no entry object read`);
  }
  const up = await s.get('/Blog/Old-Hello');
  assert.equal(up.status, 301);
  assert.equal(up.headers.get('Location'), '/blog/old-hello', 'the canonical spelling first');
  assert.equal((await s.get('/blog/not-an-alias')).status, 404);
});

test('a malformed alias map is a bad manifest: 503, never a redirect elsewhere', async () => {
  for (const bad of [{ '/tags/x': '/blog/hello-world' }, { '/old': 'https://evil.example/' }, { '/old': '//evil.example' }, ['/old'], { '/a.html': '/blog/hello-world' }]) {
    await withAliases(bad);
    const r = await s.get('/old');
    assert.equal(r.status, 503, JSON.stringify(bad));
    assert.equal(r.headers.get('Location'), null);
  }
  await withAliases({});
  assert.equal((await s.get('/blog/hello-world')).status, 200);
});
