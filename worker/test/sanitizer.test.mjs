// sanitizer.test.mjs — the raw HTML sanitizer's output, read by a second
// HTML parser. Go renders every raw HTML seed and every allowed element with
// hostile attributes (internal/render TestRawHTMLDump, the cases of
// FuzzRawHTML, in five places: inline, block, after a blank line, in a list,
// in a quote); parse5, the WHATWG parser the Worker's page tests use, parses
// each output as a browser parses a fragment in <body>, and nothing may
// come out that the Go check (x/net/html) would also refuse: an element
// outside the allowlist, an on* / style / srcset / formaction attribute, or
// an href / src a browser would follow to another scheme or host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFragment } from 'parse5';
import { root } from '../scripts/mf.mjs';

let dir;
let dump;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'f-rawhtml-'));
  const file = join(dir, 'dump.json');
  execFileSync('go', ['test', './internal/render', '-run', '^TestRawHTMLDump$', '-count=1'], {
    cwd: join(root, '..'), stdio: 'pipe', env: { ...process.env, AXCTL_RAWHTML_DUMP: file },
  });
  dump = JSON.parse(readFileSync(file, 'utf8'));
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

/** safe says whether a browser following v stays on this site or goes to http(s) (or mailto, for links). */
function safe(v, image) {
  // parse5 has decoded entities; browsers also drop leading/trailing C0 and space, and tabs and newlines inside.
  const s = v.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '').replace(/\\/g, '/');
  if (s.startsWith('//')) return false;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  if (!m) return true;
  const scheme = m[1].toLowerCase();
  return scheme === 'http' || scheme === 'https' || (scheme === 'mailto' && !image);
}

function* elements(node) {
  for (const c of node.childNodes || []) {
    if (c.tagName) yield c;
    if (c.content) yield* elements(c.content); // <template>
    yield* elements(c);
  }
}

test('the sanitizer dump covers every allowed element, published or refused', () => {
  assert.ok(dump.elements.length >= 40, `${dump.elements.length} elements`);
  assert.ok(dump.rows.length >= 5 * dump.elements.length, `${dump.rows.length} renders`);
  assert.ok(dump.rows.some((r) => r.problems === 0), 'no render without problems: nothing is checked as published');
  assert.ok(dump.rows.some((r) => r.problems > 0), 'no refused render');
});

test('parse5 finds no element, attribute or URL outside the allowlist in any render', () => {
  const allowed = new Set(dump.elements);
  const bad = [];
  for (const r of dump.rows) {
    const frag = parseFragment(r.html);
    for (const el of elements(frag)) {
      if (!allowed.has(el.tagName)) bad.push(`<${el.tagName}> from ${JSON.stringify(r.doc)}: ${r.html}`);
      for (const a of el.attrs) {
        const name = a.name.toLowerCase();
        if (name.startsWith('on') || ['style', 'srcset', 'formaction'].includes(name)) bad.push(`${name}= on <${el.tagName}> from ${JSON.stringify(r.doc)}: ${r.html}`);
        if ((name === 'href' || name === 'src' || name === 'xlink:href') && !safe(a.value, name === 'src')) bad.push(`${name}=${JSON.stringify(a.value)} from ${JSON.stringify(r.doc)}: ${r.html}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});
