// search.mjs — /search at scale (docs/search.md, "Costs"), on a dir-store
// written by `go run ./bench/search -out DIR` (site.json, the search root,
// the shards of the bench queries and of the planted labels, labels.json).
//
//   node bench/worker/search.mjs --bucket DIR [--warm 200]
//
// 1. Labels: each planted query's entry must be among the first 3 results
//    (exit 1 otherwise).
// 2. Reads on a cold isolate: index objects per query (site.json apart).
// 3. Worker CPU per query on a warm isolate, in Node's V8 (the engine
//    workerd runs): the handler with the bucket objects already in memory,
//    so the time is parsing the shards, ranking and rendering — no I/O.
//    cpuMean is process CPU time per call (not inflated by a busy machine).
// 4. Wall time per query in workerd (Miniflare, local R2), warm isolate.
// Prints one JSON object.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(repo, 'worker/package.json'));
const { Miniflare } = await import(pathToFileURL(require.resolve('miniflare')).href);
const { options } = await import(pathToFileURL(join(repo, 'worker/scripts/mf.mjs')).href);
const { readDir, putObject } = await import(pathToFileURL(join(repo, 'worker/scripts/bucket.mjs')).href);
const { searchPage } = await import(pathToFileURL(join(repo, 'worker/src/searchpage.js')).href);
const { parse, canonical } = await import(pathToFileURL(join(repo, 'worker/src/search.js')).href);

const { values: args } = parseArgs({ options: { bucket: { type: 'string' }, warm: { type: 'string', default: '200' } } });
const dir = args.bucket;
const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8'));
const QUERIES = ['cache', 'edge worker', 'purge sync cache'];

function summary(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { n: s.length, median: +at(0.5).toFixed(3), p99: +at(0.99).toFixed(3) };
}
const pathOf = (q) => `/search${canonical(parse(new URLSearchParams({ q })))}`;
const results = (html) => [...html.matchAll(/<li><article><h2><a href="([^"]+)">/g)].map((m) => m[1]);

const objects = (await readDir(dir)).filter((o) => o.key.startsWith('metadata/'));
const out = { objects: objects.length, labels: { n: labels.length, met: 0, missed: [] } };

// 3. CPU in V8: a request object over in-memory objects (what rq gives the handler).
const byKey = new Map(objects.map((o) => [o.key, o.body.toString('utf8')]));
const site = JSON.parse(byKey.get('metadata/site.json'));
const memo = new Map();
const rq = {
  now: Date.now(),
  json: async (k) => { if (!memo.has(k)) memo.set(k, byKey.has(k) ? JSON.parse(byKey.get(k)) : null); return memo.get(k); },
  object: async (k) => (byKey.has(k) ? { text: async () => byKey.get(k) } : null),
};
const cpu = {};
for (const q of QUERIES) {
  const url = new URL(`http://x${pathOf(q)}`);
  for (let i = 0; i < 20; i++) await searchPage(site, rq, url); // warm-up (JIT)
  const xs = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < Number(args.warm); i++) {
    const t0 = process.hrtime.bigint();
    const r = await searchPage(site, rq, url);
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (i === 0) cpu[`${q} bytes`] = Buffer.byteLength(r.body);
  }
  const used = process.cpuUsage(c0);
  // wall: per-call elapsed time (includes waiting for a busy CPU); cpuMean:
  // this process's user+system CPU over the calls, per call.
  cpu[q] = { wall: summary(xs), cpuMean: +((used.user + used.system) / 1000 / Number(args.warm)).toFixed(3) };
}
out.cpuMs = cpu;

// 1, 2, 4 in workerd.
const mf = new Miniflare({ ...options({}, { assets: false }) });
try {
  const bucket = await mf.getR2Bucket('CONTENT');
  for (const o of objects) await putObject(bucket, o);
  const get = (p) => mf.dispatchFetch(`http://site.test${p}`, { redirect: 'manual' });
  const version = async () => (await get('/__internal/version')).json();
  const reads = {};
  for (const q of QUERIES) {
    await mf.setOptions({ ...options({}, { assets: false }) }); // a new isolate: cold
    const before = (await version()).r2.byKey;
    await (await get(pathOf(q))).text();
    const after = (await version()).r2.byKey;
    reads[q] = Object.entries(after).filter(([k]) => k.startsWith('metadata/search'))
      .reduce((s, [k, c]) => s + c - (before[k] || 0), 0);
  }
  out.coldIndexReads = reads;
  for (const l of labels) {
    const r = await get(pathOf(l.q));
    const top = results(await r.text()).slice(0, 3);
    if (top.includes(l.want)) out.labels.met++;
    else out.labels.missed.push({ ...l, top });
  }
  const wall = {};
  for (const q of QUERIES) {
    const p = pathOf(q);
    for (let i = 0; i < 10; i++) await (await get(p)).text();
    const xs = [];
    for (let i = 0; i < Math.min(100, Number(args.warm)); i++) {
      const t0 = process.hrtime.bigint();
      await (await get(p)).text();
      xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    wall[q] = summary(xs);
  }
  out.workerdWallMs = wall;
} finally {
  await mf.dispose();
}
console.log(JSON.stringify(out));
if (out.labels.missed.length) process.exit(1);
