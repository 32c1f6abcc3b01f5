// Package worker embeds the Worker's code — src/ and public/ — so that
// `axctl init` can write it into a new site (internal/scaffold). The Worker
// itself is JavaScript; this file is the only Go here. DevServer is the
// script behind `axctl dev`.
package worker

import "embed"

// Code holds src/ and public/ (with public/_headers: hence all:).
//
//go:embed all:src all:public
var Code embed.FS

// DevServer is scripts/dev.mjs, the server `axctl dev` runs in node from a
// Worker directory (internal/dev): the Worker in workerd, a reload channel
// and the problems overlay in front of it.
//
//go:embed scripts/dev.mjs
var DevServer string
