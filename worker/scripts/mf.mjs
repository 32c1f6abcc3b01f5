// mf.mjs — Miniflare options shared by serve.mjs and the tests: the Worker
// from src/ (or the bundle $AXCTL_WORKER_SCRIPT names, e.g. the minified
// dist/index.js `npm run size` builds), the R2 binding CONTENT, static assets
// from public/, no network.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** options builds the Miniflare options shared with the tests. */
export function options(bindings = {}, { assets = true } = {}) {
  return {
    rootPath: root,
    modules: true,
    modulesRules: [{ type: 'ESModule', include: ['**/*.js'] }],
    scriptPath: process.env.AXCTL_WORKER_SCRIPT || join(root, 'src/index.js'),
    compatibilityDate: '2026-04-20',
    r2Buckets: ['CONTENT'],
    cf: false,
    bindings: { BUILD_ID: 'dev', ...bindings },
    ...(assets && { assets: { directory: join(root, 'public'), routerConfig: { has_user_worker: true } } }),
  };
}

