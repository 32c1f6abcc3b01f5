//go:build linux || openbsd || dragonfly || solaris || illumos

package store

import (
	"io/fs"
	"syscall"
)

// fileID is fi's inode number (a file renamed into place is a new one) and
// status-change time (which a rewrite in place moves, and no one can set).
func fileID(fi fs.FileInfo) (ino, ctime int64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int64(st.Ino), st.Ctim.Nano()
	}
	return 0, 0
}
