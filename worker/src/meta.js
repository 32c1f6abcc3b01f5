// meta.js — reads entry custom metadata. Stores decode RFC 2047 on the way
// in, but a value that went through an S3 gateway may still be an encoded-word
// (`=?UTF-8?b?…?=`), so every value is decoded defensively here: anything
// malformed is returned as it came.

const WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
const BETWEEN_WORDS = /(\?=)\s+(?==\?)/g;

/** decodeWords decodes RFC 2047 encoded-words in a string; other text is kept. */
export function decodeWords(value) {
  if (typeof value !== 'string' || !value.includes('=?')) return value;
  return value.replace(BETWEEN_WORDS, '$1').replace(WORD, (word, charset, enc, text) => {
    try {
      const bytes = enc.toUpperCase() === 'B' ? base64Bytes(text) : qBytes(text);
      return new TextDecoder(charset.split('*')[0].toLowerCase(), { fatal: true }).decode(bytes);
    } catch {
      return word;
    }
  });
}

function base64Bytes(text) {
  const bin = atob(text);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function qBytes(text) {
  const out = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '_') out.push(0x20);
    else if (c === '=') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new Error('bad q-encoding');
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(c.charCodeAt(0));
  }
  return new Uint8Array(out);
}

function jsonArray(value) {
  try {
    const v = JSON.parse(value);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const HEX = /^[0-9a-f]{32}$/;
/** REQUIRED are the metadata fields the contract requires (docs/bucket.md), with their one form. */
const REQUIRED = { title: /./, date: DATE, words: /^(0|[1-9]\d*)$/, hash: HEX, input: HEX };
const WINDOW = { publishdate: DATE, expires: DATE };

/**
 * metaProblem says why an entry's custom metadata is not what a sync writes
 * (a required field missing or malformed, a publish window field malformed),
 * or returns null. Such an entry is not served: its metadata was stripped or
 * altered behind axctl's back, and its window may be gone with it.
 */
export function metaProblem(custom, undated) {
  const m = Object.create(null);
  for (const [k, v] of Object.entries(custom || {})) m[k.toLowerCase()] = decodeWords(v);
  for (const [k, re] of Object.entries(REQUIRED)) if ((k !== 'date' || !undated || k in m) && (typeof m[k] !== 'string' || !re.test(m[k]))) return `${k} ${k in m ? 'malformed' : 'missing'}`;
  if ('weight' in m && !/^-?[1-9]\d{0,9}$/.test(m.weight)) return 'weight malformed';
  for (const [k, re] of Object.entries(WINDOW)) if (k in m && !re.test(m[k])) return `${k} malformed`;
  return null;
}

/** marker is the first line every entry body starts with (docs/bucket.md): its metadata's hash. */
export const marker = (hash) => `<!-- axctl ${hash} -->`;

const TOC_OPEN = '<!-- toc ';
const TOC_CLOSE = ' -->\n';

/**
 * splitBody takes the marker line and the table-of-contents line (both
 * written by the CLI, docs/bucket.md "Entry body") off an entry body: the
 * fragment to show, and the headings of the table of contents (malformed
 * ones dropped; a line that is not JSON gives none).
 */
export function splitBody(text) {
  let html = String(text);
  if (html.startsWith('<!-- axctl ')) html = html.slice(html.indexOf('\n') + 1);
  if (!html.startsWith(TOC_OPEN)) return { html, toc: [] };
  const end = html.indexOf(TOC_CLOSE);
  if (end < 0) return { html, toc: [] };
  const toc = jsonArray(html.slice(TOC_OPEN.length, end))
    .filter((h) => h && typeof h.id === 'string' && h.id && typeof h.text === 'string');
  return { html: html.slice(end + TOC_CLOSE.length), toc };
}

/**
 * entryMeta turns an entry object's custom metadata into a record shaped
 * like the manifest's (docs/bucket.md), so layouts take one shape.
 */
export function entryMeta(custom, collection, slug, route) {
  const m = Object.create(null);
  for (const [k, v] of Object.entries(custom || {})) m[k.toLowerCase()] = decodeWords(v);
  const rec = {
    slug,
    url: `${route}/${slug}`,
    title: m.title || slug,
    date: m.date || '',
    tags: jsonArray(m.tags).filter((t) => t && typeof t.name === 'string' && typeof t.slug === 'string'),
    // Objects written before the table of contents moved into the body carry it here.
    toc: jsonArray(m.toc).filter((h) => h && typeof h.id === 'string' && typeof h.text === 'string'),
    features: jsonArray(m.features),
    words: Number(m.words) || 0,
    collection,
  };
  for (const k of ['author', 'description', 'template', 'source']) if (m[k]) rec[k] = m[k];
  if (m.publishdate) rec.publishDate = m.publishdate;
  if (m.expires) rec.expires = m.expires;
  if (m.hash) rec.hash = m.hash;
  if (m.weight) rec.weight = Number(m.weight);
  return rec;
}
