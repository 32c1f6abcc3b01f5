//go:build !unix

package store

import "os"

// createNew creates name, which must not exist, for writing, with mode
// perm less the umask.
func createNew(name string, perm uint32) (newFile, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, os.FileMode(perm))
}

// renameFile renames the file oldpath to newpath, replacing a file there.
func renameFile(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }
