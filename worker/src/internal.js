// internal.js — /__internal/version and /__internal/purge. Never cacheable
// (policy.isBypass covers the whole /__internal/ prefix).
import { stats, memoEtags, memoUse } from './store.js';
import { TAG_OK } from './policy.js';

const JSON_TYPE = 'application/json';
const json = (status, v) => ({ status, body: `${JSON.stringify(v)}\n`, type: JSON_TYPE });

/** version reports the build, this isolate's run counter and R2 reads, and the manifests in memory. */
export function version(env, isolate) {
  return json(200, {
    build: env.BUILD_ID || 'dev',
    runs: isolate.runs,
    coldStart: isolate.coldStart,
    manifests: memoEtags(),
    memo: memoUse(),
    r2: stats,
  });
}

/** sameSecret compares two strings in constant time by comparing their SHA-256 digests. */
export async function sameSecret(given, want) {
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([given, want].map((s) => crypto.subtle.digest('SHA-256', enc.encode(s))));
  if (crypto.subtle.timingSafeEqual) return crypto.subtle.timingSafeEqual(a, b);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

const MAX_BODY = 64 * 1024;

/**
 * purge checks the bearer secret, then asks Workers Cache to drop the given
 * tags (or everything). Locally ctx.cache does not exist, and the answer says so.
 */
export async function purge(request, env, ctx) {
  if (!env.PURGE_SECRET) return json(503, { error: 'PURGE_SECRET is not configured' });
  const m = /^Bearer (\S+)$/.exec(request.headers.get('Authorization') || '');
  if (!m || !(await sameSecret(m[1], env.PURGE_SECRET))) return { status: 403, body: null };
  const text = await request.text();
  let req;
  try {
    if (text.length > MAX_BODY) throw new Error('too large');
    req = JSON.parse(text);
  } catch {
    return json(400, { error: 'body must be JSON: {"tags":[…]} or {"everything":true}' });
  }
  const everything = req && req.everything === true;
  const tags = req && Array.isArray(req.tags) ? req.tags : null;
  if (!everything && !(tags && tags.length && tags.length <= 1000 && tags.every((t) => typeof t === 'string' && TAG_OK.test(t)))) {
    return json(400, { error: 'tags must be 1–1000 printable ASCII strings without spaces or commas' });
  }
  const cache = ctx && ctx.cache;
  if (!cache || typeof cache.purge !== 'function') {
    return json(200, { purged: false, reason: 'ctx.cache unavailable (local runtime)', ...(everything ? { everything } : { tags }) });
  }
  const r = await cache.purge(everything ? { purgeEverything: true } : { tags });
  return json(r && r.success ? 200 : 502, { purged: !!(r && r.success), errors: (r && r.errors) || [], ...(everything ? { everything } : { tags }) });
}
