// lighthouse.test.mjs — Lighthouse 12.2.3 (pinned in worker/package.json) in
// Debian's Chromium over the demo site, the way readers' tools rate it: home,
// a listing, a post with code, a doc page, the tags index, a tag page and
// search results, each with the mobile (default) and desktop presets. It
// prints the four category scores per page and preset and fails below the
// bounds of issue 19: Accessibility, Best Practices and SEO 100 everywhere,
// Performance ≥ 95 on mobile (desktop is printed, not bounded). Search
// results are noindex by design: SEO there must pass every audit but
// is-crawlable. One Chromium,
// runs one after another: the machine is small. Lighthouse does not audit
// error pages; the 404 is checked by validators.test.mjs instead.
//
// Performance is a timing: Lighthouse measures the page's main-thread work
// on this machine and scales it, so one run on a busy machine can score
// low on a page that has not changed. As Lighthouse's own guidance on
// variability says, a mobile run below the Performance bound is repeated
// twice and the median run of the three (Lighthouse's computeMedianRun:
// the run nearest the median FCP and TTI) is the one judged; the scores of
// every run are printed. A heavier page fails all three. The other
// categories are not timings and are judged on the first run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSite, contentEntries, frontmatter, sitemapPaths, requireWorker, OUT } from './site.mjs';

const CHROMIUM = process.env.AXCTL_CHROMIUM || '/usr/bin/chromium';
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const BOUNDS = {
  mobile: { performance: 95, accessibility: 100, 'best-practices': 100, seo: 100 },
  desktop: { performance: 0, accessibility: 100, 'best-practices': 100, seo: 100 },
};

let site;
let pages;
let lighthouse;
let desktopConfig;
let computeMedianRun;
let chrome;

before(async () => {
  const lighthouseURL = pathToFileURL(requireWorker.resolve('lighthouse'));
  ({ default: lighthouse, desktopConfig } = await import(lighthouseURL.href));
  ({ computeMedianRun } = await import(new URL('./lib/median-run.js', lighthouseURL).href));
  const launcher = await import(pathToFileURL(requireWorker.resolve('chrome-launcher')).href);
  site = await startSite();
  const entries = await contentEntries();
  const pick = (what, fn) => {
    const e = entries.find(fn);
    assert.ok(e, `content/ has no ${what}`);
    return e.url;
  };
  pages = {
    home: '/',
    listing: '/blog/',
    code: pick('post with code', (e) => e.url.startsWith('/blog/') && /^\s*syntax:.*\bcode\b/m.test(frontmatter(e.text)) && /^```[a-z]/m.test(e.text)),
    doc: pick('doc page', (e) => e.url.startsWith('/docs/')),
    tags: '/tags/',
    tag: '/tags/caching',
    search: '/search?q=cache',
  };
  const known = new Set(await sitemapPaths(site.base));
  for (const [name, path] of Object.entries(pages)) {
    if (name !== 'search') assert.ok(known.has(path), `${name} page ${path} is in the sitemap`);
  }
  chrome = await launcher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  await chrome?.kill();
  await site?.stop();
});

test('Lighthouse: every page kind, mobile and desktop presets, within the bounds', { timeout: 900000 }, async () => {
  const rows = [];
  const failures = [];
  const started = Date.now();
  for (const preset of ['mobile', 'desktop']) {
    for (const [name, path] of Object.entries(pages)) {
      const flags = { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES };
      const run = async () => {
        const { lhr } = await lighthouse(site.base + path, flags, preset === 'desktop' ? desktopConfig : undefined);
        assert.equal(lhr.runtimeError, undefined, `${path} ${preset}: ${JSON.stringify(lhr.runtimeError)}`);
        const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c].score ?? 0) * 100)]));
        console.log(`lighthouse ${preset.padEnd(7)} ${path.padEnd(40)} perf ${scores.performance} a11y ${scores.accessibility} bp ${scores['best-practices']} seo ${scores.seo}`);
        return { lhr, scores };
      };
      const first = await run();
      const scores = { ...first.scores };
      const judged = Object.fromEntries(CATEGORIES.map((c) => [c, first.lhr]));
      const perfBound = BOUNDS[preset].performance;
      let perfRuns = 1;
      if (scores.performance < perfBound) {
        const runs = [first, await run(), await run()];
        const median = computeMedianRun(runs.map((r) => r.lhr));
        judged.performance = median;
        scores.performance = runs.find((r) => r.lhr === median).scores.performance;
        perfRuns = runs.length;
        console.log(`lighthouse ${preset.padEnd(7)} ${path.padEnd(40)} perf ${scores.performance}: the median of ${runs.map((r) => r.scores.performance).join(', ')}`);
      }
      rows.push({ name, path, preset, ...scores, perfRuns });
      for (const c of CATEGORIES) {
        const lhr = judged[c];
        if (scores[c] >= BOUNDS[preset][c]) continue;
        const bad = lhr.categories[c].auditRefs.map((r) => lhr.audits[r.id])
          .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual')
          .map((a) => `${a.id} (${a.score})`);
        // Search results carry noindex on purpose (a results page is not content): that one SEO audit may fail there.
        if (name === 'search' && c === 'seo' && bad.length === 1 && bad[0].startsWith('is-crawlable ')) continue;
        failures.push(`${path} ${preset}: ${c} ${scores[c]} < ${BOUNDS[preset][c]}: ${bad.join(', ')}`);
      }
    }
  }
  console.log(`lighthouse: ${rows.length} pages × presets in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, 'lighthouse.json'), `${JSON.stringify(rows, null, 1)}\n`);
  assert.deepEqual(failures, [], 'Lighthouse scores below the bounds');
});
