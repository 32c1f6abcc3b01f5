// bucket.mjs — seed an R2 binding from a directory in the dir-store layout
// written by `axctl sync --target file://DIR`: object bytes at <dir>/<key>,
// and attributes in a sidecar <dir>/.meta/<key>.json =
// {"contentType": "...", "cacheControl": "...", "metadata": {...}} with
// metadata values already decoded to UTF-8. Used by the tests and serve.mjs.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

async function* walk(dir, root = dir) {
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) {
      if (p === join(root, '.meta')) continue;
      yield* walk(p, root);
    } else if (d.isFile()) yield relative(root, p).split(sep).join('/');
  }
}

async function sidecar(dir, key) {
  try {
    return JSON.parse(await readFile(join(dir, '.meta', `${key}.json`), 'utf8'));
  } catch (err) {
    if (err.code === 'ENOENT') return {};
    throw new Error(`sidecar for ${key}: ${err.message}`);
  }
}

/** readDir returns every object of a dir-store: [{key, body, contentType, cacheControl, metadata}]. */
export async function readDir(dir) {
  const out = [];
  for await (const key of walk(dir)) {
    const meta = await sidecar(dir, key);
    out.push({ key, body: await readFile(join(dir, key)), contentType: meta.contentType,
      cacheControl: meta.cacheControl, metadata: meta.metadata || {} });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** putObject writes one object with its attributes to an R2 binding. */
export function putObject(r2bucket, { key, body, contentType, cacheControl, metadata }) {
  const httpMetadata = {};
  if (contentType) httpMetadata.contentType = contentType;
  if (cacheControl) httpMetadata.cacheControl = cacheControl;
  // A Node Buffer is a view on a shared pool; the Miniflare proxy wants a plain, whole Uint8Array.
  const bytes = typeof body === 'string' ? body : new Uint8Array(body);
  return r2bucket.put(key, bytes, { httpMetadata, customMetadata: metadata || {} });
}

/** loadDir copies a dir-store into an R2 binding and returns the number of objects. */
export async function loadDir(dir, r2bucket) {
  const objects = await readDir(dir);
  for (let i = 0; i < objects.length; i += 16) {
    await Promise.all(objects.slice(i, i + 16).map((o) => putObject(r2bucket, o)));
  }
  return objects.length;
}
