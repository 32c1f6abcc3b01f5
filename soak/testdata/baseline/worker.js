// worker.js — a three-line Worker for finding 2's baseline
// (docs/reliability.md): workerd's RSS under load without any of axctl's code.
const body = 'x'.repeat(4000);
export default { fetch: () => new Response(body, { headers: { 'content-type': 'text/html' } }) };
