// parity-worker.js — a test Worker: POST a JSON array of strings, get back
// [words, dense flags, terms] for each, computed by src/search.js inside
// workerd (whose ICU, not Node's, serves readers).
import { words, terms } from '../../src/search.js';

export default {
  async fetch(request) {
    const inputs = await request.json();
    const out = inputs.map((s) => {
      const ws = words(s);
      return [ws.map((w) => w.text), ws.map((w) => w.dense), terms(ws)];
    });
    return new Response(JSON.stringify(out), { headers: { 'Content-Type': 'application/json' } });
  },
};
