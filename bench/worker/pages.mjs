// pages.mjs — page render times in workerd (Miniflare), for axbench.
//
//   node bench/worker/pages.mjs --bucket DIR [--listing DIR] [--cold 15] [--warm 300] [--seed 1]
//
// --bucket is a dir-store written by `axctl sync --target file://DIR`; its
// objects are loaded into the R2 binding (persisted under a temp dir so a
// reload keeps them). "cold" = the first request after the Worker is
// reloaded (a new isolate: empty manifest memo); "warm" = requests to the
// same isolate after it has served others. Workers Cache is not emulated
// locally, so every request runs the Worker. --listing is a dir-store of the
// manifests of a 100,000-entry site (site.json, index, newest shards): the
// listing page /blog/ is timed the same way.
// Prints one JSON object: {entry: {cold, warm}, listing: {cold, warm}} with
// {n, median, p99} in milliseconds.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(repo, 'worker/package.json'));
const { Miniflare } = await import(pathToFileURL(require.resolve('miniflare')).href);
const { options } = await import(pathToFileURL(join(repo, 'worker/scripts/mf.mjs')).href);
const { readDir, putObject } = await import(pathToFileURL(join(repo, 'worker/scripts/bucket.mjs')).href);

const { values: args } = parseArgs({ options: {
  bucket: { type: 'string' }, listing: { type: 'string' },
  cold: { type: 'string', default: '15' }, warm: { type: 'string', default: '300' }, seed: { type: 'string', default: '1' },
} });

// A small deterministic PRNG (mulberry32) so runs request the same pages.
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

function summary(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { n: s.length, median: +at(0.5).toFixed(2), p99: +at(0.99).toFixed(2) };
}

async function timed(mf, path) {
  const t0 = performance.now();
  const res = await mf.dispatchFetch(`http://bench.example${path}`);
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${path}: status ${res.status}: ${body.slice(0, 200)}`);
  return ms;
}

// measure loads dir into a fresh Miniflare, then times cold and warm requests.
async function measure(dir, pick) {
  const persist = mkdtempSync(join(tmpdir(), 'axbench-r2-'));
  const opts = (id) => ({ ...options({ BUILD_ID: id }, { assets: false }), r2Persist: persist });
  const mf = new Miniflare(opts('load'));
  try {
    const objects = await readDir(dir);
    const bucket = await mf.getR2Bucket('CONTENT');
    for (let i = 0; i < objects.length; i += 32) {
      await Promise.all(objects.slice(i, i + 32).map((o) => putObject(bucket, o)));
    }
    const paths = pick(objects);
    const cold = [];
    for (let i = 0; i < Number(args.cold); i++) {
      await mf.setOptions(opts(`cold-${i}`)); // a new isolate: empty memo
      cold.push(await timed(mf, paths[i % paths.length]));
    }
    for (let i = 0; i < 20; i++) await timed(mf, paths[i % paths.length]); // warm up
    const warm = [];
    for (let i = 0; i < Number(args.warm); i++) warm.push(await timed(mf, paths[(i * 7 + 3) % paths.length]));
    return { objects: objects.length, cold: summary(cold), warm: summary(warm) };
  } finally {
    await mf.dispose();
    rmSync(persist, { recursive: true, force: true });
  }
}

const rand = rng(Number(args.seed));
const out = {};
if (args.bucket) {
  out.entry = await measure(args.bucket, (objects) => {
    const entries = objects.map((o) => o.key).filter((k) => k.startsWith('entries/'));
    const paths = [];
    for (let i = 0; i < 400; i++) {
      const k = entries[Math.floor(rand() * entries.length)];
      paths.push('/' + k.slice('entries/'.length, -'.html'.length));
    }
    return paths;
  });
}
if (args.listing) out.listing = await measure(args.listing, () => ['/blog/']);
console.log(JSON.stringify(out));
