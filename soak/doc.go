// Package soak is the reliability campaign (docs/reliability.md): crash
// loops, a flaky network, concurrent syncs, the Worker under load and
// resource bounds, each run against the real binaries (axctl as a
// subprocess, MinIO, workerd, Varnish).
//
// `go test ./soak/` runs a short version of every campaign (well under a
// minute and a half). With AXCTL_SOAK=1 the same tests run at full size
// and duration; `make soak` (soak/run.sh) does that, runs the fuzz targets
// for ten minutes each and prints the results table. AXCTL_SOAK_RESULTS
// names a file each campaign appends its table row to.
package soak
