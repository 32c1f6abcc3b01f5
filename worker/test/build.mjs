// build.mjs — the manifests of docs/bucket.md for records a test writes by
// hand (hostile values, time windows, big collections), in the layout Go's
// manifest.Build writes: shards counted from the oldest (the newest holds
// pageSize…2·pageSize-1), tag chunks, tags index pages, sitemap chunks and
// site.json. No validation: tests feed it what they mean to serve.
const pad = (i) => String(i).padStart(4, '0');
const order = (a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : (a.collection < b.collection ? -1 : 1));
const pagesOf = (n, size) => Math.max(1, Math.floor(n / size));

/** chunks splits a newest-first list into [index, items] from the newest chunk to the oldest. */
export function chunks(list, size) {
  const n = list.length;
  const pages = pagesOf(n, size);
  const out = [];
  for (let p = 1; n && p <= pages; p++) {
    const i = pages - p;
    out.push([i, list.slice(p === 1 ? 0 : n - (i + 1) * size, n - i * size)]);
  }
  return out;
}

const summary = (r, c) => {
  const s = { collection: c, slug: r.slug, url: r.url, title: r.title, date: r.date };
  for (const k of ['author', 'description', 'tags']) if (r[k] !== undefined) s[k] = r[k];
  s.words = r.words;
  for (const k of ['publishDate', 'expires']) if (r[k] !== undefined) s[k] = r[k];
  return s;
};

/**
 * build returns key → JSON text. cols: [{name, route, title, records}];
 * records carry slug, url, key, hash, input, title, date, words, tags…
 */
export function build({ title = 'axctl', baseURL = 'https://example.com', pageSize = 25, schedule, cols }) {
  const out = {};
  const put = (k, v) => { out[k] = `${JSON.stringify(v)}\n`; };
  const site = { version: 1, title, baseURL, pageSize, collections: [], tagTotal: 0, pagedTags: {}, latest: [] };
  const all = [];
  for (const c of cols) {
    const recs = [...c.records].sort(order);
    const shards = [];
    for (const [i, page] of chunks(recs, pageSize)) {
      const key = `metadata/${c.name}/${pad(i)}.json`;
      put(key, { version: 1, collection: c.name, index: i, records: page });
      shards.push({ key, count: page.length, first: `${page[0].date} ${page[0].slug}`, last: `${page.at(-1).date} ${page.at(-1).slug}` });
    }
    put(`metadata/${c.name}.json`, { version: 1, collection: c.name, route: c.route, title: c.title, total: recs.length, pageSize, shards });
    for (let i = 0; i * 500 < recs.length; i++) {
      const part = recs.slice(Math.max(0, recs.length - (i + 1) * 500), recs.length - i * 500);
      put(`metadata/sitemaps/${c.name}/${pad(i)}.json`, { version: 1, collection: c.name, index: i, urls: part.map((r) => [r.slug, r.date]) });
    }
    const months = {};
    for (const r of recs) months[r.date.slice(0, 7)] = (months[r.date.slice(0, 7)] || 0) + 1;
    site.collections.push({ name: c.name, route: c.route, title: c.title, total: recs.length, ...(recs.length && { months }) });
    for (const r of recs) all.push({ collection: c.name, ...r });
  }
  all.sort(order);
  const tags = new Map();
  for (const r of all) {
    for (const t of new Map((r.tags || []).map((x) => [x.slug, x])).values()) {
      if (!tags.has(t.slug)) tags.set(t.slug, { name: t.name, slug: t.slug, list: [] });
      tags.get(t.slug).list.push(r);
    }
  }
  const sorted = [...tags.values()].sort((a, b) => (a.slug < b.slug ? -1 : 1));
  for (const t of sorted) {
    for (const [i, page] of chunks(t.list, pageSize)) {
      put(`metadata/tags/${t.slug}/${pad(i)}.json`, { version: 1, tag: { name: t.name, slug: t.slug }, index: i, records: page.map((r) => summary(r, r.collection)) });
    }
    if (pagesOf(t.list.length, pageSize) > 1) site.pagedTags[t.slug] = t.list.length;
  }
  for (let i = 0; i * pageSize < sorted.length; i++) {
    put(`metadata/tags/${pad(i)}.json`, { version: 1, index: i, tags: sorted.slice(i * pageSize, (i + 1) * pageSize).map((t) => ({ name: t.name, slug: t.slug, count: t.list.length })) });
  }
  site.tagTotal = sorted.length;
  site.latest = all.slice(0, 10);
  if (schedule) site.schedule = schedule;
  put('metadata/site.json', site);
  return out;
}
