//go:build darwin || freebsd || netbsd

package store

import (
	"io/fs"
	"syscall"
)

// fileID is inode_unix.go's, where syscall.Stat_t names the status-change
// time Ctimespec.
func fileID(fi fs.FileInfo) (ino, ctime int64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int64(st.Ino), st.Ctimespec.Nano()
	}
	return 0, 0
}
