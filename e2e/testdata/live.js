// live.js — the real Worker (worker/src/index.js) whose R2 binding reads the
// S3 bucket a sync writes (MinIO, anonymous reads) while both run: a sync is
// seen without restarting anything, as on Cloudflare, where a purge reaches
// the caches but never the Worker's isolates. S3_BASE is the bucket's URL
// with a trailing slash. Only what the Worker uses of R2 is emulated: get
// (with onlyIf.etagDoesNotMatch, answered "not modified" as an object
// without a body), and the object's etag, httpEtag, body, text(),
// customMetadata and httpMetadata.contentType.
import worker from '../../worker/src/index.js';

const wrapped = new WeakMap();

function s3Bucket(base) {
  return {
    async get(key, opts) {
      const headers = {};
      const etag = opts && opts.onlyIf && opts.onlyIf.etagDoesNotMatch;
      if (etag) headers['If-None-Match'] = `"${etag}"`;
      const res = await fetch(base + key.split('/').map(encodeURIComponent).join('/'), { headers });
      if (res.status === 404) return null;
      const tag = (res.headers.get('ETag') || '').replace(/^W\//, '').replaceAll('"', '');
      if (res.status === 304) return { key, etag: tag, httpEtag: `"${tag}"` };
      if (res.status !== 200) throw new Error(`GET ${key}: ${res.status}`);
      const customMetadata = {};
      for (const [k, v] of res.headers) if (k.startsWith('x-amz-meta-')) customMetadata[k.slice('x-amz-meta-'.length)] = v;
      return {
        key, etag: tag, httpEtag: `"${tag}"`, body: res.body, text: () => res.text(),
        customMetadata, httpMetadata: { contentType: res.headers.get('Content-Type') || undefined },
      };
    },
  };
}

export default {
  async fetch(request, env, ctx) {
    let e = wrapped.get(env);
    if (!e) {
      e = { ...env, CONTENT: s3Bucket(env.S3_BASE) };
      wrapped.set(env, e);
    }
    return worker.fetch(request, e, ctx);
  },
};
