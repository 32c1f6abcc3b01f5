// lang.test.mjs — <html lang> comes from site.json's lang (axctl.yaml
// site.lang, a BCP 47 tag checked at load); site.json omits it for "en", and
// error pages with no site.json at all still say "en".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { shell } from '../src/layout.js';
import { start } from './helpers.mjs';

const langOf = (html) => (/^<!doctype html>\n<html lang="([^"]*)">/.exec(html) || [])[1];

test('shell writes site.lang on <html>, escaped, default en', () => {
  assert.equal(langOf(shell({ lang: 'pt-BR' }, { title: 't', main: '' })), 'pt-BR');
  assert.equal(langOf(shell({ title: 'x' }, { title: 't', main: '' })), 'en');
  assert.equal(langOf(shell(null, { title: 't', main: '' })), 'en');
  assert.equal(langOf(shell({ lang: 'x"><script>' }, { title: 't', main: '' })), 'x&quot;&gt;&lt;script&gt;');
});

let s;
before(async () => { s = await start(); });
after(() => s?.stop());

test('the fixture (no site.lang) serves lang="en" on pages and the 404', async () => {
  for (const [path, status] of [['/', 200], ['/notes/', 200], ['/no-such-page', 404]]) {
    const res = await s.get(path);
    assert.equal(res.status, status, path);
    assert.equal(langOf(await res.text()), 'en', path);
  }
});

// A site.json that carries lang (every site whose axctl.yaml sets a
// site.lang other than en, and what init --from writes for a Persian
// mdBook) was refused by the manifest shape: every page answered 503.
test('a site.json with lang serves its pages with that lang', async () => {
  const t = await start();
  try {
    const obj = await t.bucket.get('metadata/site.json');
    const site = await obj.json();
    site.lang = 'fa';
    await t.bucket.put('metadata/site.json', JSON.stringify(site), { httpMetadata: obj.httpMetadata, customMetadata: obj.customMetadata });
    for (const path of ['/', '/notes/']) {
      const res = await t.get(path);
      assert.equal(res.status, 200, path);
      assert.equal(langOf(await res.text()), 'fa', path);
    }
  } finally {
    await t.stop();
  }
});
