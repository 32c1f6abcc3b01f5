// canonical.test.mjs — one URL per page. Caches key on the request target as
// sent, so every other spelling of a page must answer 301 to the canonical
// URL or 404, never a second 200. Requests go over a real socket with the
// target byte for byte (fetch would normalise it first), as a cache in front
// forwards it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Miniflare } from 'miniflare';
import { readDir } from '../scripts/bucket.mjs';
import { start, raw, FIXTURE, PROVISIONAL } from './helpers.mjs';
import { canonicalPath } from '../src/canon.js';

/** serve starts the Worker on a free port. */
async function serve(seed) {
  const s = await start({ seed, bindings: { MANIFEST_TTL: '3600' }, extra: { host: '127.0.0.1', port: 0 } });
  const { port } = await s.mf.ready;
  return { ...s, port: Number(port), raw: (t) => raw(Number(port), t) };
}

/**
 * echo is a Worker that answers request.url: the oracle for what workerd
 * makes of a raw target before any Worker code runs (its URL parser is not
 * quite WHATWG's: it resolves /a/%2e/../b to /a/b).
 */
async function echo() {
  const mf = new Miniflare({ modules: true, script: 'export default { fetch: (r) => new Response(r.url) };',
    compatibilityDate: '2026-04-20', cf: false, host: '127.0.0.1', port: 0 });
  const port = Number((await mf.ready).port);
  return { seen: async (t) => { const u = new URL((await raw(port, t)).body.toString()); return u.pathname + (u.href.includes('?') ? u.search || '?' : ''); },
    stop: () => mf.dispose() };
}

let p; // PROVISIONAL on a port
let f; // FIXTURE on a port
let e; // the echo Worker
before(async () => { [p, f, e] = await Promise.all([serve(PROVISIONAL), serve(FIXTURE), echo()]); });
after(() => Promise.all([p?.stop(), f?.stop(), e?.stop()]));

const E = '/blog/hello-world';

/** FORMS: [class, raw target, expected status, Location (for 301)]. */
const FORMS = [
  ['empty query', `${E}?`, 301, E],
  ['empty query', '/?', 301, '/'],
  ['empty query', '/blog/?', 301, '/blog/'],
  ['empty query', '/feed.xml?', 301, '/feed.xml'],
  ['empty parameter', '/blog/?page=2&', 301, '/blog/?page=2'],
  ['encoded parameter', '/blog/?page=%32', 301, '/blog/?page=2'],
  ['query where no route reads one', '/tags/?x=2', 301, '/tags/'],
  ['listing without its slash (site.json decides)', '/blog?page=2', 301, '/blog/?page=2'],
  ['tags without its slash', '/tags', 301, '/tags/'],
  ['query where no route reads one', '/metadata/blog.json?x', 301, '/metadata/blog.json'],
  ['empty segment', '/blog//hello-world', 301, E],
  ['empty segment', '//blog/hello-world', 301, E],
  ['empty segment', '/blog/hello-world//', 301, E],
  ['trailing slash on an entry', `${E}/`, 301, E],
  ['trailing slash on a tag', '/tags/caching/', 301, '/tags/caching'],
  ['trailing slash on a file', '/feed.xml/', 301, '/feed.xml'],
  ['upper case', '/Blog/Hello-World', 301, E],
  ['upper case', '/BLOG/', 301, '/blog/'],
  ['upper case', '/FEED.XML', 301, '/feed.xml'],
  ['upper case', '/tags/Caching', 301, '/tags/caching'],
  ['upper case', '/assets/CC2E67D9DF7EFA4D06ACC96D53D33804.SVG', 301, '/assets/cc2e67d9df7efa4d06acc96d53d33804.svg'],
  ['encoded unreserved', '/blog/h%65llo-world', 301, E],
  ['encoded unreserved', '/blog/hello%2Dworld', 301, E],
  ['encoded unreserved', '/blog/hello%2dworld', 301, E],
  ['encoded unreserved', '/%62log/', 301, '/blog/'],
  ['encoded unreserved, upper case', '/blog/%48ello-world', 301, E],
  ['lower-case percent hex', '/tags/caf%c3%a9', 301, '/tags/caf%C3%A9'],
  ['path parameter', `${E};jsessionid=1`, 404],
  ['path parameter', '/blog;x/hello-world', 404],
  ['encoded slash', `${E}%2F`, 404],
  ['encoded slash', '/blog%2Fhello-world', 404],
  ['encoded slash', '/blog%2fhello-world', 404],
  ['encoded backslash', '/blog%5Chello-world', 404],
  ['encoded NUL', `${E}%00`, 404],
  ['encoded space', `${E}%20`, 404],
  ['encoded non-ASCII outside a tag', '/blog/h%C3%A9llo', 404],
  ['reserved character', '/blog/hello-world!', 404],
  ['reserved character', "/blog/hello-world'", 404],
  ['unreserved but never canonical', '/blog/hello_world', 404],
  ['unreserved but never canonical', '/blog/~hello', 404],
  ['broken escape', '/blog/%zz', 404],
  ['broken escape', '/blog/%', 404],
  ['index file', '/index.html', 404],
  ['index file', '/blog/index.html', 404],
  ['encoded unreserved', '/feed%2Exml', 301, '/feed.xml'],
];

for (const [kind, target, status, location] of FORMS) {
  test(`non-canonical form (${kind}): ${target} → ${status}${location ? ` ${location}` : ''}, no R2 read`, async () => {
    await p.raw('/'); // site.json in memory, so only this request's own reads count
    const r = await p.raw(target);
    assert.equal(r.status, status, target);
    assert.equal(r.location, location, target);
    assert.equal(r.reads, 0, `${target}: answered before any bucket read`);
    if (status === 301) {
      const next = await p.raw(location);
      assert.ok(next.status === 200, `${location} is canonical: ${next.status}`);
    }
  });
}

/**
 * RESOLVED are forms workerd resolves (WHATWG URL parsing) before the Worker
 * runs: the Worker sees the canonical URL and answers it. A cache in front
 * that keys on the raw target must resolve them too (Cloudflare's default
 * URL normalization does; varnish/axctl.vcl must).
 */
const RESOLVED = ['/blog/./hello-world', '/x/../blog/hello-world', '/x/%2e%2e/blog/hello-world', '/x/%2E%2E/blog/hello-world',
  '/blog/%2e/hello-world', '/blog\\hello-world', '/./blog/hello-world', '/../blog/hello-world'];

test('dot segments and backslashes reach the Worker resolved: the canonical page, byte for byte', async () => {
  const want = await p.raw(E);
  assert.equal(want.status, 200);
  for (const t of RESOLVED) {
    const r = await p.raw(t);
    assert.equal(r.status, 200, t);
    assert.deepEqual(r.body, want.body, t);
  }
  const mixed = await p.raw('/x/../Blog/hello-world');
  assert.equal(mixed.status, 301, 'resolved, then the Worker sees the upper case');
  assert.equal(mixed.location, E);
});

/** fixtureURLs lists every URL the shared fixture's site answers, from its manifests. */
async function fixtureURLs() {
  const objects = await readDir(FIXTURE);
  const json = (k) => JSON.parse(objects.find((o) => o.key === k).body.toString('utf8'));
  const site = json('metadata/site.json');
  const urls = new Set(['/', '/feed.xml', '/sitemap.xml', '/robots.txt', '/tags/']);
  for (const o of objects) if (/^metadata\/tags\/\d{4}\.json$/.test(o.key)) for (const t of json(o.key).tags) urls.add(`/tags/${t.slug}`);
  for (const o of objects) if (/^metadata\/sitemaps\/[a-z0-9-]+\/\d{4}\.json$/.test(o.key)) urls.add(`/sitemaps/${o.key.split('/')[2]}-${Number(o.key.slice(-9, -5))}.xml`);
  urls.add('/sitemaps/pages.xml');
  for (const c of site.collections) {
    const index = json(`metadata/${c.name}.json`);
    urls.add(`${c.route}/`).add(`${c.route}/feed.xml`).add(`/metadata/${c.name}.json`);
    for (let n = 2; n <= index.shards.length; n++) urls.add(`${c.route}/?page=${n}`);
    for (const sh of index.shards) {
      for (const r of json(sh.key).records) {
        urls.add(r.url).add(`${c.route}/${r.date.slice(0, 4)}/`).add(`${c.route}/${r.date.slice(0, 4)}/${r.date.slice(5, 7)}/`);
      }
    }
  }
  for (const o of objects) if (o.key.startsWith('assets/')) urls.add(`/${o.key}`);
  return [...urls];
}

/** rng is a small seeded generator (mulberry32), so a failure can be replayed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** MUTATIONS respell a path (never its query, whose names are case-sensitive data). */
const MUTATIONS = {
  dot: (p, r) => insertAtSlash(p, r, '/.'),
  dotdot: (p, r) => insertAtSlash(p, r, '/zz/..'),
  encodedDots: (p, r) => insertAtSlash(p, r, r() < 0.5 ? '/x/%2e%2E' : '/%2e'),
  doubleSlash: (p, r) => insertAtSlash(p, r, '/'),
  backslash: (p, r) => p[0] + replaceOne(p.slice(1), r, /\//g, '\\'), // a target must start with "/" (origin-form)
  upper: (p, r) => replaceOne(p, r, /[a-z]/g, (c) => c.toUpperCase()),
  encode: (p, r) => replaceOne(p, r, /[a-z0-9.-]/g, (c) => `%${c.charCodeAt(0).toString(16)[r() < 0.5 ? 'toUpperCase' : 'toLowerCase']()}`),
  lowerHex: (p) => p.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  encodeSlash: (p, r) => p[0] + replaceOne(p.slice(1), r, /\//g, '%2F'),
  trailingSlash: (p) => (p.endsWith('/') ? p.slice(0, -1) || '/' : `${p}/`),
  param: (p) => `${p};v=1`,
};

function insertAtSlash(p, r, what) {
  const at = [...p.matchAll(/\//g)].map((m) => m.index);
  const i = at[Math.floor(r() * at.length)];
  return p.slice(0, i) + what + p.slice(i);
}

function replaceOne(p, r, re, by) {
  const at = [...p.matchAll(re)];
  if (!at.length) return p;
  const m = at[Math.floor(r() * at.length)];
  return p.slice(0, m.index) + (typeof by === 'function' ? by(m[0]) : by) + p.slice(m.index + m[0].length);
}

/** QUERIES are appended to a mutated target: nothing, an empty query or parameter, a parameter no route reads. */
const QUERIES = ['', '?', '?utm_source=x'];

test('property: every respelling of every fixture URL is a 301 to it, a 404, or (resolved by the runtime) the same bytes', { timeout: 240000 }, async () => {
  const urls = await fixtureURLs();
  assert.ok(urls.length > 20, `${urls.length} fixture URLs`);
  const seed = Number(process.env.AXCTL_SEED || 20261202);
  const r = rng(seed);
  const names = Object.keys(MUTATIONS);
  let tried = 0;
  let skipped = 0;
  for (const url of urls) {
    const want = await f.raw(url);
    assert.ok([200, 404].includes(want.status), `${url}: canonical answers ${want.status}`);
    assert.equal(canonicalPath(url.split('?')[0]), url.split('?')[0], `${url} is its own canonical path`);
    for (let i = 0; i < 30; i++) {
      const [path, query = ''] = url.split(/(?=\?)/);
      let p2 = path;
      const used = [];
      for (let k = 1 + Math.floor(r() * 2); k > 0; k--) {
        const name = names[Math.floor(r() * names.length)];
        used.push(name);
        p2 = MUTATIONS[name](p2, r);
      }
      let q = QUERIES[Math.floor(r() * QUERIES.length)];
      if (query) q = q.replace('?', '&');
      const variant = p2 + query + q;
      if (variant === url) continue;
      const seen = await e.seen(variant); // what the Worker's request.url will say
      // Some edits name another resource: /notes/2026 is not /notes/2026/, and
      // workerd resolves /zz//../x to /zz/x. Those are not respellings of url.
      const other = canonicalPath(seen.split('?')[0]);
      if (other !== null && other !== path) {
        skipped++;
        continue;
      }
      tried++;
      const got = await f.raw(variant);
      const label = `${variant} (from ${url} by ${used.join('+')}${q ? ` and ${JSON.stringify(q)}` : ''}; seed ${seed})`;
      if (got.status === 301) {
        // One hop, or two when the second is the listing's trailing slash, which needs site.json.
        const hop = got.location === url ? null : await f.raw(got.location);
        if (hop) assert.ok(hop.status === 301 && hop.location === url && `${got.location}/` === url.split('?')[0], `${label}: 301 ${got.location}, then ${hop.status} ${hop.location}`);
      } else if (got.status !== 404 && got.status !== 400) {
        // Only when the runtime already turned the variant into the canonical URL.
        assert.equal(seen, url, `${label}: answered ${got.status} under another URL`);
        assert.equal(got.status, want.status, label);
        assert.deepEqual(got.body, want.body, label);
      }
    }
  }
  console.log(`# ${tried} respellings of ${urls.length} fixture URLs (${skipped} edits named another resource)`);
  assert.ok(skipped < tried / 5, 'the edits are mostly respellings');
});
