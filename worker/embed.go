// Package worker embeds the Worker's code — src/ and public/ — so that
// `axctl init` can write it into a new site (internal/scaffold). The Worker
// itself is JavaScript; this file is the only Go here.
package worker

import "embed"

// Code holds src/ and public/ (with public/_headers: hence all:).
//
//go:embed all:src all:public
var Code embed.FS
