// live.mjs — the real Worker in workerd (through live.js) reading an S3
// bucket as it changes: nothing is copied or seeded, so a sync is seen
// without a restart. Usage: node e2e/testdata/live.mjs --port N --s3 URL
// [--manifest-ttl S] (URL: http://host:port/bucket/[prefix/]; the bucket must
// allow anonymous reads). Exits on SIGTERM. Miniflare comes from worker/node_modules.
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

const { values } = parseArgs({ options: { port: { type: 'string' }, s3: { type: 'string' }, 'manifest-ttl': { type: 'string' } } });
const bindings = { S3_BASE: values.s3, ...(values['manifest-ttl'] !== undefined && { MANIFEST_TTL: values['manifest-ttl'] }) };
const { r2Buckets, ...site } = options(bindings);
const mf = new Miniflare({ ...site, rootPath: repo, scriptPath: join(here, 'live.js'), host: '127.0.0.1', port: Number(values.port) });
const url = await mf.ready;
console.log(`live Worker on ${values.s3} at ${url.href.replace(/\/$/, '')}`);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.removeAllListeners(sig);
  process.on(sig, async () => { await mf.dispose(); process.exit(0); });
}
