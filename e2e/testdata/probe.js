// probe.js — the real Worker (worker/src/index.js) with two extra routes for
// the end-to-end test, counted in X-Probe-Runs:
//   GET /__e2e/status/NNN  answers NNN through the Worker's own applyPolicy,
//                          so statuses no content route produces (302, 307,
//                          500…) reach the cache with the table's headers;
//   GET /__e2e/raw/NNN     answers NNN with cache-friendly headers
//                          (public, s-maxage=86400, a Cache-Tag) and no
//                          policy: the cache's own safety floor is tested.
import worker from '../../worker/src/index.js';
import { applyPolicy } from '../../worker/src/policy.js';

let probes = 0;

export default {
  async fetch(request, env, ctx) {
    const m = /^\/__e2e\/(status|raw)\/([1-5][0-9][0-9])$/.exec(new URL(request.url).pathname);
    if (!m) return worker.fetch(request, env, ctx);
    probes++;
    const status = Number(m[2]);
    const headers = { 'X-Probe-Runs': String(probes) };
    if (status >= 300 && status < 400) headers.Location = '/';
    const res = new Response(`status ${status}\n`, { status, headers });
    if (m[1] === 'raw') {
      res.headers.set('Cache-Control', 'public, max-age=60, s-maxage=86400');
      res.headers.set('Cache-Tag', 'site');
      return res;
    }
    return applyPolicy(res, { tags: ['site'] });
  },
};
