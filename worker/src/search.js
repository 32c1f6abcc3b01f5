// search.js — GET /search: the query cut into words exactly as Go's
// internal/search cuts text (fold, dense-script bigrams, UAX #29 words),
// one shard read per term from the index sync wrote, BM25 ranking from the
// stored weights, and a results page. docs/search.md has the format.
import { SEARCH_ROOT_KEY, SEARCH_SHARD_PREFIX, SEARCH_MAX_WORDS, SEARCH_MAX_QUERY_BYTES, NAME, SLUG } from './contract.js';
import { ManifestError } from './store.js';

const MN = /(?![\u3099\u309A])\p{Mn}/gu;
const CHEROKEE = /^[\u13A0-\u13FD\uAB70-\uABBF]$/u;
const CASED = /[\u13A0-\u13FD\uAB70-\uABBF]|[^\u13A0-\u13FD\uAB70-\uABBF]+/gu;
const DENSE = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}\\u30FC\\u3099\\u309A';
const DENSE_RUN = new RegExp(`[${DENSE}]+`, 'gu');
const DENSE_ONE = new RegExp(`[${DENSE}]`, 'u');
const KEEP = /[\p{L}\p{M}\p{N}]/gu;
const ALNUM = /[\p{L}\p{N}]/u;
const MAX_WORD_RUNES = 32;
/** PER_PAGE results a page shows. */
export const PER_PAGE = 10;
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

/**
 * lower is Unicode case folding (Go's cases.Fold) for one run: lower-casing,
 * except that folding maps Cherokee small letters to capitals.
 */
const lower = (m) => (CHEROKEE.test(m) && m.toLowerCase() === m ? m.toUpperCase() : m.toLowerCase());

/** fold mirrors search.Fold: NFKD, marks removed, case folded, NFKD, marks removed, NFC. */
export function fold(s) {
  return s.normalize('NFKD').replace(MN, '').replace(CASED, lower).replace(/ß/g, 'ss').replace(/ς/g, 'σ')
    .replace(/[\u1C80-\u1C88]/g, (c) => c.toUpperCase().toLowerCase())
    .normalize('NFKD').replace(MN, '').normalize('NFC');
}

/** keep mirrors keepWordRunes: letters, marks and digits of a segment, '' when none is a letter or digit or it is too long. */
function keep(seg) {
  const k = (seg.match(KEEP) || []).join('');
  return ALNUM.test(k) && [...k].length <= MAX_WORD_RUNES ? k : '';
}

function segmented(out, s) {
  if (!s) return;
  for (const { segment } of segmenter.segment(s)) {
    const w = keep(segment);
    if (w) out.push({ text: w, dense: false });
  }
}

/** words mirrors search.Words: the folded words of s, dense-script runs whole. */
export function words(s) {
  const f = fold(s).replace(/\./g, ' '); // a full stop separates (search.Words)
  const out = [];
  let last = 0;
  for (const m of f.matchAll(DENSE_RUN)) {
    segmented(out, f.slice(last, m.index));
    out.push({ text: m[0], dense: true });
    last = m.index + m[0].length;
  }
  segmented(out, f.slice(last));
  return out;
}

/** terms mirrors search.Terms: a dense run's overlapping bigrams, other words themselves. */
export function terms(ws) {
  const out = [];
  for (const w of ws) {
    if (!w.dense) { out.push(w.text); continue; }
    const rs = [...w.text];
    if (rs.length === 1) out.push(w.text);
    for (let i = 0; i + 1 < rs.length; i++) out.push(rs[i] + rs[i + 1]);
  }
  return out;
}

/** queryTerms mirrors search.QueryTerms: the bigrams that cover a dense run. */
export function queryTerms(w) {
  const rs = [...w.text];
  if (!w.dense || rs.length <= 2) return [w.text];
  const out = [];
  for (let i = 0; i < rs.length; i += 2) {
    const j = Math.min(i, rs.length - 2);
    out.push(rs[j] + rs[j + 1]);
  }
  return out;
}

/** bucket mirrors search.Bucket: FNV-1a (32 bit) of the key's UTF-8 bytes, modulo n (a power of two). */
export function bucket(key, n) {
  let h = 2166136261;
  for (const b of new TextEncoder().encode(key)) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h & (n - 1);
}

const byText = (a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);

/**
 * parse reads a query: {q, words, terms, page} with q the canonical form
 * (the distinct folded words, sorted, joined by a space), or {error} for a
 * query over the documented limits. Work is bounded before any folding.
 */
export function parse(params) {
  const raw = params.get('q') || '';
  const p = params.get('page');
  const page = p && /^[1-9][0-9]{0,2}$/.test(p) ? Number(p) : 1;
  if (new TextEncoder().encode(raw).length > SEARCH_MAX_QUERY_BYTES) {
    return { error: `The query is too long: at most ${SEARCH_MAX_QUERY_BYTES} bytes.` };
  }
  const seen = new Map();
  for (const w of words(raw)) if (!seen.has(w.text)) seen.set(w.text, w);
  const ws = [...seen.values()].sort(byText);
  const ts = [...new Set(ws.flatMap(queryTerms))];
  if (ts.length > SEARCH_MAX_WORDS) return { error: `The query has too many words: at most ${SEARCH_MAX_WORDS}.` };
  return { q: ws.map((w) => w.text).join(' '), words: ws, terms: ts, page };
}

/** canonical is the query string of a parsed query ('' for an empty one). */
export function canonical(pq) {
  if (!pq.q) return '';
  const s = new URLSearchParams({ q: pq.q });
  if (pq.page > 1) s.set('page', String(pq.page));
  return `?${s}`;
}

const DAY = /^(?:\d{4}-\d{2}-\d{2})?$/; // empty: an entry of an undated collection
const isInt = (v) => Number.isSafeInteger(v) && v >= 0;

/** shapeOf says where a search object departs from docs/search.md, or returns null. */
export function shapeOf(key, v) {
  if (key === SEARCH_ROOT_KEY) {
    const ok = v && typeof v === 'object' && Object.keys(v).join() === 'version,docs,buckets' && v.version === 1
      && isInt(v.docs) && isInt(v.buckets) && v.buckets > 0 && (v.buckets & (v.buckets - 1)) === 0;
    return ok ? null : `manifest ${key}: not a search root`;
  }
  if (!v || typeof v !== 'object' || Object.keys(v).join() !== 'version,docs,keys' || v.version !== 1
    || !Array.isArray(v.docs) || !Array.isArray(v.keys)) return `manifest ${key}: not a search shard`;
  for (const [i, d] of v.docs.entries()) {
    if (!Array.isArray(d) || d.length !== 5 || !d.every((x) => typeof x === 'string') || !NAME.test(d[0]) || !SLUG.test(d[1]) || !DAY.test(d[3])) {
      return `manifest ${key}: $.docs[${i}]`;
    }
  }
  for (const [i, k] of v.keys.entries()) {
    const ok = Array.isArray(k) && k.length === 3 && typeof k[0] === 'string' && isInt(k[1]) && Array.isArray(k[2])
      && k[2].length % 2 === 0 && k[2].every((x, j) => isInt(x) && (j % 2 ? x >= 1 && x <= 255 : x < v.docs.length));
    if (!ok) return `manifest ${key}: $.keys[${i}]`;
  }
  return null;
}

/** shardKey is the key of the shard that holds term, for a root. */
export const shardKey = (root, term) => `${SEARCH_SHARD_PREFIX}${root.buckets}/${bucket(term, root.buckets)}.json`;

/**
 * readShard reads one shard (not memoised: up to 64 KiB each, and a query
 * reads at most SEARCH_MAX_WORDS) and checks its shape.
 */
async function readShard(rq, key) {
  const obj = await rq.object(key);
  if (!obj) return null;
  let v;
  try {
    v = JSON.parse(await obj.text());
  } catch (err) {
    throw new ManifestError(`manifest ${key}: ${err.message}`);
  }
  const bad = shapeOf(key, v);
  if (bad) throw new ManifestError(bad);
  return v;
}

/**
 * find runs a parsed query against the index: the root (memoised like every
 * manifest) and one shard per distinct bucket of its terms. It returns every
 * entry the postings name, scored: {id, doc, score, absent} with doc
 * [collection, slug, title, day, snippet] and absent the number of query
 * terms the entry surely lacks: a term whose stored postings are all its
 * entries (df of them) and do not name it. A term whose list was cut to
 * its best (df larger) may still be in an entry it does not name, so it
 * does not count against the entry: an entry that is in the list of a rare
 * word but not in the cut list of a common one can still come first.
 */
export async function find(rq, root, terms) {
  const keys = [...new Set(terms.map((t) => shardKey(root, t)))];
  const shards = new Map(await Promise.all(keys.map(async (k) => [k, await readShard(rq, k)])));
  const hits = new Map();
  const complete = [];
  terms.forEach((t, ti) => {
    const shard = shards.get(shardKey(root, t));
    const entry = shard && shard.keys.find((k) => k[0] === t);
    if (!entry) { complete.push(ti); return; }
    const [, df, postings] = entry;
    if (postings.length / 2 >= df) complete.push(ti);
    const idf = Math.log(1 + (root.docs - df + 0.5) / (df + 0.5));
    for (let i = 0; i < postings.length; i += 2) {
      const doc = shard.docs[postings[i]];
      const id = `${doc[0]}/${doc[1]}`;
      let h = hits.get(id);
      if (!h) hits.set(id, (h = { id, doc, score: 0, terms: new Set() }));
      if (!h.doc[4] && doc[4]) h.doc = doc; // a shard that carries the snippet
      h.score += idf * postings[i + 1];
      h.terms.add(ti);
    }
  });
  return [...hits.values()].map((h) => ({ ...h, absent: complete.filter((ti) => !h.terms.has(ti)).length }));
}

/** rank orders hits: fewer query terms surely absent, then score, then newer, then id. */
export function rank(hits) {
  return hits.sort((a, b) => a.absent - b.absent || b.score - a.score
    || (a.doc[3] < b.doc[3] ? 1 : a.doc[3] > b.doc[3] ? -1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * marked escapes text and wraps each word that a query word equals or
 * starts (after folding) in <mark>. Dense-script runs are marked where a
 * dense query word occurs in them.
 */
export function marked(text, ws, esc) {
  const plain = ws.filter((w) => !w.dense).map((w) => w.text);
  const dense = ws.filter((w) => w.dense).map((w) => w.text);
  let out = '';
  for (const { segment } of segmenter.segment(String(text))) {
    const k = keep(fold(segment));
    if (k && !DENSE_ONE.test(segment) && plain.some((w) => k.startsWith(w))) {
      out += `<mark>${esc(segment)}</mark>`;
      continue;
    }
    let s = segment;
    let piece = '';
    for (;;) {
      let at = -1;
      let len = 0;
      for (const d of dense) {
        const i = s.indexOf(d);
        if (i >= 0 && (at < 0 || i < at)) { at = i; len = d.length; }
      }
      if (at < 0) break;
      piece += `${esc(s.slice(0, at))}<mark>${esc(s.slice(at, at + len))}</mark>`;
      s = s.slice(at + len);
    }
    out += piece + esc(s);
  }
  return out;
}
