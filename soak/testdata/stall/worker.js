// worker.js — for TestWorkerdClosesKeepAliveAfterStall (finding 6,
// docs/reliability.md): /busy?ms=N blocks the event loop for N ms; any
// other path answers at once.
export default {
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/busy') {
      const end = Date.now() + Number(url.searchParams.get('ms') || 0);
      while (Date.now() < end);
    }
    return new Response('ok\n');
  },
};
