// headers.test.mjs — what a browser may do with each response. The Worker's
// own HTML pages carry their strict CSP; every other response (assets,
// feeds, sitemap, robots, JSON, text errors, redirects, 5xx, the catch-all
// 500) carries the sandbox CSP and nosniff, and an asset's type comes from
// its key's extension, never from the Content-Type stored with the object.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import worker from '../src/index.js';
import { start, PROVISIONAL } from './helpers.mjs';

const SANDBOX = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox";
const SVG = 'cc2e67d9df7efa4d06acc96d53d33804.svg';

let s;
before(async () => { s = await start({ seed: PROVISIONAL }); });
after(() => s.stop());

/** assertSandboxed checks the headers every non-HTML response carries. */
function assertSandboxed(res, label) {
  assert.equal(res.headers.get('Content-Security-Policy'), SANDBOX, label);
  assert.equal(res.headers.get('X-Content-Type-Options'), 'nosniff', label);
  assert.doesNotMatch(res.headers.get('Content-Type') || '', /html/i, label);
}

const NON_HTML = [
  ['asset', `/assets/${SVG}`, {}, 200],
  ['site feed', '/feed.xml', {}, 200],
  ['collection feed', '/blog/feed.xml', {}, 200],
  ['sitemap', '/sitemap.xml', {}, 200],
  ['robots', '/robots.txt', {}, 200],
  ['manifest JSON', '/metadata/blog.json', {}, 200],
  ['redirect to a listing', '/blog', {}, 301],
  ['canonical redirect', '/Blog/Hello-World', {}, 301],
  ['query redirect', '/blog/hello-world?utm=1', {}, 301],
  ['tags redirect', '/tags', {}, 301],
  ['405', '/blog/', { method: 'POST', body: 'x' }, 405],
  ['414', `/blog/${'a'.repeat(9000)}`, {}, 414],
  ['internal JSON', '/__internal/version', {}, 200],
  ['internal 404', '/__internal/nope', {}, 404],
  ['purge 403', '/__internal/purge', { method: 'POST', headers: { Authorization: 'Bearer wrong' }, body: '{}' }, 403],
  ['purge 400', '/__internal/purge', { method: 'POST', headers: { Authorization: 'Bearer test-secret' }, body: 'x' }, 400],
];

for (const [name, path, init, status] of NON_HTML) {
  test(`non-HTML response (${name}): sandbox CSP and nosniff`, async () => {
    for (const method of init.method ? [init.method] : ['GET', 'HEAD']) {
      const res = await s.get(path, { ...init, method });
      assert.equal(res.status, status, `${method} ${path}`);
      assertSandboxed(res, `${method} ${name}`);
      await res.arrayBuffer();
    }
  });
}

test('the Worker\'s HTML pages (200 and 404) keep their own strict CSP, without sandbox', async () => {
  for (const [path, status] of [['/', 200], ['/blog/hello-world', 200], ['/no/such/page', 404], ['/blog/%zz', 404]]) {
    const res = await s.get(path);
    assert.equal(res.status, status, path);
    assert.match(res.headers.get('Content-Type'), /^text\/html; charset=utf-8$/);
    const csp = res.headers.get('Content-Security-Policy');
    assert.match(csp, /default-src 'none'; style-src 'self'; img-src 'self'/, path);
    assert.doesNotMatch(csp, /unsafe-inline|sandbox/, path);
    assert.equal(res.headers.get('X-Content-Type-Options'), 'nosniff');
    await res.text();
  }
});

test('an R2 failure (503) is sandboxed too', async () => {
  const t = await start({ seed: PROVISIONAL, bindings: { MANIFEST_TTL: '0' } });
  try {
    await t.bucket.put('metadata/site.json', '{"version":1');
    const res = await t.get('/');
    assert.equal(res.status, 503);
    assertSandboxed(res, '503');
    await res.text();
  } finally {
    await t.stop();
  }
});

test('the catch-all 500 (an error outside every handler) is sandboxed and no-store', async () => {
  const res = await worker.fetch({ url: 'not a URL', method: 'GET', headers: new Headers() }, {}, {});
  assert.equal(res.status, 500);
  assert.match(res.headers.get('Cache-Control'), /no-store/);
  assertSandboxed(res, 'catch-all 500');
});

const HASH = (c) => c.repeat(32);

/** HOSTILE are assets whose stored Content-Type lies; [name, stored type, body, served type, attachment]. */
const HOSTILE = [
  [`${HASH('1')}.png`, 'text/html', '<script>alert(1)</script>', 'image/png', false],
  [`${HASH('2')}.svg`, 'text/html', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'image/svg+xml', false],
  [`${HASH('3')}.txt`, 'text/html', '<script>alert(1)</script>', 'text/plain; charset=utf-8', false],
  [`${HASH('4')}.pdf`, 'application/xhtml+xml', '%PDF-1.4', 'application/pdf', false],
  [`${HASH('5')}.xhtml`, 'application/xhtml+xml', '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>', 'application/octet-stream', true],
  [`${HASH('6')}.xml`, 'application/xml', '<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>', 'application/octet-stream', true],
  [`${HASH('7')}.html`, 'text/html', '<script>alert(1)</script>', 'application/octet-stream', true],
  [`${HASH('8')}.js`, 'text/javascript', 'alert(1)', 'application/octet-stream', true],
  [`${HASH('9')}.csv`, 'text/html', 'a,b', 'application/octet-stream', true],
  [`${HASH('a')}.bin`, '', '\0', 'application/octet-stream', true],
];

test('asset types come from the key\'s extension by an allowlist; anything else downloads as octet-stream', async () => {
  for (const [name, stored, body, type, attachment] of HOSTILE) {
    await s.bucket.put(`assets/${name}`, body, stored ? { httpMetadata: { contentType: stored } } : {});
    const res = await s.get(`/assets/${name}`);
    assert.equal(res.status, 200, name);
    assert.equal(res.headers.get('Content-Type'), type, name);
    assert.equal(res.headers.get('Content-Disposition'), attachment ? 'attachment' : null, name);
    assertSandboxed(res, name);
    assert.equal(await res.text(), body, name);
  }
});
