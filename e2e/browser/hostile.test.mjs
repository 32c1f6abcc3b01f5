// hostile.test.mjs — stored script on the site's own origin, tried in a real
// browser (Debian's Chromium via playwright-core). The demo site is synced
// as usual, then hostile objects are written straight into its bucket
// (axctl validate would refuse them: this is what a bucket written by
// something else, or a bypassed validator, would hold): SVG with <script>,
// onload and a foreignObject handler, XHTML, XML with an XHTML script, HTML,
// HTML behind .png/.txt/.pdf/.js extensions with a lying stored
// Content-Type, and an entry page embedding an SVG with <img>. Chromium then
// opens every asset URL of the site, every non-HTML route (feeds, sitemap,
// robots, manifest JSON, redirects, errors) and the hostile ones, directly and
// embedded. Each payload would set document.title, write localStorage, log
// to the console, and fetch a probe server; the test asserts none of that
// happened. On a Worker without the sandbox CSP the SVG's script runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startSite, requireWorker } from './site.mjs';

const { chromium } = requireWorker('playwright-core');

const CHROMIUM = process.env.AXCTL_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

let site;
let probe; // { base, hits[] }
let assets; // asset paths the synced site serves
let hostile; // [{ path, name }]
let collection; // a collection of the demo site

/** startProbe listens for the requests a payload would make. */
async function startProbe() {
  const hits = [];
  const srv = http.createServer((req, res) => { hits.push(req.url); res.end(); });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return { base: `http://127.0.0.1:${srv.address().port}`, hits, close: () => new Promise((r) => srv.close(r)) };
}

/** payload is script that leaves a trace wherever it runs. */
const payload = (tag) => `document.title='PWNED ${tag}';try{localStorage.setItem('pwned','${tag}')}catch(e){}`
  + `console.log('PWNED ${tag}');fetch('${probe.base}/fetch/${tag}',{mode:'no-cors'}).catch(function(){});`
  + `(new Image()).src='${probe.base}/img/${tag}';`;

/** HOSTILE: [tag, extension, stored Content-Type, body]. */
const HOSTILE = () => [
  ['svg-script', 'svg', 'image/svg+xml', `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" onload="${payload('svg-onload')}"><script>${payload('svg-script')}</script><rect width="20" height="20" fill="red"/></svg>`],
  ['svg-foreign', 'svg', 'image/svg+xml', `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><foreignObject width="20" height="20"><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="${payload('svg-foreign')}"/></body></foreignObject></svg>`],
  ['svg-as-html', 'svg', 'text/html', `<html><body><script>${payload('svg-as-html')}</script></body></html>`],
  ['xhtml', 'xhtml', 'application/xhtml+xml', `<html xmlns="http://www.w3.org/1999/xhtml"><body><script>${payload('xhtml')}</script></body></html>`],
  ['xml', 'xml', 'application/xml', `<?xml version="1.0"?><root><script xmlns="http://www.w3.org/1999/xhtml">${payload('xml')}</script></root>`],
  ['rss', 'rss', 'application/rss+xml', `<?xml version="1.0"?><rss><script xmlns="http://www.w3.org/1999/xhtml">${payload('rss')}</script></rss>`],
  ['html', 'html', 'text/html', `<!doctype html><script>${payload('html')}</script>`],
  ['htm', 'htm', 'text/html', `<!doctype html><body onload="${payload('htm')}">`],
  ['png-is-html', 'png', 'text/html', `<!doctype html><script>${payload('png-is-html')}</script>`],
  ['txt-is-html', 'txt', 'text/html', `<!doctype html><script>${payload('txt-is-html')}</script>`],
  ['pdf-is-html', 'pdf', 'text/html', `<!doctype html><script>${payload('pdf-is-html')}</script>`],
  ['js-is-html', 'js', 'text/html', `<!doctype html><script>${payload('js-is-html')}</script>`],
  ['json-is-html', 'json', 'text/html', `<!doctype html><script>${payload('json-is-html')}</script>`],
];

/** hash32 makes a 32-hex-digit asset name from a tag. */
const hash32 = (tag) => Buffer.from(tag.padEnd(16, '.')).toString('hex').slice(0, 32);

/** seedHostile writes the hostile assets and an entry embedding the SVG into a dir-store. */
async function seedHostile(bucket) {
  const put = async (key, body, contentType, metadata = {}) => {
    await mkdir(dirname(join(bucket, key)), { recursive: true });
    await mkdir(dirname(join(bucket, '.meta', key)), { recursive: true });
    await writeFile(join(bucket, key), body);
    await writeFile(join(bucket, '.meta', `${key}.json`), JSON.stringify({ contentType, metadata }));
  };
  hostile = [];
  for (const [tag, ext, type, body] of HOSTILE()) {
    const name = `${hash32(tag)}.${ext}`;
    await put(`assets/${name}`, body, type);
    hostile.push({ tag, path: `/assets/${name}` });
  }
  collection = (await readdir(join(bucket, 'entries')))[0];
  const img = (tag) => `<img alt="${tag}" src="/assets/${hash32(tag)}.svg" width="20" height="20">`;
  await put(`entries/${collection}/hostile-embed.html`, `<!-- axctl ${'0'.repeat(32)} -->\n<p>${img('svg-script')}${img('svg-foreign')}</p>`,
    'text/html; charset=utf-8', { title: 'Embeds hostile SVG', date: '2026-01-01T00:00:00Z', words: '3', hash: '0'.repeat(32), input: '0'.repeat(32) });
  assets = (await readdir(join(bucket, 'assets'))).map((n) => `/assets/${n}`).filter((p) => !hostile.some((h) => h.path === p));
}

before(async () => {
  probe = await startProbe();
  site = await startSite({ seed: seedHostile });
});

after(async () => {
  await site?.stop();
  await probe?.close();
});

/**
 * open navigates to path and reports whether it rendered (a download does
 * not), the status, the headers, and the title the document ended with.
 */
async function open(context, path, events) {
  const page = await context.newPage();
  page.on('console', (m) => events.push(`console ${m.type()} at ${path}: ${m.text()}`));
  page.on('dialog', (d) => { events.push(`dialog at ${path}: ${d.message()}`); d.dismiss(); });
  page.on('pageerror', (e) => events.push(`page error at ${path}: ${e.message}`));
  try {
    const res = await page.goto(site.base + path, { waitUntil: 'load' });
    await page.waitForTimeout(150); // let onload handlers and fetches run
    const title = await page.title().catch(() => '');
    return { rendered: true, status: res.status(), headers: res.headers(), title, page };
  } catch (err) {
    if (!/Download is starting|net::ERR_ABORTED/.test(err.message)) throw err;
    await page.close();
    return { rendered: false };
  }
}

test('no script runs from any asset or non-HTML URL, opened directly or embedded', { timeout: 180000 }, async () => {
  assert.ok(assets.length > 0, 'the demo site has assets');
  const profile = await mkdtemp(join(tmpdir(), 'axctl-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, acceptDownloads: true });
  const events = [];
  try {
    const urls = [...assets, ...hostile.map((h) => h.path),
      '/feed.xml', `/${collection}/feed.xml`, '/sitemap.xml', '/robots.txt', `/metadata/${collection}.json`,
      `/${collection}`, '/Feed.xml', '/feed.xml?x=1', '/__internal/version', '/favicon.svg'];
    const opened = [];
    const problems = []; // gathered, so one run shows every failure
    for (const path of urls) {
      const t0 = Date.now();
      const r = await open(context, path, events);
      if (r.rendered) {
        if (/PWNED/.test(r.title)) problems.push(`${path}: script ran (title ${r.title})`);
        await r.page.close();
      }
      // The headers as sent (Chromium's PDF viewer reports its own response).
      const res = await fetch(site.base + path);
      const type = res.headers.get('content-type') || '';
      await res.arrayBuffer();
      opened.push(`${path} ${res.status} ${type} ${r.rendered ? 'rendered' : 'downloaded'} ${Date.now() - t0} ms`);
      if (!type.startsWith('text/html') && !/\bsandbox\b/.test(res.headers.get('content-security-policy') || '')) problems.push(`${path}: no sandbox CSP`);
      if (res.headers.get('x-content-type-options') !== 'nosniff') problems.push(`${path}: no nosniff`);
    }
    // The SVGs through <img> on one of the site's pages: shown, inert.
    const embed = await open(context, `/${collection}/hostile-embed`, events);
    assert.equal(embed.status, 200);
    const imgs = await embed.page.evaluate(() => [...document.images].map((i) => ({ alt: i.alt, w: i.naturalWidth })));
    assert.ok(imgs.some((i) => i.alt === 'svg-script' && i.w > 0), `the hostile SVG renders as an image: ${JSON.stringify(imgs)}`);
    if (/PWNED/.test(embed.title)) problems.push(`embedded SVG: script ran (title ${embed.title})`);
    await embed.page.close();
    // Nothing was left in the site origin's storage either.
    const home = await open(context, '/', events);
    const stored = await home.page.evaluate(() => localStorage.getItem('pwned'));
    if (stored !== null) problems.push(`localStorage of the site's origin written by ${stored}`);
    await home.page.close();
    await new Promise((r) => setTimeout(r, 300));
    console.log(`# opened ${opened.length} URLs:\n# ${opened.join('\n# ')}`);
    problems.push(...probe.hits.map((h) => `probe reached: ${h}`), ...events.filter((e) => /PWNED|dialog/.test(e)));
    assert.deepEqual(problems, [], 'no script ran, every non-HTML response is sandboxed');
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
});
