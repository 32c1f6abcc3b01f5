// dev.mjs — the server behind `axctl dev` (internal/dev), embedded in axctl,
// written to a temporary file and run by node in the Worker's directory:
// 'miniflare' is resolved from that directory's node_modules.
//
// The Worker from src/ runs in workerd (Miniflare) with an R2 binding that
// axctl keeps equal to the local bucket. In front of it, a small HTTP server
// adds what only dev has: a reload channel (server-sent events at EVENTS), the
// same-origin script that listens to it (SCRIPT, linked from every HTML page,
// with the CSP widened by exactly `script-src 'self'; connect-src 'self'`), and
// an overlay page instead of HTML while the content has problems.
//
// axctl talks to it in lines of JSON. stdin: {seq, put: [{key, body (base64),
// contentType, cacheControl, metadata}], delete: [key], problems: [string] or
// null, listen: true on the last message of the first load}; stdout: {ready:
// url} once that message is in the binding and the server listens, and
// {done: seq} after each message. End of stdin, SIGINT
// or SIGTERM: the server closes, workerd is disposed, exit 0.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

const EVENTS = '/_axctl/events';
const SCRIPT = '/_axctl/reload.js';
const TAG = `<script src="${SCRIPT}" defer></script>`;
const RELOAD_JS = `// axctl dev only: reload this tab when axctl has synced a change.
new EventSource(${JSON.stringify(EVENTS)}).addEventListener('reload', () => location.reload());
`;
const DEV_CSP = "script-src 'self'; connect-src 'self'";
const OVERLAY_CSP = `default-src 'none'; ${DEV_CSP}; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const root = process.cwd();
const mod = await import(pathToFileURL(createRequire(join(root, 'package.json')).resolve('miniflare')).href);
const Miniflare = mod.Miniflare ?? mod.default.Miniflare;
const host = process.env.AXCTL_DEV_HOST || '127.0.0.1';
const port = Number(process.env.AXCTL_DEV_PORT ?? 8787);

// The compatibility date is the Worker's own (wrangler.jsonc), so dev runs
// what a deploy runs.
const wrangler = readFileSync(join(root, 'wrangler.jsonc'), 'utf8');
const compat = /"compatibility_date"\s*:\s*"([0-9-]+)"/.exec(wrangler);
if (!compat) throw new Error(`${join(root, 'wrangler.jsonc')}: no compatibility_date`);

const mf = new Miniflare({
  rootPath: root,
  modules: true,
  modulesRules: [{ type: 'ESModule', include: ['**/*.js'] }],
  scriptPath: join(root, 'src/index.js'),
  compatibilityDate: compat[1],
  r2Buckets: ['CONTENT'],
  cf: false,
  // MANIFEST_TTL 0: every request reads the manifests again, so a page
  // reloaded after a sync sees it at once.
  bindings: { BUILD_ID: 'dev', MANIFEST_TTL: '0' },
  assets: { directory: join(root, 'public'), routerConfig: { has_user_worker: true } },
  host: '127.0.0.1',
  port: 0,
});
const bucket = await mf.getR2Bucket('CONTENT');

let problems = null; // the problems of the last sync, while there are any
const clients = new Set(); // open event streams

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function overlay() {
  const n = problems.length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>axctl dev: ${n} problem(s)</title>
<link rel="stylesheet" href="/static/site.css">${TAG}</head>
<body><main><h1>axctl dev: ${n} problem(s), nothing was synced</h1>
<p>Fix the content and save: this page reloads.</p>
<pre class="axctl-dev-problems">${problems.map(escape).join('\n')}</pre></main></body></html>
`;
}

function wantsHTML(req) {
  return (req.method === 'GET' || req.method === 'HEAD') && /text\/html/.test(req.headers.accept || '');
}

async function body(req) {
  const parts = [];
  for await (const c of req) parts.push(c);
  return Buffer.concat(parts);
}

/** proxy passes a request to the Worker; HTML comes back with the reload script linked. */
async function proxy(req, res) {
  const headers = { ...req.headers };
  delete headers['accept-encoding'];
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const r = await mf.dispatchFetch(new URL(req.url, `http://${req.headers.host || `${host}:${port}`}`), {
    method: req.method, headers, body: hasBody ? await body(req) : undefined, redirect: 'manual',
  });
  const out = {};
  for (const [k, v] of r.headers) if (!/^(content-length|content-encoding|transfer-encoding|mf-.*)$/.test(k)) out[k] = v;
  out['cache-control'] = 'no-store'; // dev: the browser asks again after every reload
  let bytes = Buffer.from(await r.arrayBuffer());
  if ((out['content-type'] || '').startsWith('text/html')) {
    const html = bytes.toString('utf8');
    const at = html.indexOf('</head>');
    bytes = Buffer.from(at < 0 ? html + TAG : html.slice(0, at) + TAG + html.slice(at));
    if (out['content-security-policy']) out['content-security-policy'] += `; ${DEV_CSP}`;
  }
  res.writeHead(r.status, out);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

async function serve(req, res) {
  const path = new URL(req.url, 'http://localhost').pathname;
  if (path === EVENTS) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.write('retry: 250\n\n');
    clients.add(res);
    req.on('close', () => clients.delete(res));
    return;
  }
  if (path === SCRIPT) {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : RELOAD_JS);
    return;
  }
  if (problems && wantsHTML(req)) {
    res.writeHead(500, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': OVERLAY_CSP, 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : overlay());
    return;
  }
  await proxy(req, res);
}

const server = createServer((req, res) => {
  serve(req, res).catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('axctl dev: the Worker did not answer\n');
  });
});

/** apply copies one message's objects into the binding, then tells every open tab to reload. */
async function apply(msg) {
  const puts = msg.put || [];
  for (let i = 0; i < puts.length; i += 16) {
    await Promise.all(puts.slice(i, i + 16).map((o) => {
      const httpMetadata = {};
      if (o.contentType) httpMetadata.contentType = o.contentType;
      if (o.cacheControl) httpMetadata.cacheControl = o.cacheControl;
      return bucket.put(o.key, new Uint8Array(Buffer.from(o.body, 'base64')), { httpMetadata, customMetadata: o.metadata || {} });
    }));
  }
  if (msg.delete && msg.delete.length) await bucket.delete(msg.delete);
  problems = msg.problems && msg.problems.length ? msg.problems : null;
  for (const c of clients) c.write(`event: reload\ndata: ${msg.seq}\n\n`);
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of clients) c.end();
  server.close();
  await mf.dispose();
  process.exit(code);
}
// Miniflare's exit hook answers a signal with exit code 130/143; take the
// signals over so a stop is a clean exit 0 after disposing workerd.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.removeAllListeners(sig);
  process.on(sig, () => stop(0));
}

const send = (v) => process.stdout.write(JSON.stringify(v) + '\n');
let chain = Promise.resolve();
let first = true;
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  chain = chain.then(async () => {
    const msg = JSON.parse(line);
    await apply(msg);
    if (msg.listen && first) {
      first = false;
      await new Promise((ok, fail) => server.once('error', fail).listen(port, host, ok));
      const a = server.address();
      send({ ready: `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` });
    }
    send({ done: msg.seq });
  }).catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    stop(1);
  });
});
lines.on('close', () => chain.then(() => stop(0)));
