// serve.test.mjs — the local preview server (make demo): seeds from a dir,
// serves pages and static assets on 127.0.0.1, exits cleanly on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { once } from 'node:events';
import { FIXTURE } from './helpers.mjs';
import { root } from '../scripts/mf.mjs';

async function freePort() {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  return port;
}

test('serve.mjs serves the fixture and static assets, and stops on SIGTERM', { timeout: 60000 }, async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'scripts/serve.mjs'), '--port', String(port), FIXTURE], {
    stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => { out += d; if (out.includes('serving')) resolve(); });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    assert.match(out, new RegExp(`at http://127\\.0\\.0\\.1:${port}\\b`));
    const base = `http://127.0.0.1:${port}`;
    const home = await fetch(`${base}/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /<!doctype html>/);
    const css = await fetch(`${base}/static/site.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('Content-Type'), /text\/css/);
    assert.equal(css.headers.get('X-Isolate'), null, 'static assets never run the Worker');
    await css.text();
    const fav = await fetch(`${base}/favicon.svg`);
    assert.equal(fav.status, 200);
    await fav.text();
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});
