// meta.js — reads entry custom metadata. Stores decode RFC 2047 on the way
// in, but a value that went through an S3 gateway may still be an encoded-word
// (`=?UTF-8?b?…?=`), so every value is decoded defensively here: anything
// malformed is returned as it came. The field names and forms are the
// contract's (META_FIELDS, generated from internal/contract).
import { META_FIELDS } from './contract.js';

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

/** FIELDS are the entry metadata fields of the contract (META_FIELDS), each with its one form. */
const FIELDS = META_FIELDS.map((f) => ({ ...f, re: f.pattern && new RegExp(f.pattern) }));
const REQUIRED = 1;
const DATED = 2;
const items = (f, v) => jsonArray(v).filter((x) => (f.items || []).every((p) => x && typeof x[p] === 'string'));
const lower = (custom) => {
  const m = Object.create(null);
  for (const [k, v] of Object.entries(custom || {})) m[k.toLowerCase()] = decodeWords(v);
  return m;
};

/**
 * metaProblem says why an entry's custom metadata is not what a sync writes
 * (a required field missing or malformed, a publish window field malformed),
 * or returns null. Such an entry is not served: its metadata was stripped or
 * altered behind axctl's back, and its window may be gone with it.
 */
export function metaProblem(custom, undated) {
  const m = lower(custom);
  for (const { name: k, need, re } of FIELDS) {
    if (!(k in m) ? need === REQUIRED || (need === DATED && !undated) : re && (typeof m[k] !== 'string' || !re.test(m[k]))) return `${k} ${k in m ? 'malformed' : 'missing'}`;
  }
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
  const m = lower(custom);
  const rec = { slug, url: `${route}/${slug}`, title: slug, date: '' };
  for (const f of FIELDS) {
    const v = m[f.name];
    if (!f.record) continue;
    if (f.kind === 'json') rec[f.record] = items(f, v);
    else if (f.kind === 'int') {
      if (v || f.need) rec[f.record] = Number(v) || 0;
    } else if (v) rec[f.record] = v;
  }
  rec.collection = collection;
  return rec;
}
