// search.test.mjs — search on the demo site (docs/search.md): a labelled
// query set over content/ (each query's labelled entry among the first 3,
// drafts never found, a helpful empty page), and Chromium with JavaScript
// disabled typing a query into the header form, submitting it and landing
// on the right first result.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSite, requireWorker, REPO } from './site.mjs';

const run = promisify(execFile);

const { chromium } = requireWorker('playwright-core');
const CHROMIUM = process.env.AXCTL_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * LABELS: query → the entry that must be among its first 3 results. Prefix,
 * multi-word, diacritics, a dense script, a tag name, a heading.
 */
const LABELS = [
  ['cach', '/docs/cache-policy'],
  ['caching', '/blog/cafe-grade-caching'],
  ['café', '/blog/cafe-grade-caching'],
  ['CAFE grade', '/blog/cafe-grade-caching'],
  ['東京', '/blog/cafe-grade-caching'],
  ['purge', '/blog/cafe-grade-caching'],
  ['status table', '/blog/caching-status-table'],
  ['incremental sync', '/blog/why-incremental-sync'],
  ['frontmatter', '/docs/frontmatter'],
  ['deploying cloudflare', '/docs/guides/deploy'],
  ['announcements', '/blog/hello-axctl'],
  ['getting started', '/docs/getting-started'],
];

let site;
before(async () => { site = await startSite(); });
after(async () => { await site?.stop(); });

/** search fetches a query, following the canonical redirect, and returns the status, headers and result URLs. */
async function search(q) {
  let res = await fetch(`${site.base}/search?${new URLSearchParams({ q })}`, { redirect: 'manual' });
  if (res.status === 301) res = await fetch(site.base + res.headers.get('Location'), { redirect: 'manual' });
  const html = await res.text();
  return { res, html, urls: [...html.matchAll(/<li><article><h2><a href="([^"]+)">/g)].map((m) => m[1]) };
}

test('every labelled query finds its entry among the first 3', async () => {
  const misses = [];
  for (const [q, want] of LABELS) {
    const { res, urls } = await search(q);
    assert.equal(res.status, 200, q);
    if (!urls.slice(0, 3).includes(want)) misses.push(`${q} → ${urls.slice(0, 3).join(', ') || 'nothing'} (want ${want})`);
  }
  assert.deepEqual(misses, []);
});

test('a draft or a scheduled entry is never found; a query with no result is a helpful, cacheable 200', async () => {
  const { urls } = await search('multi-region');
  assert.ok(!urls.includes('/blog/multi-region-notes'), `the draft is found: ${urls}`);
  // looking-ahead-2027 is tagged roadmap and has a publishDate in 2027.
  const { urls: later } = await search('roadmap');
  assert.ok(!later.includes('/blog/looking-ahead-2027'), `the scheduled entry is found: ${later}`);
  const none = await search('zymurgy');
  assert.equal(none.res.status, 200);
  assert.match(none.res.headers.get('Cache-Control'), /public/);
  assert.match(none.html, /No entries match/);
  assert.deepEqual(none.urls, []);
});

test('Chromium without JavaScript: type in the header form, submit, see the right first result', async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await page.goto(`${site.base}/`);
    await page.fill('header form[action="/search"] input[name="q"]', 'Café grade');
    await Promise.all([page.waitForURL(/\/search\?q=/), page.press('header form[action="/search"] input[name="q"]', 'Enter')]);
    assert.equal(new URL(page.url()).search, '?q=cafe+grade', 'the canonical query');
    const first = await page.locator('ol.results li a').first().getAttribute('href');
    assert.equal(first, '/blog/cafe-grade-caching');
    assert.match(await page.locator('ol.results li').first().innerHTML(), /<mark>/);
    // The results page's own form submits again, still without script.
    await page.fill('main form input[name="q"]', '東京');
    await Promise.all([page.waitForURL(/\/search\?q=%E6%9D%B1/), page.click('main form button')]);
    assert.equal(await page.locator('ol.results li a').first().getAttribute('href'), '/blog/cafe-grade-caching');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

test('a generated corpus: every planted label among the first 3 (bench/search + bench/worker/search.mjs)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'axctl-search-'));
  try {
    // 2,000 entries; 24 labelled queries: a body word, two words, a title
    // prefix, an upper-case description word, a tag name with "Café", and a
    // dense-script word beside a common one.
    await run('go', ['run', './bench/search', '-n', '2000', '-out', dir], { cwd: REPO, maxBuffer: 1 << 24 });
    const { stdout } = await run(process.execPath, ['bench/worker/search.mjs', '--bucket', dir, '--warm', '5'], { cwd: REPO, maxBuffer: 1 << 24 })
      .catch((err) => { assert.fail(`labels missed: ${err.stdout}`); });
    const out = JSON.parse(stdout);
    assert.equal(out.labels.met, out.labels.n, JSON.stringify(out.labels.missed));
    assert.ok(out.labels.n >= 24);
    // The root and one shard per distinct bucket: at most 1 + words.
    assert.ok(out.coldIndexReads.cache <= 2 && out.coldIndexReads['edge worker'] <= 3 && out.coldIndexReads['purge sync cache'] <= 4,
      JSON.stringify(out.coldIndexReads));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
