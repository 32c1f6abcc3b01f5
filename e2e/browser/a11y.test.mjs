// a11y.test.mjs — WCAG AA contrast and landmarks of every page kind, in
// Debian's Chromium (playwright-core), light and dark (prefers-color-scheme
// emulated), at a desktop and a phone width. The demo site is synced with
// pageSize 2 so listings and tag pages carry the numbered pager.
//
// Contrast: every visible text node (and each input's placeholder) is
// measured against its effective background: the background colours of its
// ancestors composited from the canvas up, the text colour's alpha and the
// ancestors' opacity applied. Normal text needs 4.5:1, large text (24 px,
// or 18.66 px bold) 3:1. Then every Tab stop is focused from the keyboard:
// its focus outline needs 3:1 against the background around it, and its
// text (skip link, heading self-links, shown only on focus) 4.5:1. A page
// with a background image or gradient under text fails: the walk could not
// judge it. The lowest ratio per theme is printed.
//
// Landmarks (Chromium's own accessibility tree, via ariaSnapshot): one
// banner, one main, one contentinfo; every navigation and search landmark
// named, names unique per role; the skip link first, pointing at main.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSite, contentEntries, frontmatter, requireWorker } from './site.mjs';

const { chromium } = requireWorker('playwright-core');
const CHROMIUM = process.env.AXCTL_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const MAX_TABS = 40; // Tab stops visited per page (header, skip link, content links, pager, footer on most pages)

let site;
let pages;
const lowest = {}; // theme → { ratio, where }

before(async () => {
  site = await startSite({ pageSize: 2 });
  const entries = await contentEntries();
  const pick = (what, fn) => {
    const e = entries.find(fn);
    assert.ok(e, `content/ has no entry with ${what}`);
    return e.url;
  };
  pages = {
    home: '/',
    listing: '/blog/?page=2',
    archive: await firstArchive(),
    code: pick('highlighted code', (e) => /^\s*syntax:.*\bcode\b/m.test(frontmatter(e.text)) && /^```[a-z]/m.test(e.text)),
    doc: pick('a doc with callouts', (e) => e.url.startsWith('/docs/') && /^> \[!(NOTE|TIP|WARNING|IMPORTANT|CAUTION)\]/m.test(e.text.replace(/^```[\s\S]*?^```/gm, ''))),
    image: pick('an image', (e) => /!\[[^\]]+\]\([^)]+\)/.test(e.text)),
    tags: '/tags/',
    tag: '/tags/caching',
    search: '/search?q=cache',
    notfound: '/no-such-page',
  };
});

after(async () => {
  await site?.stop();
});

/** firstArchive is the month archive of the newest blog entry (linked from every entry page). */
async function firstArchive() {
  const html = await (await fetch(`${site.base}/blog/`)).text();
  const m = /<a href="(\/blog\/[^"]+)"/.exec(html.slice(html.indexOf('<ol class="entries">')));
  const entry = await (await fetch(site.base + m[1])).text();
  return /<p class="archive">Filed in <a href="([^"]+)"/.exec(entry)[1];
}

/**
 * measure runs in the page: the contrast of every visible text node and
 * placeholder, as [{ratio, need, fg, bg, text, where}]; and `unjudged`,
 * text over a background image.
 */
function measure(focused) {
  const parse = (c) => {
    const m = /rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)/.exec(c);
    if (!m) throw new Error(`colour ${c}`);
    return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  };
  const over = (top, under) => top.slice(0, 3).map((v, i) => top[3] * v + (1 - top[3]) * under[i]).concat(1);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const path = (el) => { const out = []; for (let e = el; e && e.nodeType === 1 && out.length < 4; e = e.parentElement) out.unshift(e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : '')); return out.join(' > '); };
  const unjudged = [];
  /** background is the colour behind el: its ancestors' backgrounds over the canvas (white). */
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.backgroundImage !== 'none') unjudged.push(path(e));
      layers.push(parse(cs.backgroundColor));
    }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  const opacity = (el) => { let o = 1; for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity); return o; };
  const large = (cs) => parseFloat(cs.fontSize) >= 24 || (parseFloat(cs.fontSize) >= 18.66 && Number(cs.fontWeight) >= 700);
  const judge = (el, color, text, cs) => {
    const bg = background(el);
    const fg = parse(color);
    fg[3] *= opacity(el);
    const shown = over(fg, bg);
    return { ratio: ratio(shown, bg), need: large(cs) ? 3 : 4.5, fg: shown.slice(0, 3).map(Math.round).join(','), bg: bg.slice(0, 3).map(Math.round).join(','), text: text.trim().slice(0, 40), where: path(el) };
  };
  /** hidden: not rendered, transparent, clipped to nothing (visually-hidden), or off screen above or left. */
  const hidden = (el) => {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return true;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1 || r.bottom + scrollY < 0 || r.right + scrollX < 0) return true;
    for (let e = el; e; e = e.parentElement) if (getComputedStyle(e).clip === 'rect(0px, 0px, 0px, 0px)') return true;
    return false;
  };
  const out = [];
  const root = focused ? document.activeElement : document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.data.trim() || !el || hidden(el) || el.closest('script, style, svg')) continue;
    out.push(judge(el, getComputedStyle(el).color, n.data, getComputedStyle(el)));
  }
  for (const el of focused ? [] : document.querySelectorAll('input')) {
    if (hidden(el)) continue;
    if (el.placeholder && !el.value) out.push(judge(el, getComputedStyle(el, '::placeholder').color, el.placeholder, getComputedStyle(el)));
    if (el.value) out.push(judge(el, getComputedStyle(el).color, el.value, getComputedStyle(el)));
  }
  return { out, unjudged: [...new Set(unjudged)] };
}

/** focusRing runs in the page on the focused element: its outline against the background around it, and its own text. */
function focusRing() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  return { tag: el.tagName.toLowerCase(), cls: String(el.className || ''), text: (el.innerText || el.value || '').trim().slice(0, 40),
    style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), color: cs.outlineColor };
}

/** browser opens Chromium with a fresh profile for one theme and width; open(path, fn) runs fn on a new tab at path. */
async function browser(opts) {
  const profile = await mkdtemp(join(tmpdir(), 'axctl-a11y-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, ...opts });
  return {
    async open(path, fn) {
      const page = await context.newPage();
      try {
        await page.goto(site.base + path, { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready);
        return await fn(page);
      } finally {
        await page.close();
      }
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** contrastOf measures one page: text, then each Tab stop's ring and text. */
async function contrastOf(page) {
  const { out, unjudged } = await page.evaluate(measure, false);
  const rings = [];
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  for (let i = 0; i < MAX_TABS; i++) {
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(focusRing);
    if (!ring) break;
    // The outline sits outside the element (outline-offset): judge it against the parent's background.
    const r = await page.evaluate(([c]) => {
      const el = document.activeElement;
      const m = (s) => /rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)/.exec(s).slice(1).map((v, k) => (v === undefined ? 1 : Number(v)) * (k < 3 ? 1 : 1));
      const over = (top, under) => top.slice(0, 3).map((v, k) => top[3] * v + (1 - top[3]) * under[k]).concat(1);
      const layers = [];
      for (let e = el.parentElement; e; e = e.parentElement) layers.push(m(getComputedStyle(e).backgroundColor));
      const bg = layers.reverse().reduce((u, t) => over(t, u), [255, 255, 255, 1]);
      const lum = ([R, G, B]) => { const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(R) + 0.7152 * f(G) + 0.0722 * f(B); };
      const fg = over(m(c), bg);
      const [x, y] = [lum(fg), lum(bg)].sort((p, q) => q - p);
      return { ratio: (x + 0.05) / (y + 0.05), fg: fg.slice(0, 3).map(Math.round).join(','), bg: bg.slice(0, 3).map(Math.round).join(',') };
    }, [ring.color]);
    rings.push({ ...ring, ...r });
    const shown = await page.evaluate(measure, true); // the focused element's text is shown now (skip link, self-links)
    for (const t of shown.out) if (!out.some((o) => o.where === t.where && o.text === t.text)) out.push(t);
  }
  return { out, unjudged, rings };
}

const THEMES = { light: 'light', dark: 'dark' };
/** COVER: what each page kind must have had measured (a part of the element path), so nothing slips out of the walk. */
const COVER = {
  listing: ['ul.tags', 'nav.pager.numbered', 'span', 'time'], code: ['pre.chroma', 'span.kc', 'nav.toc', 'nav.related', 'nav.pager', 'h2'],
  doc: ['aside.callout', 'p.callout-title', 'toc'], tags: ['ul.tag-index', 'span.count'], search: ['mark', 'input'], notfound: ['ul.recent', 'button'],
  home: ['header.site', 'footer.site', 'h2.section'],
};
const WIDTHS = { desktop: { viewport: { width: 1280, height: 800 } }, phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } };

for (const [theme, colorScheme] of Object.entries(THEMES)) {
  test(`WCAG AA contrast of every page kind, ${theme}`, { timeout: 600000 }, async (t) => {
    for (const [width, opts] of Object.entries(WIDTHS)) {
      const b = await browser({ ...opts, colorScheme });
      for (const name of Object.keys(pages)) {
        await t.test(`${width} ${name}`, async () => {
          const label = `${theme} ${width} ${pages[name]}`;
          const { out, unjudged, rings } = await b.open(pages[name], contrastOf);
          assert.ok(out.length > 10, `${label}: measured ${out.length} texts`);
          for (const part of COVER[name] || []) assert.ok(out.some((o) => o.where.includes(part)), `${label}: measured no text in ${part}`);
          assert.deepEqual(unjudged, [], `${label}: a background image under text cannot be judged`);
          const fails = out.filter((o) => o.ratio < o.need).map((o) => `${o.ratio.toFixed(2)} < ${o.need}: "${o.text}" ${o.fg} on ${o.bg} (${o.where})`);
          assert.ok(rings.length > 3, `${label}: ${rings.length} Tab stops`);
          for (const r of rings) {
            if (r.style === 'none' || !(r.width >= 2)) fails.push(`no focus ring on <${r.tag} class="${r.cls}"> "${r.text}"`);
            else if (r.ratio < 3) fails.push(`focus ring ${r.ratio.toFixed(2)} < 3 on <${r.tag} class="${r.cls}"> "${r.text}" ${r.fg} on ${r.bg}`);
          }
          const low = [...out.map((o) => ({ ratio: o.ratio / (o.need / 4.5), raw: o.ratio, where: `${o.where} "${o.text}"` })),
            ...rings.map((r) => ({ ratio: r.ratio * 1.5, raw: r.ratio, where: `focus ring <${r.tag}>` }))].sort((a, b) => a.ratio - b.ratio)[0];
          if (!lowest[theme] || low.ratio < lowest[theme].ratio) lowest[theme] = { ...low, page: `${width} ${pages[name]}` };
          assert.deepEqual(fails, [], `${label}: contrast below WCAG AA`);
        });
      }
      await b.close();
    }
    const l = lowest[theme];
    console.log(`# contrast ${theme}: lowest ${l.raw.toFixed(2)}:1 at ${l.page} ${l.where}`);
  });
}

/** landmarksOf reads Chromium's accessibility tree: landmark roles with their names, and the first link. */
async function landmarksOf(page) {
  const tree = await page.locator('body').ariaSnapshot();
  const marks = [...tree.matchAll(/^\s*- (banner|main|contentinfo|navigation|search|complementary|region|form)(?![a-z])(?: "([^"]*)")?/gm)].map((m) => [m[1], m[2] ?? '']);
  const first = /^\s*- link "([^"]*)"/m.exec(tree);
  const skip = await page.evaluate(() => {
    const a = document.querySelector('a[href^="#"]');
    const target = a && document.getElementById(a.getAttribute('href').slice(1));
    return { href: a && a.getAttribute('href'), main: !!target && target.tagName === 'MAIN', firstFocusable: document.querySelector('a, button, input, summary, [tabindex]') === a };
  });
  return { tree, marks, first: first && first[1], skip };
}

test('landmarks of every page kind: one banner, main and contentinfo; every navigation and search named, uniquely; a skip link to main', { timeout: 300000 }, async (t) => {
  for (const [width, opts] of Object.entries(WIDTHS)) {
    const b = await browser(opts);
    for (const name of Object.keys(pages)) {
      await t.test(`${width} ${name}`, async () => {
        const label = `${width} ${pages[name]}`;
        const { tree, marks, first, skip } = await b.open(pages[name], landmarksOf);
        const count = (role) => marks.filter(([r]) => r === role).length;
        for (const role of ['banner', 'main', 'contentinfo']) assert.equal(count(role), 1, `${label}: one ${role}:\n${tree}`);
        for (const role of ['navigation', 'search', 'region', 'complementary', 'form']) {
          const names = marks.filter(([r]) => r === role).map(([, n]) => n);
          assert.ok(names.every(Boolean), `${label}: every ${role} landmark is named: ${JSON.stringify(names)}`);
          assert.equal(new Set(names).size, names.length, `${label}: ${role} names are unique: ${JSON.stringify(names)}`);
        }
        assert.ok(count('navigation') >= 1 && count('search') >= 1, `${label}: the site navigation and search: ${JSON.stringify(marks)}`);
        assert.equal(first, 'Skip to content', `${label}: the skip link comes first`);
        assert.deepEqual(skip, { href: '#content', main: true, firstFocusable: true }, `${label}: the skip link targets main`);
        const want = { listing: 'Pages', tag: 'Pages', doc: 'Contents' }[name];
        if (want) assert.ok(marks.some(([r, n]) => r === 'navigation' && n === want), `${label}: a navigation "${want}": ${JSON.stringify(marks)}`);
      });
    }
    await b.close();
  }
});
