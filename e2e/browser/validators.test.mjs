// validators.test.mjs — the demo site through independent, third-party
// checkers: every HTML page (crawled from the sitemap and the links on each
// page, plus the 404 page) through the Nu HTML Checker (vnu.jar, from npm),
// every Atom feed through Debian's python3-feedparser (bozo must be 0), and
// the sitemap through Python's expat parser. Also: no internal link is broken.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSite, sitemapPaths, crawl, requireWorker } from './site.mjs';

const run = promisify(execFile);
// Debian's python3, where apt installs python3-feedparser (a pyenv python3 on PATH would not have it).
const PYTHON = process.env.AXCTL_PYTHON || '/usr/bin/python3';
const VNU = requireWorker.resolve('vnu-jar/build/dist/vnu.jar');

let site;
let pages; // Map path → { status, type, body }
let dir;
/** NOT_FOUND are the kinds of 404: an unknown route, a missing entry, a tag gone, a path no key can answer. */
const NOT_FOUND = ['/no-such-page', '/blog/no-such-entry', '/tags/no-such-tag', '/a_b/'];

before(async () => {
  site = await startSite();
  dir = await mkdtemp(join(tmpdir(), 'axctl-validate-'));
  const seeds = ['/', ...NOT_FOUND, '/feed.xml', '/sitemap.xml', ...await sitemapPaths(site.base), ...await archives()];
  pages = await crawl(site.base, seeds);
});

after(async () => {
  await site?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** archives lists the year and month archive pages of every entry in the sitemap (nothing links to them). */
async function archives() {
  let xml = await (await fetch(`${site.base}/sitemap.xml`)).text();
  if (/<sitemapindex\b/.test(xml)) { // an index: read the sitemaps it names
    const parts = await Promise.all([...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map(async (m) => (await fetch(site.base + new URL(m[1]).pathname)).text()));
    xml = parts.join('\n');
  }
  const out = new Set();
  for (const m of xml.matchAll(/<loc>[^<]*?\/\/[^/]+\/([^/<]+)\/[^<]+<\/loc><lastmod>(\d{4})-(\d{2})/g)) {
    out.add(`/${m[1]}/${m[2]}/`).add(`/${m[1]}/${m[2]}/${m[3]}/`);
  }
  assert.ok(out.size > 0, 'the sitemap has dated entries');
  return [...out];
}

const html = () => [...pages].filter(([, p]) => p.type.startsWith('text/html'));
const feeds = () => [...pages].filter(([, p]) => p.type.startsWith('application/atom+xml'));

/** python runs a script with input on stdin and resolves to its exit code and output. */
function python(script, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(input);
  });
}

test('the crawl reached every kind of page, and no internal link is broken', () => {
  const paths = [...pages.keys()];
  for (const want of ['/', '/blog/', '/docs/', '/tags/', '/feed.xml', '/sitemap.xml', ...NOT_FOUND]) {
    assert.ok(pages.has(want), `crawled ${want}`);
  }
  assert.ok(paths.some((p) => /^\/tags\/[^/]+$/.test(p)), 'crawled a tag page');
  assert.ok(paths.some((p) => /^\/[^/]+\/\d{4}\/\d{2}\/$/.test(p)), 'crawled a month archive');
  assert.ok(html().length >= 20, `crawled ${html().length} HTML pages`);
  for (const p of NOT_FOUND) assert.equal(pages.get(p).status, 404, p);
  const broken = [...pages].filter(([p, r]) => !NOT_FOUND.includes(p) && r.status >= 400).map(([p, r]) => `${r.status} ${p}`);
  assert.deepEqual(broken, [], 'every linked URL answers');
});

test('every HTML page passes the Nu HTML Checker with zero errors', { timeout: 180000 }, async () => {
  const files = [];
  for (const [path, page] of html()) {
    const name = join(dir, `${files.length.toString().padStart(3, '0')}${path.replace(/[^a-z0-9]+/gi, '_')}.html`);
    await writeFile(name, page.body);
    files.push(name);
  }
  let out;
  try {
    const r = await run('java', ['-jar', VNU, '--errors-only', '--format', 'gnu', ...files], { maxBuffer: 16 << 20 });
    out = r.stdout + r.stderr;
  } catch (err) {
    out = `${err.stdout || ''}${err.stderr || ''}` || String(err);
  }
  assert.equal(out.trim(), '', `vnu reported errors on ${files.length} pages:\n${out}`);
});

test('the stylesheet passes the Nu CSS checker', { timeout: 60000 }, async () => {
  const res = await fetch(`${site.base}/static/site.css`);
  assert.equal(res.status, 200);
  const css = join(dir, 'site.css');
  await writeFile(css, await res.text());
  let out;
  try {
    const r = await run('java', ['-jar', VNU, '--css', '--errors-only', '--format', 'gnu', css]);
    out = r.stdout + r.stderr;
  } catch (err) {
    out = `${err.stdout || ''}${err.stderr || ''}` || String(err);
  }
  assert.equal(out.trim(), '', `vnu --css:\n${out}`);
});

test('every Atom feed parses in feedparser without bozo', async () => {
  const list = feeds();
  assert.ok(list.length >= 3, `found ${list.length} feeds (site and one per collection)`);
  const script = [
    'import feedparser, sys',
    'd = feedparser.parse(sys.stdin.buffer.read())',
    'print(d.version, len(d.entries), sum(1 for e in d.entries if e.get("content")), d.bozo, d.get("bozo_exception", ""))',
    'sys.exit(1 if d.bozo or d.version != "atom10" or not d.entries or not all(e.get("link") and e.get("title") and e.get("updated") for e in d.entries) else 0)',
  ].join('\n');
  for (const [path, feed] of list) {
    const { code, out } = await python(script, feed.body);
    assert.equal(code, 0, `${path}: feedparser says ${out}`);
    // axctl.yaml sets feed.full on the blog: every entry of its feed carries its body.
    if (path === '/blog/feed.xml') assert.match(out, /^atom10 (\d+) \1 /, `${path}: entries with content: ${out}`);
  }
});

test('sitemap.xml is well-formed and lists absolute URLs', async () => {
  const script = [
    'import sys, xml.dom.minidom',
    'doc = xml.dom.minidom.parseString(sys.stdin.buffer.read())',
    'root = doc.documentElement',
    'assert root.tagName in ("urlset", "sitemapindex"), root.tagName',
    'assert root.getAttribute("xmlns") == "http://www.sitemaps.org/schemas/sitemap/0.9"',
    'locs = [n.firstChild.data for n in doc.getElementsByTagName("loc")]',
    'assert locs and all(l.startswith(("http://", "https://")) for l in locs), locs',
    'assert len(locs) == len(set(locs)), "duplicate loc"',
    'print(len(locs))',
  ].join('\n');
  const { code, out } = await python(script, pages.get('/sitemap.xml').body);
  assert.equal(code, 0, `sitemap: ${out}`);
});
