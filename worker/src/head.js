// head.js — what readers' tools see in <head>: description, canonical URL,
// Open Graph, Twitter card, article times and tags, JSON-LD, rel=prev/next.
// Everything comes from site.json, the record and the body already read for
// the page: no extra R2 read. Absolute URLs come only from site.baseURL,
// never from the request's Host; without a baseURL the canonical link and
// og:url are left out rather than guessed.
import { esc } from './layout.js';

const MAX_DESC = 160;
/** LD_TYPES maps an entry template to its schema.org type. */
const LD_TYPES = { post: 'BlogPosting', doc: 'TechArticle', page: 'Article' };
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", nbsp: ' ' };

/** baseOf returns site.baseURL without its trailing '/', or '' when it is not an absolute http(s) URL. */
export function baseOf(site) {
  const b = String((site && site.baseURL) || '').replace(/\/+$/, '');
  return /^https?:\/\/[^\s/?#"'<>]+(\/[^\s?#"'<>]*)?$/i.test(b) ? b : '';
}

/**
 * ldJSON serialises v for a <script type="application/ld+json"> block: '<',
 * '>', '&' and U+2028/2029 become \u escapes, so no value can close the
 * element or start a comment, and the JSON parses the same.
 */
export function ldJSON(v) {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** clip trims text to MAX_DESC characters at a word boundary. */
export function clip(text) {
  const t = String(text || '').replace(/\s+/g, ' ').trim();
  if (t.length <= MAX_DESC) return t;
  const cut = t.slice(0, MAX_DESC - 1);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 80 ? cut.lastIndexOf(' ') : cut.length).replace(/[\s,.;:]+$/, '')}…`;
}

/** summaryOf is the text of the body's first paragraph with text (the CLI's own HTML), clipped. */
export function summaryOf(body) {
  for (const m of String(body || '').matchAll(/<p>([\s\S]*?)<\/p>/g)) {
    const text = clip(m[1].replace(/<[^>]*>/g, '').replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (e, n) => {
      if (Object.hasOwn(ENTITIES, n)) return ENTITIES[n];
      const code = n[0] === '#' ? (n[1] === 'x' || n[1] === 'X' ? parseInt(n.slice(2), 16) : Number(n.slice(1))) : NaN;
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : e;
    }));
    if (text) return text;
  }
  return '';
}

/** firstImage is the first content-addressed image of the body, as a site path. */
function firstImage(body) {
  const m = /<img\b[^>]*\ssrc="(\/assets\/[0-9a-f]+\.(?:png|jpe?g|gif|webp|avif))"/.exec(String(body || ''));
  return m ? m[1] : '';
}

const meta = (attr, key, value) => (value ? `<meta ${attr}="${key}" content="${esc(value)}">` : '');

/**
 * head renders the reader metadata of one page. opts: title (the page's own
 * title), path (the canonical path; absent on a 404), description, paging
 * {base, page, pages} on a listing, entry (record) and body on an entry page.
 */
export function head(site, { title, path, description, paging, entry, body, noindex }) {
  const name = (site && site.title) || 'axctl';
  const base = baseOf(site);
  const abs = (p) => base + p;
  const url = base && path ? abs(path) : '';
  const desc = clip(description) || (entry && summaryOf(body)) || (title && title !== name ? `${title} — ${name}` : `The latest from ${name}`);
  const image = entry ? firstImage(body) : '';
  const out = [meta('name', 'description', desc), noindex ? '<meta name="robots" content="noindex">' : ''];
  if (url) out.push(`<link rel="canonical" href="${esc(url)}">`);
  if (paging && paging.pages > 1) {
    const href = (p) => (base || '') + (p === 1 ? paging.base : `${paging.base}?page=${p}`);
    if (paging.page > 1) out.push(`<link rel="prev" href="${esc(href(paging.page - 1))}">`);
    if (paging.page < paging.pages) out.push(`<link rel="next" href="${esc(href(paging.page + 1))}">`);
  }
  out.push(meta('property', 'og:title', title || name), meta('property', 'og:description', desc),
    meta('property', 'og:type', entry ? 'article' : 'website'), meta('property', 'og:url', url),
    meta('property', 'og:site_name', name), meta('property', 'og:image', image && base ? abs(image) : ''),
    meta('name', 'twitter:card', 'summary'));
  if (entry) {
    out.push(meta('property', 'article:published_time', entry.date), meta('property', 'article:modified_time', entry.date),
      ...(entry.tags || []).map((t) => meta('property', 'article:tag', t.name)));
    out.push(...ld(site, entry, desc, base, image).map((v) => `<script type="application/ld+json">${ldJSON(v)}</script>`));
  }
  return out.filter(Boolean).join('\n');
}

/** ld is the JSON-LD of an entry: the article itself, then its breadcrumbs (Home → collection → entry). */
function ld(site, r, description, base, image) {
  const name = (site && site.title) || 'axctl';
  const c = ((site && site.collections) || []).find((x) => x.name === r.collection);
  const abs = (p) => base + p;
  const type = Object.hasOwn(LD_TYPES, r.template) ? LD_TYPES[r.template] : 'BlogPosting';
  const article = {
    '@context': 'https://schema.org', '@type': type, headline: r.title, description,
    ...(r.date && { datePublished: r.date, dateModified: r.date }),
    author: r.author ? { '@type': 'Person', name: r.author } : { '@type': 'Organization', name },
    url: abs(r.url), mainEntityOfPage: abs(r.url),
    ...(r.tags && r.tags.length && { keywords: r.tags.map((t) => t.name) }),
    ...(image && { image: abs(image) }),
    publisher: { '@type': 'Organization', name },
  };
  const crumbs = [[name, '/'], ...(c ? [[c.title || c.name, `${c.route}/`]] : []), [r.title, r.url]];
  const list = {
    '@context': 'https://schema.org', '@type': 'BreadcrumbList',
    itemListElement: crumbs.map(([n, p], i) => ({ '@type': 'ListItem', position: i + 1, name: n, item: abs(p) })),
  };
  return [article, list];
}
