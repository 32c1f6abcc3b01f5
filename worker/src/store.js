// store.js — every R2 read goes through here. Manifests (JSON under
// metadata/) are memoised per isolate: one in-flight read per key shared by
// concurrent requests, then revalidated at most every MANIFEST_TTL seconds
// with a conditional get, so an unchanged manifest costs no body transfer.

/** @typedef {{CONTENT: R2Bucket, PURGE_SECRET?: string, BUILD_ID?: string, MANIFEST_TTL?: string}} Env */

/** StoreError marks a failed bucket read; the router answers it with 503. */
export class StoreError extends Error {}

const MAX_MEMO = 1000;
const JOIN_TIMEOUT_MS = 3000;
const MAX_KEYS = 1000; // per-key read counts kept, so random URLs cannot grow memory
const memo = new Map(); // key -> {value, etag, checked, inflight}
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
    const ttl = 1000 * (Number(this.env.MANIFEST_TTL ?? 30) || 0);
    let m = memo.get(key);
    if (m && m.inflight) return this.join(key, m);
    if (m && m.checked !== undefined && Date.now() - m.checked < ttl) return Promise.resolve(m.value);
    if (!m) {
      m = { value: undefined, etag: null, checked: undefined, inflight: null };
      memo.set(key, m);
      if (memo.size > MAX_MEMO) memo.delete(memo.keys().next().value);
    }
    m.inflight = this.load(key, m).finally(() => { m.inflight = null; });
    return m.inflight;
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
    return Promise.race([m.inflight, own]).finally(() => clearTimeout(timer));
  }

  async load(key, m) {
    let obj;
    try {
      const opts = m.etag ? { onlyIf: { etagDoesNotMatch: m.etag } } : undefined;
      obj = await this.timed(key, () => this.env.CONTENT.get(key, opts));
    } catch (err) {
      if (m.checked !== undefined) return m.value; // keep serving what we had; retry next time
      memo.delete(key);
      throw err;
    }
    if (obj && !('body' in obj)) { // precondition failed: unchanged
      stats.notModified++;
      m.checked = Date.now();
      return m.value;
    }
    stats.bodies++;
    const value = obj ? await parse(key, obj) : null;
    Object.assign(m, { value, etag: obj ? obj.etag : null, checked: Date.now() });
    return value;
  }
}

async function parse(key, obj) {
  try {
    return JSON.parse(await obj.text());
  } catch (err) {
    throw new StoreError(`manifest ${key}: ${err.message}`);
  }
}

/** memoEtags lists the manifests held in memory and their etags (for /__internal/version). */
export function memoEtags() {
  const out = {};
  for (const [k, m] of memo) if (m.checked !== undefined) out[k] = m.etag;
  return out;
}
