// xsscheck.mjs — parse HTML files with parse5 (from worker/node_modules)
// and print one line per injection found: a script/style/iframe/object/
// embed/form/base element, an on* or style attribute, or a
// javascript:/data:/vbscript: URL in a URL attribute. Exit 0 either way.
// Usage: node soak/testdata/xsscheck.mjs FILE…
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { parseFragment } = createRequire(join(repo, 'worker', 'package.json'))('parse5');
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background']);
const BAD = /^(javascript|data|vbscript):/i;
const ELEMENTS = new Set(['script', 'style', 'iframe', 'object', 'embed', 'base', 'form', 'link', 'meta']);

function walk(n, fn) {
  fn(n);
  for (const c of n.childNodes || []) walk(c, fn);
  if (n.content) walk(n.content, fn);
}

for (const file of process.argv.slice(2)) {
  walk(parseFragment(readFileSync(file, 'utf8')), (n) => {
    if (!n.tagName) return;
    if (ELEMENTS.has(n.tagName)) console.log(`${file}: <${n.tagName}> element`);
    for (const a of n.attrs || []) {
      const name = a.prefix ? `${a.prefix}:${a.name}` : a.name;
      if (/^on/i.test(a.name)) console.log(`${file}: ${n.tagName} ${name}= handler`);
      if (a.name === 'style') console.log(`${file}: ${n.tagName} style attribute`);
      if ((URL_ATTRS.has(name) || URL_ATTRS.has(a.name)) && BAD.test(a.value.replace(/[\u0000-\u0020]/g, ''))) {
        console.log(`${file}: ${n.tagName} ${name}="${a.value}"`);
      }
    }
  });
}
