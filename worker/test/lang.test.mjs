// lang.test.mjs — <html lang> comes from site.json's lang (axctl.yaml
// site.lang, a BCP 47 tag checked at load); site.json omits it for "en", and
// error pages with no site.json at all still say "en".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { shell } from '../src/layout.js';
import { start } from './helpers.mjs';

const langOf = (html) => (/^<!doctype html>\n<html lang="([^"]*)"(?: dir="rtl")?>/.exec(html) || [])[1];
const dirOf = (html) => (/^<!doctype html>\n<html lang="[^"]*"(?: dir="([^"]*)")?>/.exec(html) || [])[1] || 'ltr';

test('shell writes site.lang on <html>, escaped, default en', () => {
  assert.equal(langOf(shell({ lang: 'pt-BR' }, { title: 't', main: '' })), 'pt-BR');
  assert.equal(langOf(shell({ title: 'x' }, { title: 't', main: '' })), 'en');
  assert.equal(langOf(shell(null, { title: 't', main: '' })), 'en');
  assert.equal(langOf(shell({ lang: 'x"><script>' }, { title: 't', main: '' })), 'x&quot;&gt;&lt;script&gt;');
});

test('a language written right to left gets dir="rtl", by its script, written or likely', () => {
  for (const lang of ['fa', 'ar', 'ar-EG', 'he', 'iw', 'ur', 'yi', 'ps', 'sd', 'ug', 'ckb', 'dv', 'az-Arab', 'pa-Arab', 'ku-Arab', 'fa-IR']) {
    assert.equal(dirOf(shell({ lang }, { title: 't', main: '' })), 'rtl', lang);
  }
  for (const lang of ['en', 'en-GB', 'pt-BR', 'fr', 'de', 'zh', 'zh-Hant', 'ja', 'ru', 'hi', 'az', 'az-Latn', 'pa', 'ku', 'sr-Latn', 'tr', 'und', 'x-private', '', undefined]) {
    assert.equal(dirOf(shell(lang === undefined ? {} : { lang }, { title: 't', main: '' })), 'ltr', String(lang));
  }
  assert.equal(dirOf(shell(null, { title: 't', main: '' })), 'ltr');
  // A left-to-right page keeps its bytes: no dir attribute at all.
  assert.match(shell({ lang: 'en' }, { title: 't', main: '' }), /^<!doctype html>\n<html lang="en"><head>/);
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
      const html = await res.text();
      assert.equal(langOf(html), 'fa', path);
      assert.equal(dirOf(html), 'rtl', path); // workerd's own ICU reads fa as Arabic script

    }
  } finally {
    await t.stop();
  }
});
