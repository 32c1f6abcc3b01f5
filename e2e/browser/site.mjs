// site.mjs — the demo site for the browser and validator tests, built the way
// a user builds it: `go build` axctl, `axctl sync` content/ into a temporary
// file:// bucket, then worker/scripts/serve.mjs (workerd) on a free port.
// Also: a small same-origin crawler and lookups into content/.
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WORKER = join(REPO, 'worker');
export const OUT = join(REPO, 'out');
/** requireWorker resolves packages from worker/node_modules (npm ci installs them there). */
export const requireWorker = createRequire(join(WORKER, 'package.json'));

async function freePort() {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

/**
 * startSite builds axctl, syncs content/ into a fresh bucket and serves it.
 * seed(bucketDir), when given, runs between the sync and the server: it may
 * write objects axctl would refuse straight into the dir-store. pageSize,
 * when given, syncs a copy of the site with that page size (so listings and
 * tag pages of the small demo have a numbered pager).
 * cwd, when given, is the site to sync instead of this repository's
 * (a folder with its own axctl.yaml and content/).
 * It returns { base, dir, stop }; stop() ends the server and removes dir.
 */
export async function startSite({ seed, pageSize, cwd: siteDir } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'axctl-browser-'));
  const bin = join(dir, 'axctl');
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
  await run('go', ['build', '-o', bin, './cmd/axctl'], { cwd: REPO, env });
  let cwd = siteDir || REPO;
  if (pageSize && !siteDir) {
    cwd = join(dir, 'site');
    await cp(join(REPO, 'content'), join(cwd, 'content'), { recursive: true });
    const config = (await readFile(join(REPO, 'axctl.yaml'), 'utf8')).replace(/^pageSize: \d+/m, `pageSize: ${pageSize}`);
    if (!config.includes(`pageSize: ${pageSize}`)) throw new Error('axctl.yaml has no pageSize line to change');
    await writeFile(join(cwd, 'axctl.yaml'), config);
  }
  await run(bin, ['sync', '-q', '--target', `file://${join(dir, 'bucket')}`], { cwd, env });
  if (seed) await seed(join(dir, 'bucket'));
  const port = await freePort();
  const child = spawn(process.execPath, [join(WORKER, 'scripts/serve.mjs'), '--port', String(port), join(dir, 'bucket')],
    { cwd: WORKER, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { out += d; });
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve.mjs not ready after 60 s: ${out}`)), 60000);
      child.stdout.on('data', (d) => { out += d; if (out.includes('serving')) { clearTimeout(timer); resolve(); } });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve.mjs exited ${code}: ${out}`)); });
    });
  } catch (err) {
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    dir,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** contentEntries lists content/**.md as { path, url, text }, url = /collection/slug. */
export async function contentEntries() {
  const root = join(REPO, 'content');
  const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.md')).sort();
  return Promise.all(files.map(async (f) => ({
    path: join('content', f),
    url: '/' + relative(root, join(root, f)).replace(/\.md$/, ''),
    text: await readFile(join(root, f), 'utf8'),
  })));
}

/** frontmatter returns the YAML block of an entry as text ('' when none). */
export function frontmatter(text) {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
  return m ? m[1] : '';
}

/** sitemapPaths fetches /sitemap.xml and returns its <loc> paths, following a sitemap index (the baseURL host is ignored). */
export async function sitemapPaths(base, path = '/sitemap.xml') {
  const xml = await (await fetch(`${base}${path}`)).text();
  const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  if (!/<sitemapindex\b/.test(xml)) return locs;
  return (await Promise.all(locs.map((p) => sitemapPaths(base, p)))).flat(); // a sitemap index: its sitemaps' paths
}

/**
 * crawl fetches every same-origin page reachable from the seeds (following
 * href attributes) and returns Map(path → { status, type, body }).
 */
export async function crawl(base, seeds, limit = 2000) {
  const seen = new Map();
  const queue = [...seeds];
  while (queue.length && seen.size < limit) {
    const path = queue.shift();
    if (seen.has(path)) continue;
    const res = await fetch(base + path, { redirect: 'manual' });
    const type = res.headers.get('content-type') || '';
    const body = await res.text();
    seen.set(path, { status: res.status, type, body, location: res.headers.get('location') });
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      const u = new URL(res.headers.get('location'), base + path);
      if (u.origin === base) queue.push(u.pathname + u.search);
      continue;
    }
    if (!type.startsWith('text/html')) continue;
    for (const m of body.matchAll(/\s(?:href|src)="([^"#]*)(?:#[^"]*)?"/g)) {
      if (!m[1]) continue;
      const u = new URL(m[1].replace(/&amp;/g, '&'), base + path);
      if (u.origin === base && !seen.has(u.pathname + u.search)) queue.push(u.pathname + u.search);
    }
  }
  return seen;
}
