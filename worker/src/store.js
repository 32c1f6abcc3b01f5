// store.js — every R2 read goes through here. Manifests (JSON under
// metadata/) are memoised per isolate, but only briefly: a request reuses a
// copy whose read started less than MANIFEST_TTL seconds ago (default 1), or
// joins a read in flight, so a burst of misses shares one read; otherwise it
// revalidates with a conditional get, so an unchanged manifest costs no body.
// Each request remembers when the oldest read it used started; index.js lets
// a response be cached only if it is complete within FRESH_HORIZON_MS of that
// and no read failed (docs/caching.md, "Freshness"): a cacheable response
// never rests on a manifest older than the horizon, whether or not this
// isolate ever hears of a purge.
import { FRESH_HORIZON_MS, TOP_MANIFEST_KEY } from './contract.js';

/** @typedef {{CONTENT: R2Bucket, PURGE_SECRET?: string, BUILD_ID?: string, MANIFEST_TTL?: string, MEMO_BYTES?: string}} Env */

/** StoreError marks a failed bucket read; the router answers it with 503. */
export class StoreError extends Error {}

/** ManifestError is a manifest that is not JSON of the documented shape (shape.js): a 503 logged once. */
export class ManifestError extends StoreError {}

/**
 * UnknownBucket is a bucket the Worker does not understand: no
 * metadata/site.json (empty, or not the bucket a sync writes), or an entry
 * object whose metadata lacks what the contract requires. Like a bad
 * manifest it is a 503 no-store logged once per isolate, never a cacheable
 * page; `public` is the text readers see.
 */
export class UnknownBucket extends ManifestError {
  constructor(message, pub) {
    super(message);
    this.public = pub;
  }
}

/**
 * The memo is bounded by the bytes of the manifests it holds (MEMO_BYTES,
 * default 8 MiB) and evicts in two segments (SLRU): a manifest enters on
 * probation and is promoted to the protected segment when a second request
 * uses it; eviction takes the least recently used probation entry first,
 * and a protected one only when no probation entry is left. A crawler
 * paging through ?page=N fills probation with chunks it reads once each,
 * while site.json and the other manifests every page reads stay protected.
 * The few manifests at the top of metadata/ (site.json, each collection
 * index, the search root: one per collection, not per page) are protected
 * from their first read: an index that only entry pages read, a few of them
 * between hundreds of crawled chunks, would otherwise never see its second
 * use before probation evicted it.
 */
const MEMO_BYTES = 8 << 20;
const MAX_MEMO = 100000; // entries, whatever their size (a bound on the Map itself)
let memoBytes = 0;
const JOIN_TIMEOUT_MS = 3000;
const MAX_KEYS = 1000; // per-key read counts kept, so random URLs cannot grow memory
const memo = new Map(); // key -> {value, etag, at (start of the read that last confirmed it), inflight}
/** TOP are the manifests protected from their first read (see above). */
const TOP = TOP_MANIFEST_KEY;
export const stats = { gets: 0, bodies: 0, notModified: 0, errors: 0, byKey: {} };

/** Req carries one request's bucket and R2 timing. */
export class Req {
  /** @param {Env} env */
  constructor(env, ctx) {
    this.env = env;
    this.ctx = ctx;
    this.r2ms = 0;
    this.reads = 0;
    this.now = Date.now();
    this.oldest = this.now; // start of the oldest read this response rests on
    this.degraded = false; // a manifest read failed and an older copy was used
  }

  /** fresh reports whether the response may be stored (see the file comment). */
  fresh(end = Date.now()) {
    return !this.degraded && end - this.oldest <= FRESH_HORIZON_MS;
  }

  /** uses records a manifest read this response rests on; returns its value. */
  uses({ value, at, ok }) {
    if (at < this.oldest) this.oldest = at;
    if (!ok) this.degraded = true;
    return value;
  }

  async timed(key, fn) {
    const t0 = Date.now();
    stats.gets++;
    if (key in stats.byKey || Object.keys(stats.byKey).length < MAX_KEYS) stats.byKey[key] = (stats.byKey[key] || 0) + 1;
    this.reads++;
    try {
      return await fn();
    } catch (err) {
      stats.errors++;
      throw new StoreError(`r2 get ${key}: ${err && err.message}`);
    } finally {
      this.r2ms += Date.now() - t0;
    }
  }

  /** object reads a body object (entries, assets) without memoising it. */
  object(key) {
    return this.timed(key, () => this.env.CONTENT.get(key));
  }

  /** json returns a parsed manifest (or null when absent), memoised per isolate. */
  json(key) {
    const ttl = 1000 * (Number(this.env.MANIFEST_TTL ?? 1) || 0);
    let m = memo.get(key);
    if (m && m.inflight) return this.join(key, m);
    if (m && m.at !== undefined && Date.now() - m.at < ttl) {
      memo.delete(key);
      memo.set(key, m);
      m.hot = true;
      return Promise.resolve(this.uses({ value: m.value, at: m.at, ok: true }));
    }
    if (!m) {
      m = { value: undefined, etag: null, at: undefined, inflight: null, size: 0, hot: TOP.test(key) };
      memo.set(key, m);
    } else {
      memo.delete(key); // most recently used last
      memo.set(key, m);
      m.hot = true;
    }
    const p = this.load(key, m);
    const done = () => { if (m.inflight === p) m.inflight = null; };
    m.inflight = p;
    p.then(done, done);
    return p.then((r) => this.uses(r));
  }

  /** held is the copy of key json() would use without a read, if young enough to keep the response storable. */
  held(key) {
    const m = memo.get(key);
    const ttl = Math.min(1000 * (Number(this.env.MANIFEST_TTL ?? 1) || 0), FRESH_HORIZON_MS / 2);
    return m && !m.inflight && m.at !== undefined && Date.now() - m.at < ttl ? this.uses({ value: m.value, at: m.at, ok: true }) : undefined;
  }

  /**
   * join waits for another request's read of key. That read's I/O belongs to
   * the other request: if it is cancelled (its client went away) the promise
   * may never settle, and the runtime would answer this request with a bare
   * 500. So wait at most JOIN_TIMEOUT_MS, then read for ourselves.
   */
  join(key, m) {
    let timer;
    const own = new Promise((resolve) => { timer = setTimeout(resolve, JOIN_TIMEOUT_MS); })
      .then(() => this.load(key, m));
    return Promise.race([m.inflight, own]).finally(() => clearTimeout(timer)).then((r) => this.uses(r));
  }

  /**
   * load reads key, conditionally when a copy is held, and resolves to
   * {value, at, ok}: at is when this read started. A failed revalidation
   * keeps serving the copy held (ok: false, so the response is not stored);
   * a failed first read throws.
   */
  async load(key, m) {
    const at = Date.now();
    const held = { value: m.value, etag: m.etag, at: m.at };
    let obj;
    try {
      const opts = held.etag ? { onlyIf: { etagDoesNotMatch: held.etag } } : undefined;
      obj = await this.timed(key, () => this.env.CONTENT.get(key, opts));
    } catch (err) {
      if (held.at !== undefined) return { value: held.value, at: held.at, ok: false }; // retry next time
      if (m.at === undefined && memo.get(key) === m) memo.delete(key);
      throw err;
    }
    let value = held.value;
    let size = m.size;
    if (obj && !('body' in obj)) { // precondition failed: unchanged
      stats.notModified++;
    } else {
      stats.bodies++;
      const text = obj ? await obj.text() : 'null';
      value = parse(key, text);
      size = key.length + text.length;
    }
    // A slower, older read never replaces what a newer one confirmed.
    if (m.at === undefined || at >= m.at) {
      if (memo.get(key) === m) memoBytes += size - m.size;
      Object.assign(m, { value, etag: obj ? obj.etag : null, at, size });
      evict(Number(this.env.MEMO_BYTES) || MEMO_BYTES, m);
    }
    return { value, at, ok: true };
  }
}

function parse(key, text) {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`manifest ${key}: ${err.message}`);
  }
}

/**
 * evict drops least recently used manifests until the memo holds at most
 * budget bytes (and MAX_MEMO entries): probation ones first, then protected
 * ones; never keep (the one just read) nor a read in flight.
 */
function evict(budget, keep) {
  for (const hotPass of [false, true]) {
    if (memoBytes <= budget && memo.size <= MAX_MEMO) return;
    for (const [k, m] of memo) {
      if (memoBytes <= budget && memo.size <= MAX_MEMO) return;
      if (m === keep || m.inflight || m.hot !== hotPass) continue;
      memo.delete(k);
      memoBytes -= m.size;
    }
  }
}

/** memoUse is the memo's bytes and entries (for /__internal/version). */
export const memoUse = () => ({ bytes: memoBytes, entries: memo.size });

/** memoEtags lists the manifests held in memory and their etags (for /__internal/version). */
export function memoEtags() {
  const out = {};
  for (const [k, m] of memo) if (m.at !== undefined) out[k] = m.etag;
  return out;
}
