// crawl.mjs — the purge oracle's renderer (e2e/purge_oracle_test.go): the
// real Worker in Miniflare over a dir-store, every URL the site links to.
// Reads one JSON request a line on stdin: {"dir": BUCKET_DIR, "seeds":
// ["/path", …], "follow": bool}; answers one JSON line:
// {"<path>": {"status", "sha", "tags", "cc"}}.
// Crawling starts at /, /tags/, /feed.xml, /sitemap.xml, /robots.txt and
// /metadata/<name>.json of every manifest, plus seeds, and follows every
// same-site href, src and <loc> (not /assets/, content-addressed).
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const require = createRequire(join(repo, 'worker', 'package.json'));
const { Miniflare } = require('miniflare');
const { options } = await import(join(repo, 'worker', 'scripts', 'mf.mjs'));
const { readDir, putObject } = await import(join(repo, 'worker', 'scripts', 'bucket.mjs'));
const { parse, canonical } = await import(join(repo, 'worker', 'src', 'search.js'));
/** SEARCHES bounds the /search pages seeded per crawl (one per record title, the first ones). */
const SEARCHES = 20;

const ORIGIN = 'http://oracle.test';
const LINK = /(?:href|src)="([^"#]*)|<loc>([^<]*)<\/loc>|<link>([^<]*)<\/link>|"(\/[^"\s]*)"/g;

function localPath(raw, base) {
  let u;
  try {
    u = new URL(raw.replaceAll('&amp;', '&'), base);
  } catch {
    return null;
  }
  if (!u.pathname.startsWith('/') || u.pathname.startsWith('/assets/')) return null;
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.origin !== ORIGIN && !/^https:\/\/[a-z.-]+\.example$/.test(u.origin)) return null;
  return u.pathname + u.search;
}

// manifestSeeds adds what no page links to: /metadata/<name>.json of every
// manifest, each record's URL (hidden entries too), the year and month
// archives of every record's date, and the /search page of the first
// SEARCHES record titles.
async function manifestSeeds(dir) {
  const out = [];
  const searches = new Set();
  const meta = join(dir, 'metadata');
  const site = JSON.parse(await readFile(join(meta, 'site.json'), 'utf8'));
  for (const d of await readdir(meta, { withFileTypes: true })) {
    if (d.isFile() && d.name.endsWith('.json')) out.push(`/metadata/${d.name}`);
    const route = (site.collections || []).find((c) => c.name === d.name)?.route;
    if (!d.isDirectory() || !route) continue; // metadata/search/ is the search index, not a collection
    for (const f of await readdir(join(meta, d.name))) {
      const shard = JSON.parse(await readFile(join(meta, d.name, f), 'utf8'));
      for (const r of shard.records || []) {
        if (r.url) out.push(r.url);
        const q = parse(new URLSearchParams({ q: r.title || '' }));
        if (!q.error && q.q && searches.size < SEARCHES) searches.add(`/search${canonical(q)}`);
        if (route && r.date) out.push(`${route}/${r.date.slice(0, 4)}/`, `${route}/${r.date.slice(0, 4)}/${r.date.slice(5, 7)}/`);
      }
    }
  }
  return [...out, ...searches];
}

// One Miniflare for the process; MANIFEST_TTL=0 makes every request
// revalidate every manifest, so no memo outlives a state. load makes the R2
// binding hold exactly the objects of dir, writing only what differs from
// the last state loaded.
const mf = new Miniflare(options({ MANIFEST_TTL: '0' }));
const r2 = await mf.getR2Bucket('CONTENT');
let loaded = new Map();

async function load(dir) {
  const next = new Map();
  const puts = [];
  for (const o of await readDir(dir)) {
    const h = createHash('sha256').update(JSON.stringify([o.contentType, o.cacheControl, o.metadata])).update(o.body).digest('hex');
    next.set(o.key, h);
    if (loaded.get(o.key) !== h) puts.push(o);
  }
  for (let i = 0; i < puts.length; i += 32) await Promise.all(puts.slice(i, i + 32).map((o) => putObject(r2, o)));
  const gone = [...loaded.keys()].filter((k) => !next.has(k));
  if (gone.length) await r2.delete(gone);
  loaded = next;
}

async function crawl({ dir, seeds = [], follow = true }) {
  await load(dir);
  const start = new Set(seeds);
  if (follow) {
    for (const p of ['/', '/tags/', '/feed.xml', '/sitemap.xml', '/robots.txt']) start.add(p);
    for (const p of await manifestSeeds(dir)) start.add(p);
  }
  const out = {};
  const queue = [...start];
  const seen = new Set(queue);
  while (queue.length) {
    const batch = queue.splice(0, 32);
    await Promise.all(batch.map(async (path) => {
      const res = await mf.dispatchFetch(ORIGIN + path, { redirect: 'manual' });
      const body = Buffer.from(await res.arrayBuffer());
      const loc = res.headers.get('location') || '';
      out[path] = {
        status: res.status,
        sha: createHash('sha256').update(`${res.status}\n${loc}\n`).update(body).digest('hex').slice(0, 16),
        tags: (res.headers.get('cache-tag') || '').split(',').filter(Boolean),
        cc: res.headers.get('cdn-cache-control') || res.headers.get('cache-control') || '',
      };
      if (!follow) return;
      const next = [];
      if (loc) next.push(loc);
      const text = /json|html|xml/.test(res.headers.get('content-type') || '') ? body.toString('utf8') : '';
      for (const m of text.matchAll(LINK)) next.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
      for (const raw of next) {
        const p = localPath(raw, ORIGIN + path);
        if (p && !seen.has(p)) { seen.add(p); queue.push(p); }
      }
    }));
  }
  return out;
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  try {
    process.stdout.write(JSON.stringify(await crawl(JSON.parse(line))) + '\n');
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: String(err?.stack || err) }) + '\n');
  }
}
await mf.dispose();
