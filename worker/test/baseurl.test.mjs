// baseurl.test.mjs — site.baseURL starts every absolute URL the Worker
// writes. head.js always took it only when it is an absolute http(s) URL;
// the Atom feeds, the sitemaps and robots.txt took it as it was, so a
// bucket whose site.json held "javascript:alert(1)//" served javascript:
// links in every feed and <loc>, and a line break in it wrote lines of its
// own into robots.txt ("Disallow: /"). Validate refuses such a baseURL
// (internal/content checkBaseURL); the Worker, which reads a bucket any
// writer may have filled, falls back to site-relative links and no
// Sitemap line. Run through the real routes, in workerd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, FIXTURE } from './helpers.mjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const BAD = [
  'javascript:alert(1)//',
  'JaVaScRiPt:alert(1)//',
  'data:text/html,<script>alert(1)</script>',
  'https://x.example\nDisallow: /\nUser-agent: *',
  'https://x.example/"><script>alert(1)</script>',
  '//evil.example',
  'vbscript:msgbox',
];
const PATHS = ['/robots.txt', '/sitemap.xml', '/sitemaps/pages.xml', '/sitemaps/notes-0.xml', '/feed.xml', '/notes/feed.xml', '/notes/hello'];

let w;
let site;
before(async () => {
  w = await start({ bindings: { MANIFEST_TTL: '0' } }); // each put read at once
  site = JSON.parse(await readFile(join(FIXTURE, 'metadata/site.json'), 'utf8'));
});
after(() => w.stop());

async function withBase(baseURL) {
  await w.bucket.put('metadata/site.json', JSON.stringify({ ...site, baseURL }), { httpMetadata: { contentType: 'application/json' } });
  const out = {};
  for (const p of PATHS) {
    const r = await w.get(p);
    out[p] = { status: r.status, body: await r.text() };
  }
  return out;
}

test('a site.baseURL that is not an absolute http(s) URL reaches no feed, sitemap or robots.txt', async () => {
  for (const b of BAD) {
    const got = await withBase(b);
    for (const [p, r] of Object.entries(got)) {
      assert.equal(r.status, 200, `${JSON.stringify(b)} ${p}`);
      assert.doesNotMatch(r.body, /javascript:|vbscript:|data:text|evil\.example|x\.example/i, `${JSON.stringify(b)} ${p}`);
    }
    const robots = got['/robots.txt'].body;
    assert.equal(robots, 'User-agent: *\nAllow: /\nDisallow: /__internal/\n', JSON.stringify(b));
    assert.match(got['/feed.xml'].body, /<link href="\/notes\/hello"\/>/, JSON.stringify(b));
    assert.match(got['/sitemap.xml'].body, /<loc>\/sitemaps\/pages\.xml<\/loc>/, JSON.stringify(b));
  }
});

test('a good site.baseURL still makes every feed, sitemap and robots.txt URL absolute', async () => {
  const got = await withBase('https://fixture.example/');
  assert.match(got['/robots.txt'].body, /^Sitemap: https:\/\/fixture\.example\/sitemap\.xml$/m);
  assert.match(got['/feed.xml'].body, /<link href="https:\/\/fixture\.example\/notes\/hello"\/>/);
  assert.match(got['/sitemap.xml'].body, /<loc>https:\/\/fixture\.example\/sitemaps\/pages\.xml<\/loc>/);
  assert.match(got['/sitemaps/notes-0.xml'].body, /<loc>https:\/\/fixture\.example\/notes\/hello<\/loc>/);
});
