// reader.test.mjs — what an anonymous reader can send, by class, many
// variants each (docs/security.md, "The reader"): respellings of a page are
// 301s kept 60 s, not a day (a reader can mint endless spellings, each its
// own cache key); no Location and no link leaves the site, whatever the
// request or the bucket says; hostile but well-typed manifest values answer
// a page or a 503 no-store, never a 500, always with the security headers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { start, raw, edgeTTL, PROVISIONAL, ORIGIN } from './helpers.mjs';

const SANDBOX = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox";
let s;
let port;
before(async () => {
  s = await start({ seed: PROVISIONAL, bindings: { MANIFEST_TTL: '0' }, extra: { host: '127.0.0.1', port: 0 } });
  port = Number((await s.mf.ready).port);
});
after(() => s.stop());

/** onSite says whether a Location or href, read as a browser reads it (tab/LF dropped, "\" as "/"), stays on ORIGIN. */
const onSite = (u) => new URL(u, ORIGIN).origin === ORIGIN;

const E = '/blog/hello-world';
/** RESPELL: [raw target, canonical URL]: spellings a reader can vary without end. */
const RESPELL = [
  [`${E}?utm_source=x`, E], [`${E}?utm_source=x&utm_medium=y&utm_campaign=z`, E], [`${E}?fbclid=IwAR0abc`, E], [`${E}?gclid=1`, E],
  [`${E}?mc_eid=1&_ga=2`, E], [`${E}?ref=hn`, E], [`${E}?`, E], [`${E}?&`, E], [`${E}?=`, E], [`${E}?;`, E], [`${E}?a`, E],
  [`${E}?${'x'.repeat(4000)}`, E], [`${E}?${Array.from({ length: 300 }, (_, i) => `p${i}=${i}`).join('&')}`, E],
  [`${E}?next=//evil.example`, E], [`${E}?url=https%3A%2F%2Fevil.example`, E],
  ['/BLOG/Hello-World', E], ['//blog/hello-world', E], ['/blog//hello-world', E], [`${E}/`, E], [`${E}//`, E], ['/blog/h%65llo-world', E],
  ['/blog/HELLO-WORLD?utm_source=x', E], ['/?utm_source=x', '/'], ['/?', '/'], ['/?page=2', '/'], ['/feed.xml?x', '/feed.xml'],
  ['/blog/?page=2&utm=1', '/blog/?page=2'], ['/blog/?utm=1&page=2', '/blog/?page=2'], ['/blog/?page=2&page=3', '/blog/?page=2'],
  ['/blog/?page=%32', '/blog/?page=2'], ['/blog/?page=1', '/blog/'], ['/blog//?page=2', '/blog/?page=2'], ['/blog?page=2', '/blog/?page=2'],
  ['/blog?page=anything', '/blog/?page=anything'], ['/blog?x=1', '/blog'], ['/blog', '/blog/'], ['/tags', '/tags/'], ['/tags/?page=1', '/tags/'],
  ['/tags/Caching', '/tags/caching'], ['/tags/caching/', '/tags/caching'], ['/tags/caching?x', '/tags/caching'], ['/sitemap.xml?x', '/sitemap.xml'],
  ['/search?q=Hello', '/search?q=hello'], ['/search?q=hello&utm_source=x', '/search?q=hello'], ['/search?q=', '/search'],
];

test(`respelling redirects (${RESPELL.length} spellings): 301 to the canonical URL, kept 60 s, sandboxed, on the site`, async () => {
  for (const method of ['GET', 'HEAD']) {
    for (const [target, want] of RESPELL) {
      const r = await raw(port, target, { method });
      const what = `${method} ${target.slice(0, 80)}`;
      assert.equal(r.status, 301, what);
      assert.equal(r.location, want, what);
      assert.equal(r.cc, 'public, max-age=60', what);
      assert.equal(edgeTTL({ headers: new Headers(r.headers) }), 60, what);
      assert.equal(r.headers['content-security-policy'], SANDBOX, what);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', what);
    }
  }
});

test('an alias (a finite list in site.json) is still kept a day', async () => {
  const site = JSON.parse(await readFile(join(PROVISIONAL, 'metadata/site.json'), 'utf8'));
  try {
    await s.bucket.put('metadata/site.json', JSON.stringify({ ...site, aliases: { '/old/hello': E } }));
    const r = await raw(port, '/old/hello');
    assert.equal(r.status, 301);
    assert.equal(edgeTTL({ headers: new Headers(r.headers) }), 86400);
  } finally {
    await s.bucket.put('metadata/site.json', JSON.stringify(site));
  }
});

/** OFFSITE are open-redirect attempts: no answer may send a browser off the site. */
const OFFSITE = [
  '//evil.example', '//evil.example/', '///evil.example', '////evil.example', '//evil.example?x', '//evil.example/%2e%2e', '//evil.example%2F..',
  '/\\evil.example', '/\\/evil.example', '//\\evil.example', '/%5Cevil.example', '/%5C%5Cevil.example', '/%5c/evil.example', '/%2F%2Fevil.example',
  '/%2f/evil.example', '/%252F%252Fevil.example', '//%65vil.example', '/.//evil.example', '/..//evil.example', '/%2e%2e//evil.example',
  '/%09/evil.example', '/%0d%0a/evil.example', '/%0D%0ALocation:%20https://evil.example', '/tags//evil.example', '/blog//evil.example',
  '//evil.example@site.test', '//@evil.example', '/https://evil.example', '/http:/evil.example', '/https:%2F%2Fevil.example',
  '//evil.example\\@site.test', '/%E3%80%82evil.example', '//evil%E3%80%82example', '/Blog//evil.example', '//EVIL.EXAMPLE',
  '/?//evil.example', '/blog?//evil.example', '/blog?page=//evil.example', '/search?q=//evil.example', '/tags?//evil.example',
  `/${'/'.repeat(50)}evil.example`, '/blog/hello-world?redirect=https://evil.example', '/%20//evil.example', '/;//evil.example',
];

test(`open-redirect attempts (${OFFSITE.length}): every Location stays on the site, with no CR/LF`, async () => {
  for (const target of OFFSITE) {
    const r = await raw(port, target);
    assert.ok(r.status < 500, `${target}: ${r.status}`);
    if (r.location === undefined) continue;
    assert.match(r.location, /^\/(?![/\\])[^\r\n\\]*$/, `${target} → ${r.location}`);
    assert.ok(onSite(r.location), `${target} → ${r.location}`);
  }
});

/** HREFS are hostile entry URLs in site.json's latest list: each would leave the site if written into an href as is. */
const HREFS = ['/\\evil.example', '/\\/evil.example', '/\t/evil.example', '/\n/evil.example', '/\r/evil.example', '/\t\\evil.example', '/\\\tevil.example'];

test(`bucket record URLs (${HREFS.length}) never become links off the site`, async () => {
  const key = 'metadata/site.json';
  const good = await readFile(join(PROVISIONAL, key), 'utf8');
  try {
    for (const url of HREFS) {
      const site = JSON.parse(good);
      site.latest[1].url = url;
      await s.bucket.put(key, JSON.stringify(site));
      for (const path of ['/', '/no/such/page']) {
        const res = await s.get(path);
        const body = await res.text();
        const hrefs = [...body.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
        const off = hrefs.filter((h) => new URL(h, ORIGIN).hostname === 'evil.example');
        assert.deepEqual(off, [], `${JSON.stringify(url)} on ${path}`);
      }
    }
  } finally {
    await s.bucket.put(key, good);
  }
});

// A seeded walk over well-typed but hostile values in every manifest: the
// shape check lets right-typed values through, so the handlers must cope.
async function files(d) {
  const out = [];
  for (const e of await readdir(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) out.push(...await files(p));
    else if (e.name.endsWith('.json')) out.push(relative(PROVISIONAL, p));
  }
  return out;
}
const VALUES = [null, -1, 0, 1, 1.5, 2 ** 31, 2 ** 53, 999999999999, 1e308, '', ' ', 'x'.repeat(5000), '\u0000', '\ud800', '\u2028', '__proto__',
  'constructor', 'toString', [], {}, [null], [[]], true, '//evil.example', '/\\evil.example', '/\t/evil.example', '<script>alert(1)</script>',
  '2026-02-30T25:61:61Z', '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'javascript:alert(1)', '%', '%00', '..', 'a/b'];
const ROUTES = ['/', '/blog/', '/blog/?page=2', E, '/blog/2026/11/', '/docs/', '/tags/', '/tags/caching', '/feed.xml', '/sitemap.xml', '/metadata/blog.json', '/search?q=hello', '/no/such/page'];

test('hostile well-typed manifest values: never a 500, a 5xx is never stored, every answer sandboxed or strict, no link off the site', async () => {
  const keys = await files(join(PROVISIONAL, 'metadata'));
  const good = Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await readFile(join(PROVISIONAL, k), 'utf8')])));
  let seed = Number(process.env.AXCTL_SEED || 20261203);
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const paths = (v, at = []) => [at, ...(v && typeof v === 'object' ? Object.keys(v).flatMap((k) => paths(v[k], [...at, k])) : [])];
  for (let i = 0; i < 60; i++) {
    const key = pick(keys);
    const v = JSON.parse(good[key]);
    const at = pick(paths(v).filter((p) => p.length));
    let o = v;
    for (const k of at.slice(0, -1)) o = o[k];
    o[at[at.length - 1]] = structuredClone(pick(VALUES));
    await s.bucket.put(key, JSON.stringify(v));
    try {
      for (const path of ROUTES) {
        const res = await s.get(path);
        const body = await res.text();
        const what = `seed ${process.env.AXCTL_SEED || 20261203} #${i}: ${key} ${at.join('.')} → ${path}: ${res.status}`;
        assert.notEqual(res.status, 500, what);
        if (res.status >= 500) assert.match(res.headers.get('Cache-Control'), /no-store/, what);
        assert.ok(res.headers.get('Content-Security-Policy'), what);
        assert.equal(res.headers.get('X-Content-Type-Options'), 'nosniff', what);
        for (const m of body.matchAll(/href="([^"]*)"/g)) assert.notEqual(new URL(m[1].replace(/&amp;/g, '&'), ORIGIN).hostname, 'evil.example', what);
      }
    } finally {
      await s.bucket.put(key, good[key]);
    }
  }
});

/** NEEDED are objects site.json says exist, and a page built from each: [key, path]. */
const NEEDED = [
  ['metadata/blog/0000.json', '/blog/?page=2'], ['metadata/blog/0000.json', '/blog/2024/12/'], ['metadata/blog/0001.json', '/blog/'],
  ['metadata/blog/0001.json', '/blog/feed.xml'], ['metadata/tags/0000.json', '/tags/'], ['metadata/sitemaps/blog/0000.json', '/sitemaps/blog-0.xml'],
];

test(`an object site.json names, absent or null (${NEEDED.length} × 2): the page is served, never stored`, async () => {
  for (const [key, path] of NEEDED) {
    const bytes = await readFile(join(PROVISIONAL, key), 'utf8');
    const before = await s.get(path);
    await before.text();
    assert.equal(before.status, 200, `${path} with ${key}`);
    for (const gone of [() => s.bucket.delete(key), () => s.bucket.put(key, 'null')]) {
      try {
        await gone();
        const res = await s.get(path);
        await res.text();
        assert.ok(res.status === 200 || res.status === 404 || res.status === 503, `${path} without ${key}: ${res.status}`);
        assert.match(res.headers.get('Cache-Control'), /no-store/, `${path} without ${key}: ${res.status} ${res.headers.get('Cache-Control')}`);
      } finally {
        await s.bucket.put(key, bytes);
      }
    }
  }
});
