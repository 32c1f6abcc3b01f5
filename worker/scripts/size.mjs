// size.mjs — the bundle budget: build with `wrangler deploy --dry-run` (the
// config's `minify: true`, so exactly the script a deploy uploads) and fail
// when the Worker script is over 25 KiB gzip.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET = 25 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
execFileSync(join(root, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', out], {
  cwd: root, stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
});
let total = 0;
for (const f of readdirSync(out)) if (f.endsWith('.js')) total += gzipSync(readFileSync(join(out, f)), { level: 9 }).length;
const verdict = total <= BUDGET ? 'ok' : 'OVER BUDGET';
console.log(`bundle: ${(total / 1024).toFixed(2)} KiB gzip (budget ${BUDGET / 1024} KiB) ${verdict}`);
process.exit(total <= BUDGET ? 0 : 1);
