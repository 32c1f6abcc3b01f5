// shape.js — manifests are decoded strictly, as Go's manifest.Decode* do:
// the fields of docs/bucket.md with their types, nothing unknown (so no
// "__proto__" or "constructor" key reaches a handler), version 1. The Worker
// adds what it relies on: shard keys inside the collection's own prefix,
// collection names and routes that the contract allows, dates of the one
// fixed form. A manifest of the wrong shape is a ManifestError: 503, no-store.
import { ManifestError } from './store.js';
import { NAME, ROUTE, SLUG, RESERVED_NAMES, SEARCH_ROOT_KEY, SEARCH_SHARD_PREFIX, SORT_WEIGHT, MAX_WEIGHT, PLAIN_FIELDS, LIST_FIELDS, OBJECTS, SITE_KEY, MANIFEST_KEY, SHARD_KEY, TAG_CHUNK_KEY, TAGS_PAGE_KEY, SITEMAP_CHUNK_KEY, TAG_SLUG, isReservedRoute } from './contract.js';
import { shapeOf as searchShape } from './search.js';

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const str = (v) => typeof v === 'string';
const int = (v) => Number.isSafeInteger(v) && v >= 0;
const re = (r) => (v) => str(v) && r.test(v);
const date = re(DATE);
const SLUG_RE = SLUG.source.slice(1, -1);
/** bound is a shard's first/last: "<date> <slug>", or "<weight> <slug> <title>" in an undated collection. */
const bound = re(new RegExp(`^(?:${DATE.source.slice(1, -1)} ${SLUG_RE}|-?\\d{1,10} ${SLUG_RE} [^]*)$`));
/** weight is an undated entry's weight: a non-zero integer within ±MAX_WEIGHT. */
const weight = (v) => Number.isSafeInteger(v) && v !== 0 && Math.abs(v) <= MAX_WEIGHT;

const TAG = { name: str, slug: str };
/** plain is the optional string fields of these contract plain fields (PLAIN_FIELDS, LIST_FIELDS). */
const plain = (names) => Object.fromEntries(names.map((k) => [`?${k}`, str]));
const RECORD = {
  '?collection': re(NAME), slug: re(SLUG), url: re(/^\//), key: str, hash: str, input: str, title: str, '?date': date, '?weight': weight,
  ...plain(PLAIN_FIELDS), '?tags': [TAG], '?features': [str],
  // toc: in shards written before it moved into the entry body; ignored.
  '?toc': [{ level: (v) => int(v) && v >= 1 && v <= 6, id: str, text: str }], words: int, '?publishDate': date, '?expires': date,
  '?related': [{ url: re(/^\/(?!\/)/), title: str }],
};
const version = (v) => v === 1;
const SCHEDULED = { collection: re(NAME), slug: re(SLUG), '?date': date, '?weight': weight, '?title': str, '?tags': [str], '?publishDate': date, '?expires': date };
/** ALIAS is an old path that redirects (site.json aliases); its target is an entry URL. */
const ALIAS = /^\/[a-z0-9][a-z0-9-]{0,63}(?:\/[a-z0-9-]+)*$/;
const aliases = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
  && Object.entries(v).every(([from, to]) => ALIAS.test(from) && !isReservedRoute(from.replace(/^(\/[^/]+).*$/, '$1')) && re(ALIAS)(to));
/** map is a spec for a JSON object whose keys match k and values are ints. */
const map = (k) => (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.entries(v).every(([a, b]) => k.test(a) && int(b));
const SITE = {
  version, title: str, baseURL: str, '?lang': re(/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,7}$/), pageSize: (v) => int(v) && v >= 1, tagTotal: int, pagedTags: map(TAG_SLUG), latest: [RECORD], '?schedule': [SCHEDULED], '?aliases': aliases,
  collections: [{ name: (v) => re(NAME)(v) && !RESERVED_NAMES.includes(v), route: (v) => re(ROUTE)(v) && !isReservedRoute(v), title: str, '?sortBy': (v) => v === SORT_WEIGHT, total: int, '?months': map(/^\d{4}-(?:0[1-9]|1[0-2])$/), '?fullFeed': (v) => v === true }],
};
const SUMMARY = {
  collection: re(NAME), slug: re(SLUG), url: re(/^\//), title: str, '?date': date, ...plain(LIST_FIELDS), '?tags': [TAG], words: int, '?publishDate': date, '?expires': date,
};
const TAG_CHUNK = (slug) => ({ version, tag: { name: str, slug: (v) => v === slug }, index: int, records: [SUMMARY] });
const TAGS_PAGE = { version, index: int, tags: [{ ...TAG, slug: re(TAG_SLUG), count: int }] };
const SITEMAP = (name) => ({ version, collection: (v) => v === name, index: int, urls: [(v) => Array.isArray(v) && SLUG.test(v[0]) && (v.length === 1 || (v.length === 2 && date(v[1])))] });
const shardRef = (name) => ({ key: (v) => typeof v === 'string' && SHARD_KEY.exec(v)?.[1] === name, count: int, first: bound, last: bound });
const INDEX = (name) => ({ version, collection: (v) => v === name, route: re(ROUTE), title: str, total: int, pageSize: int, shards: [shardRef(name)] });
/** FIELD is the spec of each field type of contract.js's OBJECTS. */
const FIELD = { version, string: str, int };
/** objectSpecs maps the key of each object kind of objects (OBJECTS) to its spec. */
export const objectSpecs = (objects) => new Map(Object.values(objects).map((o) => [o.key, Object.fromEntries(Object.entries(o.fields).map(([k, t]) => [k, FIELD[t]]))]));
const OBJECT_SPECS = objectSpecs(OBJECTS);
const SHARD = (name) => ({ version, collection: (v) => v === name, '?sortBy': (v) => v === SORT_WEIGHT, index: int, records: [RECORD] });

/**
 * check throws the path (a string such as "$.records[3].date") of the first
 * place where v departs from spec. A spec is a predicate, [spec] for an array
 * of spec, or an object of field specs where a "?" prefix marks an optional
 * field; any other field is a departure.
 */
function check(spec, v, at) {
  if (typeof spec === 'function') {
    if (!spec(v)) throw at;
  } else if (Array.isArray(spec)) {
    if (!Array.isArray(v)) throw at;
    v.forEach((x, i) => check(spec[0], x, `${at}[${i}]`));
  } else {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw at;
    for (const k of Object.keys(v)) if (!(Object.hasOwn(spec, k) && k[0] !== '?') && !Object.hasOwn(spec, `?${k}`)) throw `${at}.${k}`;
    for (const [k, s] of Object.entries(spec)) {
      const name = k[0] === '?' ? k.slice(1) : k;
      if (Object.hasOwn(v, name)) check(s, v[name], `${at}.${name}`);
      else if (k[0] !== '?') throw `${at}.${name}`;
    }
  }
}

/** unique throws when two items of list share a value of field. */
function unique(list, field, at) {
  const seen = new Set();
  for (const x of list) {
    if (seen.has(x[field])) throw `${at}: ${field} ${JSON.stringify(x[field])} twice`;
    seen.add(x[field]);
  }
}

const verdicts = new WeakMap(); // parsed manifest → null or its ManifestError

/**
 * checked returns v, the manifest parsed from key (null when absent), or
 * throws a ManifestError when its shape is wrong. The store keeps one parsed
 * object per manifest version, so each version is checked once per isolate.
 */
export function checked(key, v) {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object') throw new ManifestError(`manifest ${key}: not an object`);
  let bad = verdicts.get(v);
  if (bad === undefined) {
    const why = shapeError(key, v);
    bad = why && new ManifestError(why);
    verdicts.set(v, bad);
  }
  if (bad) throw bad;
  return v;
}

/**
 * shapeError says where v, parsed from key, departs from the shape
 * docs/bucket.md gives that key, or returns null. Other keys are not checked.
 * objects are the specs of the object kinds of one key (tests pass others).
 */
export function shapeError(key, v, objects = OBJECT_SPECS) {
  if (key === SEARCH_ROOT_KEY || key.startsWith(SEARCH_SHARD_PREFIX)) return searchShape(key, v);
  const m = MANIFEST_KEY.exec(key);
  const t = TAG_CHUNK_KEY.exec(key);
  const sm = SITEMAP_CHUNK_KEY.exec(key);
  if (!m && !t && !sm) return null;
  try {
    if (t) check(TAG_CHUNK(t[1]), v, '$');
    else if (sm) check(SITEMAP(sm[1]), v, '$');
    else if (TAGS_PAGE_KEY.test(key)) check(TAGS_PAGE, v, '$');
    else if (objects.has(key)) check(objects.get(key), v, '$');
    else if (key === SITE_KEY) {
      check(SITE, v, '$');
      unique(v.collections, 'name', '$.collections');
      unique(v.collections, 'route', '$.collections');
    } else if (m[2]) {
      check(SHARD(m[1]), v, '$');
      // A dated shard's records have a date, an undated one's (sortBy) none.
      v.records.forEach((r, i) => { if (!v.sortBy !== 'date' in r) throw `$.records[${i}].date`; });
    } else check(INDEX(m[1]), v, '$');
  } catch (at) {
    if (typeof at !== 'string') throw at;
    return `manifest ${key}: wrong shape at ${at} (docs/bucket.md)`;
  }
  return null;
}
