//go:build unix

package store

import (
	"io/fs"
	"os"
	"syscall"
)

// rawFile is a file DirStore writes through its descriptor alone: an
// *os.File costs four fcntl calls and an epoll_ctl per open on Linux (to
// try the poller, which refuses regular files), and a path lookup per
// chmod; a cold sync opens two files an object.
type rawFile struct {
	fd   int
	name string
}

// createNew creates name, which must not exist, for writing, with mode
// perm less the umask.
func createNew(name string, perm uint32) (newFile, error) {
	for {
		fd, err := syscall.Open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, perm)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: name, Err: err}
		}
		return &rawFile{fd: fd, name: name}, nil
	}
}

func (f *rawFile) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := syscall.Write(f.fd, p[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return n, &os.PathError{Op: "write", Path: f.name, Err: err}
		}
		if m == 0 {
			return n, &os.PathError{Op: "write", Path: f.name, Err: syscall.EIO}
		}
		n += m
	}
	return n, nil
}

func (f *rawFile) Chmod(mode fs.FileMode) error {
	for {
		err := syscall.Fchmod(f.fd, uint32(mode.Perm()))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &os.PathError{Op: "chmod", Path: f.name, Err: err}
		}
		return nil
	}
}

func (f *rawFile) Close() error {
	// Not retried on EINTR: the descriptor is released either way.
	if err := syscall.Close(f.fd); err != nil {
		return &os.PathError{Op: "close", Path: f.name, Err: err}
	}
	return nil
}

// renameFile renames the file oldpath to newpath, replacing a file there.
// os.Rename first Lstats newpath to refuse a directory; rename(2) refuses
// one itself (EISDIR), so the lookup is saved.
func renameFile(oldpath, newpath string) error {
	for {
		err := syscall.Rename(oldpath, newpath)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
		}
		return nil
	}
}
