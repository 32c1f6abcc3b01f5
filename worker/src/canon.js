// canon.js — the one spelling of every URL the site serves. A cache keys on
// the URL as it was sent, so a page answered 200 under a second spelling is a
// second cached copy (and a way to pin stale or odd content in the cache).
// index.js compares request.url with canonicalTarget and answers 301 to it
// when they differ, or 404 when no page can have the path.
//
// workerd hands the Worker a URL already parsed the WHATWG way: dot segments
// ("." "..", "%2e" "%2E") are resolved, "\" is "/", the fragment is gone and
// bytes outside the URL alphabet are percent-encoded. Those forms never reach
// this code; a cache in front that keys on the raw request line must resolve
// them itself (Cloudflare's default URL normalization does, before its cache).

const UNRESERVED = /^[A-Za-z0-9._~-]$/;
const PLAIN = /^(?:\/[a-z0-9.-]+)*\/?$/;
const TAG = /^\/tags\/(?:[a-z0-9-]|%[0-9A-F]{2})+$/;
const DIR = /^\/(?:[a-z0-9-]+\/(?:\d{4}\/(?:\d{2}\/)?)?)?$/;

/**
 * canonicalPath returns the canonical spelling of a path as request.url
 * carries it, or null when no route can answer it. Canonical means: no empty
 * segments, unreserved characters never percent-encoded and other escapes in
 * upper case (RFC 3986 §6.2.2), letters in lower case (names, routes, slugs,
 * asset names and tag slugs are lowercase by contract), and a trailing "/"
 * only on directories (home, /tags/, listings, archives). Outside a tag
 * segment (which carries its own percent-encoded UTF-8) only a-z 0-9 - . /
 * can appear.
 */
export function canonicalPath(raw) {
  let p = raw.replace(/\/{2,}/g, '/').replace(/%([0-9A-Fa-f]{2})|[A-Z]/g, (m, hex) => {
    if (!hex) return m.toLowerCase();
    const c = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(c) ? c.toLowerCase() : `%${hex.toUpperCase()}`;
  });
  if (p.length > 1 && p.endsWith('/') && !DIR.test(p)) p = p.slice(0, -1);
  else if (p === '/tags') p += '/'; // a collection's /<route> → /<route>/ needs site.json: routes.js
  if (/(^|\/)\.\.?(\/|$)/.test(p)) return null;
  return PLAIN.test(p) || TAG.test(p) ? p : null;
}

/** rawTarget is the path and query of request.url exactly as the Worker received them. */
export function rawTarget(href) {
  return href.slice(href.indexOf('/', href.indexOf('//') + 2));
}
