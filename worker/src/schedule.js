// schedule.js — what site.json's schedule hides now. The schedule lists the
// entries shown only inside a window (a publishDate after the sync, or an
// expires; docs/bucket.md), so every page that counts or names entries can
// leave the hidden ones out without reading shards: collection totals, the
// tags index and tag pages, the sitemap, listing pagination and the public
// collection index. The cap (seconds until the next boundary) goes on each
// such response so the entries appear, or go, on time without a sync.
import { visibility } from './policy.js';

/** order sorts records newest first, then by slug (the manifest order). */
export function order(a, b) {
  if (a.date !== b.date) return a.date > b.date ? -1 : 1;
  return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
}

/** bound parses a shard's "<date> <slug>" first/last field. */
export function bound(s) {
  const i = s.indexOf(' ');
  return { date: s.slice(0, i), slug: s.slice(i + 1) };
}

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
