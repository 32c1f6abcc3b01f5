// schedule.js — what site.json's schedule hides now. The schedule lists the
// entries shown only inside a window (a publishDate after the sync, or an
// expires; docs/bucket.md), so every page that counts or names entries can
// leave the hidden ones out without reading shards: collection totals, the
// tags index and tag pages, the sitemap, listing pagination and the public
// collection index. The cap (seconds until the next boundary) goes on each
// such response so the entries appear, or go, on time without a sync.
import { visibility } from './policy.js';

/** fold lowercases A–Z only: Go and JavaScript lowercase other letters differently (manifest.FoldTitle). */
const fold = (s) => String(s || '').replace(/[A-Z]/g, (c) => c.toLowerCase());
/** wt is an undated entry's weight for ordering: 0 or none last. */
const wt = (r) => Number(r.weight) || Infinity;

/** cmpText compares folded titles by code point, as Go compares strings (UTF-16 order differs above U+D7FF). */
export function cmpText(a, b) {
  [a, b] = [fold(a), fold(b)];
  for (let i = 0; i < a.length && i < b.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) [x, y] = [x, y].map((u) => (u < 0xe000 ? u + 0x2000 : u - 0x800));
    return x < y ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}

/**
 * order sorts records as their collection lists them (the manifest order):
 * newest first, then by slug; an undated collection's (no date) by weight,
 * then title, then slug (docs/bucket.md, "Undated collections").
 */
export function order(a, b) {
  if (!a.date || !b.date) {
    if (wt(a) !== wt(b)) return wt(a) < wt(b) ? -1 : 1;
    const t = cmpText(a.title, b.title);
    if (t) return t;
  } else if (a.date !== b.date) return a.date > b.date ? -1 : 1;
  return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
}

/** bound parses a shard's first/last field: "<date> <slug>", or "<weight> <slug> <title>" when undated. */
export function bound(s) {
  const i = s.indexOf(' ');
  const head = s.slice(0, i);
  if (head.includes('T')) return { date: head, slug: s.slice(i + 1) };
  const j = s.indexOf(' ', i + 1);
  return { weight: Number(head), slug: s.slice(i + 1, j), title: s.slice(j + 1) };
}

/** boundOf is the first/last field a shard bounded by r would have. */
export const boundOf = (r) => (r.date ? `${r.date} ${r.slug}` : `${Number(r.weight) || 0} ${r.slug} ${r.title}`);

/**
 * hiddenNow returns the schedule items (those pick accepts) hidden at now,
 * and the seconds until the next boundary of any of them (Infinity: none).
 */
export function hiddenNow(site, now, pick = () => true) {
  const items = (site.schedule || []).filter(pick);
  const { shown, cap } = visibility(items, now);
  const seen = new Set(shown);
  return { hidden: items.filter((x) => !seen.has(x)), cap };
}

/** inShard says whether the entry h (date, slug) lies within shard s's bounds. */
export const inShard = (s, h) => order(bound(s.first), h) <= 0 && order(h, bound(s.last)) <= 0;

/** visibleTotal is collection c's entry count without its hidden entries. */
export const visibleTotal = (c, hidden) =>
  Math.max(0, (Number(c.total) || 0) - hidden.filter((h) => h.collection === c.name).length);

/** visibleTags is site.tags counted without hidden entries; a tag left with none is dropped. */
export function visibleTags(site, hidden) {
  return (site.tags || [])
    .map((t) => ({ ...t, count: (Number(t.count) || 0) - hidden.filter((h) => (h.tags || []).includes(t.slug)).length }))
    .filter((t) => t.count > 0);
}

/** visibleShards is an index's shards with counts that leave out hidden entries (shards left empty dropped). */
export function visibleShards(shards, hidden) {
  return shards
    .map((s) => ({ ...s, count: (Number(s.count) || 0) - hidden.filter((h) => inShard(s, h)).length }))
    .filter((s) => s.count > 0);
}
