// serve-flaky.mjs — serve.mjs with testdata/flaky-r2.js as the Worker: R2
// seeded from a dir-store, static assets from worker/public, and the R2
// switch routes. Usage: node soak/testdata/serve-flaky.mjs --port N
// [--inspector-port M] DIR (M: workerd's inspector, for heap.mjs)
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const require = createRequire(join(repo, 'worker', 'package.json'));
const { Miniflare } = require('miniflare');
const { options } = await import(join(repo, 'worker', 'scripts', 'mf.mjs'));
const { loadDir } = await import(join(repo, 'worker', 'scripts', 'bucket.mjs'));

const { values, positionals } = parseArgs({ allowPositionals: true, options: { port: { type: 'string' }, 'inspector-port': { type: 'string' } } });
const port = Number(values.port);
const persist = await mkdtemp(join(tmpdir(), 'axctl-soak-r2-'));
const base = { ...options({}), rootPath: repo, scriptPath: join(here, 'flaky-r2.js') };
const seeder = new Miniflare({ ...base, r2Persist: persist });
const n = await loadDir(resolve(positionals[0]), await seeder.getR2Bucket('CONTENT'));
await seeder.dispose();
const inspector = values['inspector-port'] && { inspectorPort: Number(values['inspector-port']) };
const mf = new Miniflare({ ...base, r2Persist: persist, host: '127.0.0.1', port, ...inspector });
const url = await mf.ready;
console.log(`serving ${n} objects at ${url.href.replace(/\/$/, '')} (R2 switch at /__soak/r2/)`);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.removeAllListeners(sig);
  process.on(sig, async () => { await mf.dispose(); await rm(persist, { recursive: true, force: true }); process.exit(0); });
}
