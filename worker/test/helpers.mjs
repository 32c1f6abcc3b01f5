// helpers.mjs — start the Worker in workerd (Miniflare) with the R2 binding
// seeded from a dir-store fixture, and the header checks every test shares.
import { Miniflare } from 'miniflare';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import http from 'node:http';
import { loadDir } from '../scripts/bucket.mjs';
import { options, root } from '../scripts/mf.mjs';

process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

/**
 * FIXTURE is the shared bucket written by `axctl sync` from
 * testdata/fixture/content (kept current by `go test ./internal/fixture`);
 * shared-fixture.test.mjs derives every expectation from its manifests.
 */
export const FIXTURE = join(root, '../testdata/fixture/bucket');

/**
 * PROVISIONAL is a hand-written bucket in the same layout, with exact
 * expectations in routes.test.mjs (pagination across shards, nested slugs,
 * hostile values in every field).
 */
export const PROVISIONAL = join(root, 'test/fixture-provisional');

export const ORIGIN = 'http://site.test';

/** start runs the Worker with extra bindings and a seeded bucket (seed: a dir, or null for empty). */
export async function start({ bindings = {}, seed = FIXTURE, extra = {} } = {}) {
  const mf = new Miniflare({ ...options({ PURGE_SECRET: 'test-secret', ...bindings }, { assets: false }), ...extra });
  const bucket = extra.serviceBindings?.CONTENT ? null : await mf.getR2Bucket('CONTENT');
  if (seed && bucket) await loadDir(seed, bucket);
  const get = (path, init) => mf.dispatchFetch(ORIGIN + path, { redirect: 'manual', ...init });
  const version = async () => (await get('/__internal/version')).json();
  return { mf, bucket, get, version, stop: () => mf.dispose() };
}

/**
 * raw sends one request with the target exactly as given (fetch would
 * normalise it first, a cache in front forwards it byte for byte) and
 * resolves to {status, location, cc, reads, headers, body}.
 */
export function raw(port, target, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, method, agent: false, headers: { host: 'site.test', ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode, location: res.headers.location, cc: res.headers['cache-control'], headers: res.headers,
        reads: Number(/desc="(\d+) reads"/.exec(res.headers['server-timing'] || '')?.[1]), body: Buffer.concat(chunks),
      }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** assertCacheable checks the documented rules for a response a shared cache may store. */
export function assertCacheable(res, { tags = [] } = {}) {
  const cc = res.headers.get('Cache-Control') || '';
  assert.doesNotMatch(cc, /private|no-store|no-cache/, `Cache-Control ${cc}`);
  assert.match(cc, /\bpublic\b/);
  const edge = /s-maxage=(\d+)/.exec(cc) || /max-age=(\d+)/.exec(cc);
  assert.ok(edge && Number(edge[1]) > 0, `positive edge TTL in ${cc}`);
  const cdn = /max-age=(\d+)/.exec(res.headers.get('CDN-Cache-Control') || '');
  assert.ok(cdn && Number(cdn[1]) > 0, 'positive CDN-Cache-Control max-age');
  assert.equal(res.headers.get('Vary'), 'Accept-Encoding');
  assert.equal(res.headers.get('Set-Cookie'), null);
  const tagHeader = res.headers.get('Cache-Tag') || '';
  assert.ok(tagHeader.length > 0, 'Cache-Tag present');
  assert.doesNotMatch(tagHeader, /\s/);
  for (const t of tags) assert.ok(tagHeader.split(',').includes(t), `Cache-Tag ${tagHeader} names ${t}`);
}

/** assertNotStored checks a response no cache may keep. */
export function assertNotStored(res) {
  assert.match(res.headers.get('Cache-Control') || '', /no-store/);
  assert.equal(res.headers.get('CDN-Cache-Control'), null);
  assert.equal(res.headers.get('Cache-Tag'), null);
  assert.equal(res.headers.get('Set-Cookie'), null);
}

/** edgeTTL reads the TTL a shared cache would apply (CDN-Cache-Control first). */
export function edgeTTL(res) {
  const m = /max-age=(\d+)/.exec(res.headers.get('CDN-Cache-Control') || '')
    || /s-maxage=(\d+)/.exec(res.headers.get('Cache-Control') || '') || /max-age=(\d+)/.exec(res.headers.get('Cache-Control') || '');
  return m ? Number(m[1]) : 0;
}

/** walk visits a parse5 tree depth first. */
export function walk(node, fn) {
  fn(node);
  for (const c of node.childNodes || []) walk(c, fn);
  if (node.content) walk(node.content, fn);
}

/** find returns the nodes of a parse5 tree that match pred. */
export function find(doc, pred) {
  const out = [];
  walk(doc, (n) => { if (pred(n)) out.push(n); });
  return out;
}

/** textOf is a node's text content. */
export const textOf = (n) => { let t = ''; walk(n, (x) => { if (x.nodeName === '#text') t += x.value; }); return t; };

/** attr is a node's attribute value, or undefined. */
export const attr = (n, name) => (n.attrs || []).find((a) => a.name === name)?.value;

/**
 * runnable says whether n is a script a browser would run: every script but
 * the JSON-LD data blocks (type application/ld+json), which are never executed.
 */
export const runnable = (n) => n.nodeName === 'script' && attr(n, 'type') !== 'application/ld+json';

/** jsonLD parses every JSON-LD block of a document (JSON.parse throws on a broken one). */
export const jsonLD = (doc) => find(doc, (n) => n.nodeName === 'script' && !runnable(n)).map((n) => JSON.parse(textOf(n)));

/**
 * bucketReader is the Worker's bucket reader (rq) over objects read with
 * readDir (key → {body, metadata}), with its clock at now: route() takes it.
 * parsed may be shared between readers to parse each manifest once.
 */
export function bucketReader(objects, now, parsed = new Map()) {
  return {
    now,
    json: async (k) => {
      if (!objects[k]) return null;
      if (!parsed.has(k)) parsed.set(k, JSON.parse(objects[k].body.toString('utf8')));
      return parsed.get(k);
    },
    object: async (k) => {
      const o = objects[k];
      return o ? { customMetadata: o.metadata, text: async () => o.body.toString('utf8'), httpEtag: '"x"', body: o.body } : null;
    },
  };
}
