// scale.mjs — every page kind of a large site through the Worker's own
// router (worker/src/routes.js) in node, over the objects
// `manifestscale -out DIR` wrote with manifest.Build:
//
//   node bench/worker/scale.mjs --dir DIR [--sample 40] [--seed 1]
//
// Each page is served on a cold memo (MANIFEST_TTL 0 and objects without an
// ETag: every manifest a request uses is read again, as on a new isolate)
// by a bucket that counts the objects and bytes each request reads. Each
// page must read at most readObjects objects of at most readBytes in all
// (contract.ReadObjects, ReadBytes) and list exactly what a brute-force
// listing of DIR/records.jsonl says: home, feeds, listing pages, year and
// month archives, tag pages, tags index pages, the sitemap index and every
// sitemap. Every page of the largest collection, its months and the three
// largest tags is checked, --sample pages or tags of the others. Exits 1 on
// any failure, printing the first ones.
import { readFileSync, createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { route } = await import(pathToFileURL(join(repo, 'worker/src/routes.js')).href);
const { Req } = await import(pathToFileURL(join(repo, 'worker/src/store.js')).href);

const { values: args } = parseArgs({ options: {
  dir: { type: 'string' }, sample: { type: 'string', default: '40' }, seed: { type: 'string', default: '1' },
} });
const meta = JSON.parse(readFileSync(join(args.dir, 'meta.json'), 'utf8'));
const S = meta.pageSize;
const now = Date.now();

// A small deterministic PRNG (mulberry32), so a seed samples the same pages.
let a = Number(args.seed) >>> 0;
const rand = () => {
  a = (a + 0x6d2b79f5) >>> 0;
  let t = Math.imul(a ^ (a >>> 15), a | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (n, k) => [...new Set(Array.from({ length: k }, () => 1 + Math.floor(rand() * n)))];

// The records, and the brute-force lists: newest first, then slug (then collection).
const byCol = new Map(meta.order.map((c) => [c, []]));
for await (const l of createInterface({ input: createReadStream(join(args.dir, 'records.jsonl')) })) {
  const r = JSON.parse(l);
  r.url = `${meta.routes[r.c]}/${r.s}`;
  byCol.get(r.c).push(r);
}
const cmp = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
const newest = (x, y) => cmp(y.d, x.d) || cmp(x.s, y.s) || cmp(x.c, y.c);
for (const l of byCol.values()) l.sort(newest);
const all = [...byCol.values()].flat().sort(newest);
const byTag = new Map();
const spellings = new Map();
for (const r of all) {
  const once = new Set(); // an entry listing a slug twice counts once, under its first spelling
  for (const [name, slug] of r.t || []) {
    if (once.has(slug)) continue;
    once.add(slug);
    if (!byTag.has(slug)) { byTag.set(slug, []); spellings.set(slug, new Map()); }
    byTag.get(slug).push(r);
    spellings.get(slug).set(name, (spellings.get(slug).get(name) || 0) + 1);
  }
}
const nameOf = (slug) => [...spellings.get(slug)].sort((x, y) => y[1] - x[1] || cmp(x[0], y[0]))[0][0];
const slugs = [...byTag.keys()].sort(cmp);
const shownAt = (r) => (!r.p || Date.parse(r.p) <= now) && (!r.e || Date.parse(r.e) > now);
const shown = (l) => l.filter(shownAt);
const urls = (l) => l.map((r) => r.url);
const pagesOf = (n) => Math.max(1, Math.floor(n / S));
const chunk = (l, p) => { const n = l.length; const i = pagesOf(n) - p; return l.slice(i < pagesOf(n) - 1 ? n - (i + 1) * S : 0, n - i * S); };
const pageAt = (n, x) => { const top = n - (pagesOf(n) - 1) * S; return x < top ? 1 : 2 + Math.floor((x - top) / S); };
const paged = (base, p) => (p === 1 ? base : `${base}?page=${p}`);

// The bucket: objects read from disk, counted per request.
let reads = 0;
let bytes = 0;
const env = {
  MANIFEST_TTL: '0',
  CONTENT: {
    async get(key) {
      reads++;
      try {
        const buf = await readFile(join(args.dir, 'objects', key));
        bytes += buf.length;
        return { body: null, etag: null, text: async () => buf.toString('utf8') };
      } catch (err) {
        if (err.code === 'ENOENT') return null;
        throw err;
      }
    },
  },
};

const unesc = (s) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]);
const grab = (re, body) => [...body.matchAll(re)].map((m) => unesc(m[1]).replace(/^https:\/\/example\.com/, ''));
const ENTRY = /<li><article><h2><a href="([^"]*)">/g;
const FEED = /<entry><title>[^<]*<\/title><link href="([^"]*)"\/>/g;
const LOC = /<loc>([^<]*)<\/loc>/g;
const ROW = /<li><a href="([^"]*)">([^<]*)<\/a> <span class="count">(\d+)<\/span><\/li>/g;
const rows = (body) => [...body.matchAll(ROW)].map((m) => `${m[1]} ${unesc(m[2])} ${m[3]}`);
const counts = (body) => [...body.matchAll(ROW)].map((m) => `${m[1]} ${m[3]}`);

const failures = [];
const seen = { pages: 0, maxReads: 0, maxBytes: 0, maxPath: '' };
function same(what, got, want) {
  if (got.length === want.length && got.every((x, i) => x === want[i])) return null;
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  return `${what}: ${got.length} listed, want ${want.length}; first difference at #${i + 1}: ${got[i] ?? '(end)'}, want ${want[i] ?? '(end)'}`;
}

/** page serves path through the router on a cold memo and checks its bounds, then its body. */
async function page(path, check) {
  reads = 0;
  bytes = 0;
  const rq = new Req(env, { waitUntil() {} });
  const res = await route(rq, new URL(`https://example.com${path}`));
  seen.pages++;
  if (bytes > seen.maxBytes) Object.assign(seen, { maxBytes: bytes, maxPath: path });
  seen.maxReads = Math.max(seen.maxReads, reads);
  if (res.status !== 200) return failures.push(`${path}: status ${res.status}`);
  if (reads > meta.readObjects || bytes > meta.readBytes) failures.push(`${path}: read ${reads} objects, ${bytes} bytes (bound ${meta.readObjects}, ${meta.readBytes})`);
  const problem = check(String(res.body));
  if (problem) failures.push(`${path}: ${problem}`);
}
const lists = (want, re = ENTRY) => (body) => same('entries', grab(re, body), want);

// Home and site feed: the 10 newest shown entries; each collection's shown count.
const latest = urls(shown(all).slice(0, 10));
const cols = meta.order.map((c) => `${meta.routes[c]}/ ${shown(byCol.get(c)).length}`);
await page('/', (b) => same('latest', grab(ENTRY, b), latest) || same('collections', counts(b), cols));
await page('/feed.xml', lists(latest, FEED));

const largestCol = meta.order.reduce((x, y) => (byCol.get(y).length > byCol.get(x).length ? y : x));
for (const c of meta.order) {
  const list = byCol.get(c);
  const route = meta.routes[c];
  const full = c === largestCol;
  const n = list.length;
  await page(`${route}/feed.xml`, lists(urls(shown(list).slice(0, 20)), FEED));
  const ps = full ? Array.from({ length: pagesOf(n) }, (_, i) => i + 1) : [1, 2, pagesOf(n), ...pick(pagesOf(n), Number(args.sample))];
  for (const p of new Set(ps.filter((p) => p <= pagesOf(n)))) await page(paged(`${route}/`, p), lists(urls(shown(chunk(list, p)))));
  // Months newest first, with the entries newer than each.
  const months = [];
  for (let i = 0; i < n;) {
    const key = list[i].d.slice(0, 7);
    let j = i;
    while (j < n && list[j].d.startsWith(key)) j++;
    months.push({ key, newer: i, count: j - i, shown: shown(list.slice(i, j)) });
    i = j;
  }
  const years = [...new Set(months.filter((m) => m.shown.length).map((m) => m.key.slice(0, 4)))];
  for (const y of years) {
    const want = months.filter((m) => m.key.startsWith(`${y}-`) && m.shown.length).map((m) => `${route}/${y}/${m.key.slice(5)}/ ${m.shown.length}`);
    await page(`${route}/${y}/`, (b) => same('months', counts(b), want));
  }
  const sampled = full ? months : months.filter(() => rand() < Number(args.sample) / months.length);
  for (const m of sampled.filter((x) => x.shown.length)) {
    const first = pageAt(n, m.newer);
    const last = pageAt(n, m.newer + m.count - 1);
    for (let k = first; k <= last; k++) {
      const want = urls(shown(chunk(list, k)).filter((r) => r.d.startsWith(m.key)));
      await page(paged(`${route}/${m.key.replace('-', '/')}/`, k - first + 1), lists(want));
    }
  }
}

// Tags index pages (all), tag pages: every page of the three largest tags, --sample other tags.
const visibleCount = (slug) => shown(byTag.get(slug)).length;
const tagsPages = Math.max(1, Math.ceil(slugs.length / S));
const tagRows = (i) => slugs.slice(i * S, (i + 1) * S).filter((s) => visibleCount(s) > 0).map((s) => `/tags/${s} ${nameOf(s)} ${visibleCount(s)}`);
for (let i = 0; i < tagsPages; i++) await page(paged('/tags/', i + 1), (b) => same('tags', rows(b), tagRows(i)));
const bySize = [...slugs].sort((x, y) => byTag.get(y).length - byTag.get(x).length);
const tagSample = new Set([...bySize.slice(0, 3), ...pick(slugs.length, Number(args.sample)).map((i) => slugs[i - 1])]);
for (const slug of tagSample) {
  const list = byTag.get(slug);
  if (!visibleCount(slug)) continue;
  const pages = pagesOf(list.length);
  const ps = bySize.indexOf(slug) < 3 || pages <= 4 ? Array.from({ length: pages }, (_, i) => i + 1) : [1, pages, ...pick(pages, 3)];
  const heading = `<h1>Tagged “${nameOf(slug).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch])}”</h1>`;
  for (const p of new Set(ps)) {
    await page(paged(`/tags/${slug}`, p), (b) => (b.includes(heading) ? lists(urls(shown(chunk(list, p))))(b) : `no ${heading}`));
  }
}

// Sitemaps: the index, then every one it should name.
const index = ['/sitemaps/pages.xml'];
const sitemaps = [];
for (const c of meta.order) {
  const list = byCol.get(c);
  const n = list.length;
  for (let i = 0; i * 500 < n; i++) {
    index.push(`/sitemaps/${c}-${i}.xml`);
    sitemaps.push([`/sitemaps/${c}-${i}.xml`, urls(shown(list.slice(Math.max(0, n - (i + 1) * 500), n - i * 500)))]);
  }
}
for (let i = 0; i < tagsPages; i++) {
  index.push(`/sitemaps/tags-${i}.xml`);
  sitemaps.push([`/sitemaps/tags-${i}.xml`, tagRows(i).map((r) => r.split(' ')[0])]);
}
await page('/sitemap.xml', (b) => same('sitemaps', grab(LOC, b), index));
for (const [path, want] of sitemaps) await page(path, (b) => same('urls', grab(LOC, b), want));
const pagesXML = ['/', '/tags/'];
for (const c of meta.order) {
  const route = meta.routes[c];
  const ms = [...new Set(shown(byCol.get(c)).map((r) => r.d.slice(0, 7)))];
  pagesXML.push(`${route}/`, ...new Set(ms.map((m) => `${route}/${m.slice(0, 4)}/`)), ...ms.map((m) => `${route}/${m.replace('-', '/')}/`));
}
await page('/sitemaps/pages.xml', (b) => same('urls (sorted)', grab(LOC, b).sort(cmp), pagesXML.sort(cmp)));

console.log(`scale.mjs: ${all.length} records, ${slugs.length} tags: ${seen.pages} pages checked; most reads ${seen.maxReads}, most bytes ${seen.maxBytes} (${seen.maxPath}); bound ${meta.readObjects} objects, ${meta.readBytes} bytes`);
for (const f of failures.slice(0, 30)) console.log(`FAIL ${f}`);
if (failures.length > 30) console.log(`… and ${failures.length - 30} more`);
if (failures.length) process.exit(1);
