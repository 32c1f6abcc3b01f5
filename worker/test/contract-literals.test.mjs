// contract-literals.test.mjs — the Worker names no bucket key, entry
// metadata field or Cache-Tag by hand: they come from src/contract.js, which
// `go generate ./internal/contract` writes from the Go contract (issue 14).
// Every string literal (and every fixed part of a template literal) in
// src/ outside contract.js is checked; the few words that are also
// something else (an HTML attribute, a manifest record field) are listed
// below with what they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as C from '../src/contract.js';
import { root } from '../scripts/mf.mjs';

const src = join(root, 'src');

// [file, literal]: uses of a contract word that are not that contract word.
const ALLOWED = new Set([
  'head.js description', // <meta name="description">, an HTML name
  'shape.js date', // the record field of a manifest shard (docs/bucket.md), checked against sortBy
  'lists.js tags', // the sitemap of the tags pages (/sitemaps/tags-<i>.xml), a route, not a key
]);

/** forbidden says which contract word a literal part is, or null. */
function forbidden(part) {
  if (C.META_FIELDS.some((f) => f.name === part)) return 'metadata name';
  if ([C.SITE_TAG, C.SEARCH_TAG, C.ASSET_TAG].includes(part)) return 'Cache-Tag';
  for (const tag of [C.collectionTag(''), C.manifestTag(''), C.entryTag('', '').slice(0, -1), C.tagPageTag('')]) if (part.startsWith(tag)) return 'Cache-Tag';
  for (const p of [C.ENTRY_PREFIX, C.ASSET_PREFIX, C.MANIFEST_PREFIX, C.SITE_KEY]) if (part.startsWith(p)) return 'key';
  return null;
}

/** literals yields [line, part] for every string literal part of code (comments stripped). */
function* literals(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g)) {
    const line = code.slice(0, m.index).split('\n').length;
    for (const part of m[0].slice(1, -1).split(/\$\{[^}]*\}/)) yield [line, part];
  }
}

test('no key, metadata name or Cache-Tag literal in src/ outside contract.js', () => {
  const found = [];
  for (const f of readdirSync(src).filter((f) => f.endsWith('.js') && f !== 'contract.js')) {
    for (const [line, part] of literals(readFileSync(join(src, f), 'utf8'))) {
      const what = forbidden(part);
      if (what && !ALLOWED.has(`${f} ${part}`)) found.push(`src/${f}:${line}: ${what} ${JSON.stringify(part)}`);
    }
  }
  assert.deepEqual(found, []);
});

test('the check sees what it forbids', () => {
  const parts = [...literals("// 'title'\nconst a = m['publishdate'], k = `entries/${c}`, t = 'c:' + c;\n")].map(([, p]) => p);
  assert.deepEqual(parts.map(forbidden), ['metadata name', 'key', null, 'Cache-Tag']);
});
