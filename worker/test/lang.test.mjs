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
