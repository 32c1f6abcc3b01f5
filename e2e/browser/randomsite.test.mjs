// randomsite.test.mjs — pages nobody here wrote, through the real parts.
// internal/testutil/rawgen/rawsite writes a seeded random site (raw HTML
// nested at random, Markdown headings, tables, footnotes, code, images with
// and without alt, links; titles short, long, Unicode, right-to-left;
// with and without description, author, tags; drafts, scheduled and expired
// entries). The entries `axctl validate` refuses are removed, the rest is
// synced to a file:// bucket and served by workerd (site.mjs), every page
// kind is crawled (entries, listings and their pagers, tag pages, year and
// month archives, search results, 404s) and the whole batch goes through
// the Nu HTML Checker in one run: 0 errors. Then axe-core in Chromium on a
// sample of each kind: 0 violations (the page's CSP bypassed so axe's
// script can run).
//
// RANDOMSITE_SEEDS (default "1,2"), RANDOMSITE_N (entries per site, default
// 40), RANDOMSITE_AXE (pages per kind for axe, default 2), RANDOMSITE_KEEP
// (a folder the sites and pages are copied into). make soak runs more.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO, startSite, sitemapPaths, crawl, requireWorker } from './site.mjs';

const run = promisify(execFile);
const VNU = requireWorker.resolve('vnu-jar/build/dist/vnu.jar');
const AXE = requireWorker.resolve('axe-core/axe.min.js');
const { chromium } = requireWorker('playwright-core');
const CHROMIUM = process.env.AXCTL_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const SEEDS = (process.env.RANDOMSITE_SEEDS || '1,2').split(',').map(Number);
const N = Number(process.env.RANDOMSITE_N || 40);
const AXE_PER_KIND = Number(process.env.RANDOMSITE_AXE || 2);
const KEEP = process.env.RANDOMSITE_KEEP;
const NOT_FOUND = ['/no-such-page', '/blog/no-such-entry', '/tags/no-such-tag'];

const work = await mkdtemp(join(tmpdir(), 'axctl-randomsite-'));
after(() => rm(work, { recursive: true, force: true }));

/** outcome runs a command and resolves to its combined output and exit code (no throw). */
async function outcome(cmd, args, opts = {}) {
  try {
    const r = await run(cmd, args, { maxBuffer: 64 << 20, ...opts });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    if (err.code === undefined || typeof err.code === 'string') throw err;
    return { code: err.code, out: `${err.stdout || ''}${err.stderr || ''}` };
  }
}

/** kind names the page kind of a path, for the axe sample. */
function kind(path, status) {
  if (status === 404) return 'notfound';
  if (path.startsWith('/search')) return 'search';
  if (path === '/') return 'home';
  if (/^\/tags\/?$/.test(path)) return 'tags';
  if (path.startsWith('/tags/')) return 'tag';
  if (/^\/[^/]+\/\d{4}\/(\d{2}\/)?$/.test(path)) return 'archive';
  if (/^\/[^/]+\/(\?.*)?$/.test(path)) return 'listing';
  return 'entry';
}

/** site generates seed's site, keeps what validate accepts, serves it and crawls it. */
async function site(seed) {
  const dir = join(work, `site-${seed}`);
  await mkdir(dir);
  await run('go', ['run', './internal/testutil/rawgen/rawsite', '-seed', String(seed), '-n', String(N), dir], { cwd: REPO });
  const bin = join(work, 'axctl');
  await run('go', ['build', '-o', bin, './cmd/axctl'], { cwd: REPO });
  const first = await outcome(bin, ['validate'], { cwd: dir });
  // Errors are path:line:col: message; warnings say "warning:" after the position.
  const refused = new Set([...first.out.matchAll(/^(content\/[^:\n]+\.md):\d+:\d+: (?!warning:)/gm)].map((m) => m[1]));
  for (const f of refused) await unlink(join(dir, f));
  const second = await outcome(bin, ['validate'], { cwd: dir });
  assert.equal(second.code, 0, `seed ${seed}: validate still refuses after removing ${refused.size} entries:\n${second.out}`);
  const served = await startSite({ cwd: dir });
  try {
    const seeds = ['/', '/blog/', '/docs/', '/tags/', '/search?q=alpha', '/search?q=caf%C3%A9', '/search?q=', ...NOT_FOUND,
      ...await sitemapPaths(served.base)];
    for (const p of await sitemapPaths(served.base)) { // year and month archives (nothing links to every one)
      const m = /^\/([^/]+)\/[^/]+$/.exec(p);
      if (!m) continue;
      const html = await (await fetch(served.base + p)).text();
      const a = /<p class="archive">Filed in <a href="([^"]+)"/.exec(html);
      if (a) seeds.push(a[1], a[1].replace(/\d{2}\/$/, ''));
    }
    const pages = await crawl(served.base, seeds);
    return { seed, dir, served, pages, entries: N - refused.size };
  } catch (err) {
    await served.stop();
    throw err;
  }
}

const sites = [];
after(async () => { for (const s of sites) await s.served.stop(); });

test('random sites: every page kind through the Nu HTML Checker, 0 errors', { timeout: 600000 }, async () => {
  const files = [];
  const counts = [];
  const pagesDir = join(work, 'pages');
  await mkdir(pagesDir);
  for (const seed of SEEDS) {
    const s = await site(seed);
    sites.push(s);
    const html = [...s.pages].filter(([, p]) => p.type.startsWith('text/html'));
    const kinds = new Set(html.map(([p, r]) => kind(p, r.status)));
    for (const k of ['home', 'listing', 'tags', 'tag', 'archive', 'search', 'notfound', 'entry']) {
      assert.ok(kinds.has(k), `seed ${seed}: crawled a ${k} page (kinds: ${[...kinds]})`);
    }
    const broken = [...s.pages].filter(([p, r]) => !NOT_FOUND.includes(p) && r.status >= 400).map(([p, r]) => `${r.status} ${p}`);
    assert.deepEqual(broken, [], `seed ${seed}: every linked URL answers`);
    for (const [path, page] of html) {
      const name = join(pagesDir, `s${seed}-${files.length.toString().padStart(4, '0')}${path.replace(/[^a-z0-9]+/gi, '_').slice(0, 80)}.html`);
      await writeFile(name, page.body);
      files.push(name);
    }
    counts.push(`seed ${seed}: ${s.entries} of ${N} entries validate, ${html.length} HTML pages`);
  }
  if (KEEP) {
    await cp(work, KEEP, { recursive: true, filter: (src) => !src.endsWith('/axctl') });
  }
  // A canary page with one known error: proof vnu read the batch.
  await writeFile(join(pagesDir, 'canary.html'), '<!DOCTYPE html><html lang="en"><head><title>c</title></head><body><p>a</p></p></body></html>');
  const { out } = await outcome('java', ['-Xss8m', '-jar', VNU, '--errors-only', '--format', 'gnu', pagesDir]);
  const lines = out.split('\n').filter((l) => l.trim());
  assert.ok(lines.some((l) => l.includes('canary.html')), `vnu did not report the canary's error:\n${out.slice(0, 2000)}`);
  const errors = lines.filter((l) => !l.includes('canary.html'));
  console.log(`${counts.join('; ')}; ${errors.length} Nu errors on ${new Set(errors.map((l) => l.split(':')[1])).size} pages`);
  assert.deepEqual(errors, [], `vnu reported errors on ${files.length} pages`);
});

test('random sites: axe-core in Chromium on a sample of every page kind, 0 violations', { timeout: 600000 }, async () => {
  assert.ok(sites.length, 'sites were served');
  const profile = await mkdtemp(join(tmpdir(), 'axctl-randomsite-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, bypassCSP: true });
  const found = [];
  let checked = 0;
  try {
    const page = await context.newPage();
    for (const s of sites) {
      const byKind = new Map();
      for (const [path, r] of s.pages) {
        if (!r.type.startsWith('text/html')) continue;
        const k = kind(path, r.status);
        if (!byKind.has(k)) byKind.set(k, []);
        if (byKind.get(k).length < AXE_PER_KIND) byKind.get(k).push(path);
      }
      for (const paths of byKind.values()) {
        for (const path of paths) {
          await page.goto(s.served.base + path);
          await page.addScriptTag({ path: AXE });
          const v = await page.evaluate(async () => (await globalThis.axe.run(document)).violations
            .map((x) => `${x.id} (${x.impact}): ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
          checked++;
          for (const x of v) found.push(`seed ${s.seed} ${path}: ${x}`);
        }
      }
    }
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
  console.log(`axe: ${checked} pages, ${found.length} violations`);
  assert.deepEqual(found, [], `axe violations on ${checked} pages`);
});
