//go:build !unix

package content

import "os"

// mapFile is not available here: render.bin is read into memory.
func mapFile(*os.File, int64) (string, func(), bool) { return "", nil, false }
