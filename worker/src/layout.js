// layout.js — HTML for every page. All text that comes from metadata goes
// through esc(); the only unescaped HTML is the entry body, which the CLI
// rendered safely. No inline script or style: the CSP forbids both.

import { head } from './head.js';

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** esc escapes text for HTML and XML element content and quoted attributes. */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ESC[c]);
}

/**
 * safeHref keeps http(s) and site-relative URLs; anything else becomes '#'.
 * A URL holding a backslash or a control character is refused too: a
 * browser reads "\\" as "/" and drops tab, CR and LF, so "/\\evil.example"
 * or "/<tab>/evil.example" from a bucket record would be a link off the site.
 */
export function safeHref(u) {
  const s = String(u || '');
  return /^(https?:\/\/|\/(?!\/))/i.test(s) && !/[\x00-\x1f\x7f\\]/.test(s) ? esc(s) : '#';
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
  'August', 'September', 'October', 'November', 'December'];

/** fmtDate renders an RFC 3339 date as "2 November 2026" (UTC). */
export function fmtDate(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export function monthName(mm) {
  return MONTHS[Number(mm) - 1] || '';
}

function time(iso) {
  return iso ? `<time datetime="${esc(iso)}">${fmtDate(iso)}</time>` : '';
}

// Scripts written right to left (Unicode's RTL scripts: CLDR
// scriptMetadata), as ISO 15924 codes.
const RTL_SCRIPTS = new Set(['Adlm', 'Arab', 'Aran', 'Armi', 'Avst', 'Chrs', 'Cprt', 'Elym', 'Hatr', 'Hebr',
  'Hung', 'Khar', 'Lydi', 'Mand', 'Mani', 'Mend', 'Merc', 'Mero', 'Narb', 'Nbat', 'Nkoo', 'Orkh', 'Ougr',
  'Palm', 'Phli', 'Phlp', 'Phnx', 'Prti', 'Rohg', 'Samr', 'Sarb', 'Sogd', 'Sogo', 'Syrc', 'Thaa', 'Yezi']);
const dirs = new Map();

/**
 * dirAttr is ' dir="rtl"' when the language tag's script (written, or the
 * likely one: fa → Arab, he → Hebr, dv → Thaa, az-Arab → Arab) is written
 * right to left, else '' (a left-to-right page keeps its bytes).
 */
export function dirAttr(lang) {
  const key = String(lang || '');
  let d = dirs.get(key);
  if (d === undefined) {
    try {
      d = RTL_SCRIPTS.has(new Intl.Locale(key).maximize().script) ? ' dir="rtl"' : '';
    } catch {
      d = ''; // a tag ICU cannot read (private use): left to right
    }
    if (dirs.size < 64) dirs.set(key, d);
  }
  return d;
}

/**
 * shell wraps main content in the site layout. `site` is site.json (may be
 * partial on error pages).
 */
export function shell(site, { title, main, feed, wide = false, ...reader }) {
  const name = (site && site.title) || 'axctl';
  const nav = ((site && site.collections) || [])
    .map((c) => `<a href="${esc(c.route)}/">${esc(c.title || c.name)}</a>`).join('');
  const full = title && title !== name ? `${title} · ${name}` : name;
  const alt = feed ? `<link rel="alternate" type="application/atom+xml" href="${esc(feed)}" title="${esc(name)}">` : '';
  return `<!doctype html>
<html lang="${esc((site && site.lang) || 'en')}"${dirAttr(site && site.lang)}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(full)}</title><link rel="stylesheet" href="/static/site.css"><link rel="stylesheet" href="/static/chroma.css">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">${alt}
${head(site, { title, ...reader })}</head>
<body${wide ? ' class="wide"' : ''}><a class="skip" href="#content">Skip to content</a><header class="site"><a class="brand" href="/">${esc(name)}</a><nav aria-label="Site">${nav}<a href="/tags/">Tags</a></nav><form class="find" action="/search" method="get" role="search" aria-label="Site search"><input name="q" type="search" aria-label="Search" placeholder="Search"></form></header>
<main${wide ? ' class="wide"' : ''} id="content">${main}</main>
<footer class="site"><a href="/feed.xml">Atom feed</a> · <a href="/sitemap.xml">Sitemap</a></footer></body></html>
`;
}

function tagList(tags) {
  if (!tags || !tags.length) return '';
  return `<ul class="tags">${tags.map((t) => `<li><a href="/tags/${esc(t.slug)}">${esc(t.name)}</a></li>`).join('')}</ul>`;
}

function byline(r) {
  const bits = [time(r.date)];
  if (r.author) bits.push(`<span class="author">${esc(r.author)}</span>`);
  if (r.words) bits.push(`<span>${Math.max(1, Math.round(r.words / 220))} min read</span>`);
  return `<p class="meta">${bits.filter(Boolean).join(' · ')}</p>`;
}

/** summaryList renders records as a list of linked summaries. */
export function summaryList(records) {
  if (!records.length) return '<p class="empty">Nothing here yet.</p>';
  return `<ol class="entries">${records.map((r) => `<li><article><h2><a href="${safeHref(r.url)}">${esc(r.title)}</a></h2>
${byline(r)}${r.description ? `<p>${esc(r.description)}</p>` : ''}${tagList(r.tags)}</article></li>`).join('\n')}</ol>`;
}

/**
 * toc is the table of contents twice: a navigation box (beside a doc's text,
 * below a post's title) for wide screens, and a collapsed <details> below
 * the title for phones. CSS shows one of them; the other is display:none,
 * so neither screen readers nor the tab order meet it twice.
 */
function toc(items) {
  if (!items || !items.length) return { side: '', inline: '' };
  const list = `<ol>${items.map((h) =>
    `<li class="l${Math.min(6, Math.max(2, Number(h.level) || 2))}"><a href="#${esc(h.id)}">${esc(h.text)}</a></li>`).join('')}</ol>`;
  return {
    side: `<nav class="toc toc-side" aria-label="Contents"><h2>Contents</h2>${list}</nav>`,
    inline: `<nav class="toc-inline" aria-label="Contents"><details class="toc"><summary>Contents</summary>${list}</details></nav>`,
  };
}

/**
 * prevNext links the entries beside this one in its listing: next is the
 * one listed before it (newer), prev the one after (older). An undated
 * collection reads in listing order, so there the one before is "Previous".
 */
function prevNext(prev, next, undated) {
  if (!prev && !next) return '';
  const link = (r, rel, label) => r ? `<a rel="${rel}" href="${safeHref(r.url)}"><span>${label}</span>${esc(r.title)}</a>` : '<span></span>';
  if (undated) return `<nav class="pager">${link(next, 'prev', 'Previous')}${link(prev, 'next', 'Next')}</nav>`;
  return `<nav class="pager" aria-label="Newer and older">${link(next, 'next', 'Newer')}${link(prev, 'prev', 'Older')}</nav>`;
}

/**
 * anchors gives each heading of the body that has an id (the CLI's own HTML:
 * the id is an attribute value it escaped already) a self-link, so a reader
 * can copy the address of a section.
 */
export function anchors(body) {
  return String(body).replace(/<h([2-6]) id="([^"<>]+)">([\s\S]*?)<\/h\1>/g,
    '<h$1 id="$2">$3<a class="anchor" href="#$2" aria-label="Link to this section">#</a></h$1>');
}

/** TEMPLATES are the entry layouts an entry's `template` can name; `post` is the default. */
export const TEMPLATES = {
  post: (r, body, nav, t) => `<article class="entry post"><h1>${esc(r.title)}</h1>${byline(r)}${tagList(r.tags)}${t.side}${t.inline}
<div class="body">${body}</div>${source(r)}${related(r)}</article>${nav}`,
  doc: (r, body, nav, t) => `<div class="doc-grid">${t.side}<article class="entry doc"><h1>${esc(r.title)}</h1>
${r.description ? `<p class="lede">${esc(r.description)}</p>` : ''}${tagList(r.tags)}${t.inline}<div class="body">${body}</div>${source(r)}${related(r)}${nav}</article></div>`,
  page: (r, body) => `<article class="entry page"><h1>${esc(r.title)}</h1><div class="body">${body}</div></article>`,
};

/** related lists the entries the sync found related (shared tags, then recency; docs/readers.md). */
function related(r) {
  const list = r.related || [];
  if (!list.length) return '';
  return `<nav class="related" aria-label="Related entries"><h2>Related</h2><ul>${list.map((x) =>
    `<li><a href="${safeHref(x.url)}">${esc(x.title)}</a></li>`).join('')}</ul></nav>`;
}

function source(r) {
  return r.source ? `<p class="source"><a href="${safeHref(r.source)}">Source</a></p>` : '';
}

/** entryPage renders one entry with its template; with whether the layout is wide, it returns what head.js needs. */
export function entryPage(r, body, prev, next) {
  const tpl = Object.hasOwn(TEMPLATES, r.template) ? r.template : 'post'; // never __proto__ or toString
  const items = r.toc || [];
  return { main: TEMPLATES[tpl](r, anchors(body), prevNext(prev, next, !r.date), toc(items)), wide: tpl === 'doc' && items.length > 0, path: r.url, entry: r, body };
}

/**
 * pagination is the numbered pager of a paged list: first, previous, a
 * window of page numbers around this one, next, last (rel=prev/next on the
 * neighbours, as head.js links them).
 */
export function pagination(base, page, pages, undated) {
  if (pages <= 1) return '';
  const href = (p) => esc(p === 1 ? base : `${base}?page=${p}`);
  const link = (p, text, rel, label) => `<a href="${href(p)}"${rel ? ` rel="${rel}"` : ''}${label ? ` aria-label="${label}"` : ''}>${text}</a>`;
  const from = Math.max(1, Math.min(page - 2, pages - 4));
  const to = Math.min(pages, from + 4);
  const nums = [];
  for (let p = from; p <= to; p++) nums.push(p === page ? `<li><span aria-current="page">${p}</span></li>` : `<li>${link(p, p, p === page - 1 ? 'prev' : p === page + 1 ? 'next' : '', `Page ${p}`)}</li>`);
  const first = page > 1 ? `<li>${link(1, '« First', '', '')}</li><li>${link(page - 1, undated ? '‹ Previous' : '‹ Newer', '', '')}</li>` : '';
  const last = page < pages ? `<li>${link(page + 1, undated ? 'Next ›' : 'Older ›', '', '')}</li><li>${link(pages, `Last (${pages}) »`, '', '')}</li>` : '';
  return `<nav class="pager numbered" aria-label="Pages"><ul>${first}${nums.join('')}${last}</ul></nav>`;
}

/** tagCloud renders the tags index. */
export function tagCloud(tags) {
  if (!tags.length) return '<p class="empty">No tags yet.</p>';
  return `<ul class="tag-index">${tags.map((t) =>
    `<li><a href="/tags/${esc(t.slug)}">${esc(t.name)}</a> <span class="count">${Number(t.count) || 0}</span></li>`).join('')}</ul>`;
}
