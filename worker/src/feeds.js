// feeds.js — Atom feeds, the sitemap and robots.txt. Same escaping as HTML.
import { esc } from './layout.js';
import { baseOf } from './head.js';
import { marker, splitBody } from './meta.js';
import { entryKey } from './contract.js';

/** NOT_XML are the characters XML 1.0 forbids even escaped (→ U+FFFD) and CR, which a parser would read as LF unless escaped. */
const NOT_XML = /[^\t\n\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * withBodies adds the body (marker and TOC lines off) to each record of a
 * collection whose site.json entry sets fullFeed: one read per such record,
 * all at once (a feed holds at most 20). A body missing or of another
 * version than its record (mid-sync) leaves that entry without content and
 * the feed unstored (cap 0).
 */
export async function withBodies(site, rq, records) {
  const full = new Set((site.collections || []).filter((c) => c.fullFeed).map((c) => c.name));
  let cap = Infinity;
  const out = await Promise.all(records.map(async (r) => {
    if (!full.has(r.collection)) return r;
    const obj = await rq.object(entryKey(r.collection, r.slug));
    const text = obj ? await obj.text() : '';
    // A body without the marker predates it (as on entry pages); one with another hash is another version.
    if (obj && (!text.startsWith('<!-- axctl ') || text.startsWith(`${marker(r.hash)}\n`))) return { ...r, content: splitBody(text).html };
    cap = 0;
    return r;
  }));
  return { records: out, cap };
}

/**
 * base is site.baseURL as head.js takes it (baseOf): an absolute http(s)
 * URL, else '' and the feeds' and sitemaps' links stay site-relative. A
 * bucket written by another writer could hold "javascript:…" or a line
 * break (a robots.txt line of its own); validate refuses both.
 */
const base = baseOf;

/** atom renders an Atom 1.0 feed of records (newest first). */
export function atom(site, { title, path, records }) {
  const b = base(site);
  const updated = records[0]?.date || '1970-01-01T00:00:00Z';
  const entries = records.map((r) => `<entry><title>${esc(r.title)}</title><link href="${esc(b + r.url)}"/>
<id>${esc(b + r.url)}</id><updated>${esc(r.date)}</updated>${r.author ? `<author><name>${esc(r.author)}</name></author>` : ''}
${r.description ? `<summary>${esc(r.description)}</summary>` : ''}${r.content === undefined ? '' : `<content type="html" xml:base="${esc(b + r.url)}">${esc(r.content)}</content>`}${(r.tags || []).map((t) => `<category term="${esc(t.name)}"/>`).join('')}</entry>`);
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>${esc(title)}</title>
<link rel="self" href="${esc(b + path)}"/><link href="${esc(b + path.replace(/feed\.xml$/, ''))}"/>
<id>${esc(b + path)}</id><updated>${esc(updated)}</updated><author><name>${esc((site && site.title) || 'axctl')}</name></author>
${entries.join('\n')}
</feed>
`.replace(NOT_XML, (c) => (c === '\r' ? '&#13;' : '\uFFFD'));
}

/** sitemap renders a sitemap of the given paths ({path, lastmod?}). */
export function sitemap(site, urls) {
  const b = base(site);
  return `<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.map((u) => `<url><loc>${esc(b + u.path)}</loc>${u.lastmod ? `<lastmod>${esc(u.lastmod)}</lastmod>` : ''}</url>`).join('\n')}
</urlset>
`;
}

/** robots allows everything and points at the sitemap. */
export function robots(site) {
  const b = base(site);
  return `User-agent: *\nAllow: /\nDisallow: /__internal/\n${b ? `Sitemap: ${b}/sitemap.xml\n` : ''}`;
}
