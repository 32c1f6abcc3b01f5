// heap.mjs — the live JS heap of the axctl Worker's isolate in a running
// workerd, through its inspector (Miniflare's inspectorPort).
//   node soak/testdata/heap.mjs PORT
// Takes a heap snapshot (V8 collects all garbage first; the snapshot's
// bytes are discarded), then prints Runtime.getHeapUsage as one JSON line:
// {"usedSize":…,"totalSize":…,"embedderHeapUsedSize":…,"backingStorageSize":…}.
// The user Worker is the inspector target whose id starts with "core:user:";
// the other targets are Miniflare's own (entry, R2 simulator, cache, assets).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'worker', 'package.json'));
const WebSocket = require('ws');

const port = process.argv[2];
const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
const target = targets.find((t) => t.id.startsWith('core:user:'));
if (!target) {
  console.error(`no core:user: target among ${targets.map((t) => t.id).join(', ')}`);
  process.exit(1);
}
const ws = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  ws.once('open', resolve);
  ws.once('error', reject);
});
const pending = new Map();
let next = 0;
ws.on('message', (raw) => {
  const msg = JSON.parse(raw);
  const done = pending.get(msg.id);
  if (done) {
    pending.delete(msg.id);
    done(msg);
  }
});
function call(method, params = {}) {
  return new Promise((resolve, reject) => {
    const id = ++next;
    pending.set(id, (msg) => (msg.error ? reject(new Error(`${method}: ${msg.error.message}`)) : resolve(msg.result)));
    ws.send(JSON.stringify({ id, method, params }));
  });
}
const timer = setTimeout(() => {
  console.error('the inspector did not answer in 60 s');
  process.exit(1);
}, 60_000);
await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
console.log(JSON.stringify(await call('Runtime.getHeapUsage')));
clearTimeout(timer);
ws.close();
