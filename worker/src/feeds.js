// feeds.js — Atom feeds, the sitemap and robots.txt. Same escaping as HTML.
import { esc } from './layout.js';

function base(site) {
  return String((site && site.baseURL) || '').replace(/\/+$/, '');
}

/** atom renders an Atom 1.0 feed of records (newest first). */
export function atom(site, { title, path, records }) {
  const b = base(site);
  const updated = records[0]?.date || '1970-01-01T00:00:00Z';
  const entries = records.map((r) => `<entry><title>${esc(r.title)}</title><link href="${esc(b + r.url)}"/>
<id>${esc(b + r.url)}</id><updated>${esc(r.date)}</updated>${r.author ? `<author><name>${esc(r.author)}</name></author>` : ''}
${r.description ? `<summary>${esc(r.description)}</summary>` : ''}${(r.tags || []).map((t) => `<category term="${esc(t.name)}"/>`).join('')}</entry>`);
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>${esc(title)}</title>
<link rel="self" href="${esc(b + path)}"/><link href="${esc(b + path.replace(/feed\.xml$/, ''))}"/>
<id>${esc(b + path)}</id><updated>${esc(updated)}</updated><author><name>${esc((site && site.title) || 'axctl')}</name></author>
${entries.join('\n')}
</feed>
`;
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
  return `User-agent: *\nAllow: /\nDisallow: /__internal/\nSitemap: ${base(site)}/sitemap.xml\n`;
}
