// origin.mjs — a faulty origin for the end-to-end test: the real Worker in
// workerd (through probe.js) whose R2 binding throws on every call, so every
// content route answers 503. Usage: node e2e/testdata/origin.mjs --port N
// (exits on SIGTERM). Miniflare comes from worker/node_modules.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const require = createRequire(join(repo, 'worker', 'package.json'));
const { Miniflare } = require('miniflare');
const { options } = await import(join(repo, 'worker', 'scripts', 'mf.mjs'));

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const port = Number(values.port);
const broken = `import { WorkerEntrypoint } from 'cloudflare:workers';
export class Broken extends WorkerEntrypoint {
  async get() { throw new Error('R2 is down'); }
  async head() { throw new Error('R2 is down'); }
  async list() { throw new Error('R2 is down'); }
}
export default { fetch() { return new Response('x'); } };`;

const { r2Buckets, cf, ...site } = options({}, { assets: false });
const mf = new Miniflare({
  cf: false, host: '127.0.0.1', port,
  workers: [
    { ...site, name: 'site', rootPath: repo, scriptPath: join(here, 'probe.js'),
      serviceBindings: { CONTENT: { name: 'broken', entrypoint: 'Broken' } } },
    { name: 'broken', modules: true, script: broken, compatibilityDate: site.compatibilityDate },
  ],
});
const url = await mf.ready;
console.log(`faulty origin at ${url.href.replace(/\/$/, '')}`);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.removeAllListeners(sig);
  process.on(sig, async () => { await mf.dispose(); process.exit(0); });
}
