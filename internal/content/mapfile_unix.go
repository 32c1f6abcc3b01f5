//go:build unix

package content

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mapFile maps the first size bytes of f read-only and returns them as a
// string, with the function that removes the mapping, or false when they
// cannot be mapped. No string cut from the mapping may be used after
// unmap; render.bin's table is never unmapped once a Load used it. The
// file must not change in place while mapped (render.bin never does: it
// is replaced by a rename).
func mapFile(f *os.File, size int64) (data string, unmap func(), ok bool) {
	if size <= 0 || int64(int(size)) != size {
		return "", nil, false
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return "", nil, false
	}
	return unsafe.String(unsafe.SliceData(b), len(b)), func() { _ = unix.Munmap(b) }, true
}
