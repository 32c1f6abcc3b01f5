// browser.test.mjs — the demo site in a real browser: Debian's Chromium
// driven by playwright-core (never a downloaded browser). Opens the home
// page, a listing, an entry with highlighted code, a doc with a callout and
// a TOC, an entry with an image, the tags index, a tag page and the 404 page,
// at a desktop and a phone viewport (plus dark mode on desktop); fails on any
// console error, page error, failed request or CSP violation; checks that
// code is coloured, callouts are styled and images load; saves full-page
// screenshots to out/screenshots/ for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSite, contentEntries, frontmatter, sitemapPaths, requireWorker, OUT } from './site.mjs';

const { chromium } = requireWorker('playwright-core');

const CHROMIUM = process.env.AXCTL_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const SHOTS = join(OUT, 'screenshots');

const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  dark: { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' },
};

let site;
let pages; // name → path

/** prose drops fenced code blocks, so an example of syntax is not mistaken for its use. */
const prose = (text) => text.replace(/^```[\s\S]*?^```/gm, '');

/** pick returns the URL of the first entry in content/ that matches, or fails. */
function pick(entries, what, fn) {
  const e = entries.find(fn);
  assert.ok(e, `content/ has no entry with ${what}`);
  return e.url;
}

before(async () => {
  site = await startSite();
  const entries = await contentEntries();
  pages = {
    home: '/',
    listing: '/blog/',
    code: pick(entries, 'syntax:code and a fenced block with a language',
      (e) => /^\s*syntax:.*\bcode\b/m.test(frontmatter(e.text)) && /^```[a-z]/m.test(e.text)),
    callout: pick(entries, 'blocks:callouts and a callout',
      (e) => /^\s*blocks:.*\bcallouts\b/m.test(frontmatter(e.text)) && /^> \[!(NOTE|TIP|WARNING|IMPORTANT|CAUTION)\]/m.test(prose(e.text))),
    image: pick(entries, 'an image', (e) => /!\[[^\]]*\]\([^)]+\)/.test(prose(e.text))),
    tags: '/tags/',
    tag: '/tags/caching',
    notfound: '/no-such-page',
  };
  const known = new Set(await sitemapPaths(site.base));
  for (const [name, path] of Object.entries(pages)) {
    if (name !== 'notfound') assert.ok(known.has(path), `${name} page ${path} is in the sitemap`);
  }
  await mkdir(SHOTS, { recursive: true });
});

after(async () => {
  await site?.stop();
});

/** launch opens Chromium with a fresh profile and one context for a viewport. */
async function launch(opts) {
  const profile = await mkdtemp(join(tmpdir(), 'axctl-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, ...opts,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * visit opens path and collects every problem a reader's browser would
 * report: console errors, uncaught errors, failed requests, CSP violations.
 */
async function visit(context, path) {
  const page = await context.newPage();
  const problems = [];
  const csp = [];
  await page.exposeBinding('__cspViolation', (_src, v) => { csp.push(v); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolation({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber });
    });
  });
  const docURL = site.base + path;
  page.on('console', (m) => {
    if (m.type() !== 'error' && !/Content.Security.Policy/i.test(m.text())) return;
    // The 404 page is *meant* to answer 404; Chromium logs that for the document itself.
    if (path === pages.notfound && m.location().url === docURL && /status of 404/.test(m.text())) return;
    problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !(r.url() === docURL && path === pages.notfound)) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const res = await page.goto(docURL, { waitUntil: 'load' });
  assert.equal(res.status(), path === pages.notfound ? 404 : 200, `status of ${path}`);
  await page.evaluate(() => document.fonts.ready);
  return { page, problems, csp };
}

async function checkPage(kind, name, context) {
  const path = pages[name];
  const { page, problems, csp } = await visit(context, path);
  try {
    const checks = CHECKS[name];
    if (checks) await checks(page);
    await checkLayout(page, `${kind} ${path}`);
    await checkReaders(page, `${kind} ${path}`);
    await page.screenshot({ path: join(SHOTS, `${kind}-${name}.png`), fullPage: true });
    // Let late reports (images, fonts, favicon) arrive before judging.
    await page.waitForTimeout(100);
    assert.deepEqual(csp, [], `${kind} ${path}: no CSP violations`);
    assert.deepEqual(problems, [], `${kind} ${path}: no console errors or failed requests`);
  } finally {
    await page.close();
  }
}

/** checkLayout: the page fits the viewport (no sideways scrolling of the whole page). */
async function checkLayout(page, label) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${label}: page is ${scroll}px wide in a ${width}px viewport`);
  const h1 = await page.locator('main h1').first().textContent();
  assert.ok(h1.trim(), `${label}: has an h1`);
  assert.ok(await page.locator('header.site nav a').count() >= 2, `${label}: has the site nav`);
  assert.ok(await page.locator('footer.site a[href="/feed.xml"]').isVisible(), `${label}: has the footer`);
}

/**
 * checkReaders: the first Tab focuses the skip link, which then shows on
 * screen with a focus outline; an entry page's JSON-LD blocks are there (so
 * the CSP check above covers them: Chromium runs no data block) and parse.
 */
async function checkReaders(page, label) {
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    const out = { text: a.textContent, href: a.getAttribute('href'), top: r.top, outline: getComputedStyle(a).outlineWidth, target: !!document.querySelector('main#content') };
    a.blur();
    return out;
  });
  assert.deepEqual([skip.text, skip.href, skip.target], ['Skip to content', '#content', true], `${label}: the first Tab stop is the skip link`);
  assert.ok(skip.top >= 0 && parseFloat(skip.outline) > 0, `${label}: the focused skip link is on screen with an outline: ${JSON.stringify(skip)}`);
  const ld = await page.evaluate(() => ({
    article: document.querySelector('meta[property="og:type"]')?.content === 'article',
    blocks: [...document.querySelectorAll('script[type="application/ld+json"]')].map((s) => JSON.parse(s.textContent)['@type']),
  }));
  if (ld.article) assert.equal(ld.blocks.at(-1), 'BreadcrumbList', `${label}: JSON-LD ${ld.blocks}`);
}

const CHECKS = {
  async code(page) {
    const res = await page.evaluate(() => {
      const body = getComputedStyle(document.body).color;
      const spans = [...document.querySelectorAll('pre.chroma span[class]')]
        .filter((s) => !/^(line|cl|ln|lnt)$/.test(s.className) && s.textContent.trim());
      const colours = new Set(spans.map((s) => getComputedStyle(s).color));
      const pre = document.querySelector('pre.chroma');
      return { body, n: spans.length, colours: [...colours], bg: pre && getComputedStyle(pre).backgroundColor };
    });
    assert.ok(res.n > 0, 'the entry has highlighted token spans');
    const coloured = res.colours.filter((c) => c !== res.body);
    assert.ok(coloured.length > 0, `some token is not the body text colour ${res.body}: ${res.colours}`);
    assert.notEqual(res.bg, 'rgba(0, 0, 0, 0)', 'code block has a background');
  },
  async callout(page) {
    const callout = page.locator('aside.callout').first();
    assert.ok(await callout.isVisible(), 'a callout is rendered');
    const s = await callout.evaluate((el) => {
      const cs = getComputedStyle(el);
      const title = el.querySelector('.callout-title');
      return { border: cs.borderLeftWidth, bg: cs.backgroundColor, title: title && title.textContent, weight: title && getComputedStyle(title).fontWeight };
    });
    assert.ok(s.title && s.title.trim(), 'callout has a title');
    assert.ok(parseFloat(s.border) > 0 || s.bg !== 'rgba(0, 0, 0, 0)', `callout is styled: ${JSON.stringify(s)}`);
    assert.ok(Number(s.weight) >= 600, 'callout title is bold');
    const wide = page.viewportSize().width >= 1000;
    const toc = page.locator(wide ? 'nav.toc-side' : 'nav.toc-inline');
    assert.ok(await toc.isVisible(), 'a doc with headings shows one table of contents');
    assert.ok(!await page.locator(wide ? 'nav.toc-inline' : 'nav.toc-side').isVisible(), 'and hides the other');
    const [t, a, h] = [await toc.boundingBox(), await page.locator('article.doc').boundingBox(), await page.locator('article.doc h1').boundingBox()];
    if (wide) assert.ok(t.x + t.width <= a.x, 'on a wide screen the TOC is beside the text');
    else assert.ok(t.y >= h.y + h.height, 'on a narrow screen the TOC is below the title');
  },
  async image(page) {
    const imgs = await page.evaluate(() => [...document.images].map((i) => ({ src: i.src, complete: i.complete, w: i.naturalWidth, alt: i.alt })));
    assert.ok(imgs.length > 0, 'the entry has an image');
    for (const i of imgs) {
      assert.ok(i.complete && i.w > 0, `image loaded: ${i.src}`);
      assert.ok(i.alt, `image has alt text: ${i.src}`);
    }
  },
  async listing(page) {
    assert.ok(await page.locator('ol.entries > li').count() > 0, 'the listing lists entries');
  },
  async tag(page) {
    assert.ok(await page.locator('ol.entries > li').count() > 0, 'the tag page lists entries');
  },
  async notfound(page) {
    assert.match(await page.locator('main').textContent(), /nothing at this address/i);
  },
};

for (const kind of Object.keys(VIEWPORTS)) {
  test(`demo site in Chromium, ${kind}`, { timeout: 180000 }, async (t) => {
    const b = await launch(VIEWPORTS[kind]);
    try {
      for (const name of Object.keys(pages)) {
        await t.test(name, () => checkPage(kind, name, b.context));
      }
    } finally {
      await b.close();
    }
  });
}

// A site whose language is written right to left gets <html dir="rtl">
// (worker/test/lang.test.mjs checks the Worker writes it, in workerd): the
// stylesheet's logical properties must then mirror the frame, and code must
// stay left to right. Measured on the served page and stylesheet, with the
// document's dir switched both ways.
test('a right-to-left page mirrors callouts and lists; code stays left to right', { timeout: 60000 }, async () => {
  const b = await launch(VIEWPORTS.desktop);
  try {
    const { page, problems } = await visit(b.context, pages.callout);
    const sides = (dir) => page.evaluate((d) => {
      document.documentElement.dir = d;
      const px = (el, p) => parseFloat(getComputedStyle(el)[p]) || 0;
      // Which side of el carries more of a box property (border width, padding).
      const side = (sel, left, right) => {
        const el = document.querySelector(sel);
        if (!el) return 'absent';
        return px(el, left) > px(el, right) ? 'left' : px(el, right) > px(el, left) ? 'right' : 'none';
      };
      const pre = document.querySelector('pre');
      return {
        callout: side('.callout', 'borderLeftWidth', 'borderRightWidth'),
        list: side('main .body ul, main .body ol', 'paddingLeft', 'paddingRight'),
        pre: pre ? getComputedStyle(pre).direction : 'absent',
      };
    }, dir);
    assert.deepEqual(await sides('ltr'), { callout: 'left', list: 'left', pre: 'ltr' });
    assert.deepEqual(await sides('rtl'), { callout: 'right', list: 'right', pre: 'ltr' });
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    await b.close();
  }
});
