//go:build unix

package content

import "syscall"

// openNonblock makes opening a FIFO return at once instead of waiting for a
// writer; the opener then refuses it as not a regular file.
const openNonblock = syscall.O_NONBLOCK
