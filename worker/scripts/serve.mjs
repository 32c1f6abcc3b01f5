// serve.mjs — a local preview of the site in workerd (Miniflare): the R2
// binding seeded from a dir-store (`axctl sync --target file://DIR`), the
// static assets from ./public. Usage: node scripts/serve.mjs [--port N] DIR
// (port default: $PORT or 8787). Prints the URL; Ctrl-C or SIGTERM stops it (exit 0).
import { Miniflare } from 'miniflare';
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { loadDir } from './bucket.mjs';
import { options } from './mf.mjs';

process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { port: { type: 'string' } } });
const dir = positionals[0];
const port = Number(values.port || process.env.PORT || 8787);
if (!dir || positionals.length > 1 || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: node scripts/serve.mjs [--port N] BUCKET_DIR   (default port: $PORT or 8787)');
  process.exit(2);
}

// Seed first into a persisted store, then start the server on it: no request
// can reach the Worker (and memoise an empty bucket) before the content is in.
const persist = await mkdtemp(join(tmpdir(), 'axctl-r2-'));
const base = options(process.env.PURGE_SECRET ? { PURGE_SECRET: process.env.PURGE_SECRET } : {});
const seeder = new Miniflare({ ...base, r2Persist: persist });
const n = await loadDir(resolve(dir), await seeder.getR2Bucket('CONTENT'));
await seeder.dispose();

const mf = new Miniflare({ ...base, r2Persist: persist, host: '127.0.0.1', port });
const url = await mf.ready;
console.log(`serving ${n} objects from ${dir} at ${url.href.replace(/\/$/, '')}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await mf.dispose();
  await rm(persist, { recursive: true, force: true });
  process.exit(0);
}
// Miniflare's exit hook answers a signal with exit code 130/143; take the
// signals over so a stop is a clean exit 0 after disposing workerd.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.removeAllListeners(sig);
  process.on(sig, stop);
}
