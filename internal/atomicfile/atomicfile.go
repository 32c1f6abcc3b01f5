// Package atomicfile writes a file so that a reader (or a crash) sees the
// old file or the new one, never part of either: the bytes go to a
// temporary file in the same directory, which is renamed over the name
// once complete and closed. The one helper for the render cache, the
// search index cache, the deploy state and init's updates.
package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
)

// Write makes path hold data (mode 0644), creating its directory.
func Write(path string, data []byte) error {
	return WriteFunc(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc makes path hold what fill writes (mode 0644), creating its
// directory. When fill fails nothing is renamed and the temporary file is
// removed.
func WriteFunc(path string, fill func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = fill(f)
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}
