// Package e2e is the end-to-end test of axctl as a whole: content →
// `axctl sync` → a real S3 server (MinIO) → `axctl pull` → the real Worker in
// workerd (worker/scripts/serve.mjs) → Varnish (varnish/axctl.vcl) in front.
// It needs `make tools` (MinIO, worker/node_modules, varnish and
// varnish-modules); a missing tool fails the test, it never skips.
// Run it alone with `make test-e2e`.
package e2e
