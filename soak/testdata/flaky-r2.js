// flaky-r2.js — the real Worker (worker/src/index.js) whose R2 binding can
// be switched off and on while it runs, for the soak's failure injection:
//   GET /__soak/r2/down   every R2 call throws from now on
//   GET /__soak/r2/up     R2 answers again
// The switch lives in the isolate; nothing restarts.
import worker from '../../worker/src/index.js';

let down = false;
const wrapped = new WeakMap();

function flaky(bucket) {
  return new Proxy(bucket, {
    get(target, prop) {
      const v = target[prop];
      if (typeof v !== 'function') return v;
      return (...args) => {
        if (down) throw new Error('R2 is down (soak injection)');
        return v.apply(target, args);
      };
    },
  });
}

export default {
  async fetch(request, env, ctx) {
    const m = /^\/__soak\/r2\/(down|up)$/.exec(new URL(request.url).pathname);
    if (m) {
      down = m[1] === 'down';
      return new Response(`r2 ${m[1]}\n`, { headers: { 'Cache-Control': 'no-store' } });
    }
    let e = wrapped.get(env);
    if (!e) {
      e = { ...env, CONTENT: flaky(env.CONTENT) };
      wrapped.set(env, e);
    }
    return worker.fetch(request, e, ctx);
  },
};
