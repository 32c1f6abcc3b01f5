// Package scaffold holds the files `axctl init` writes for a new site — the
// config, an example entry, the Worker (its code from axctl's worker/
// package, its wrangler.jsonc, package.json and lock) and the GitHub
// workflows — embedded in the binary, and the placeholder check that keeps
// `axctl sync` and `axctl deploy` away from resources nobody named.
package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/axctl/axctl/worker"

	"github.com/axctl/axctl/internal/atomicfile"
)

// Placeholder marks every name the user must choose (bucket, Worker, site).
const Placeholder = "REPLACE_ME"

//go:embed files
var embedded embed.FS

// File is one scaffolded file: its slash-separated path inside the site and
// its bytes.
type File struct {
	Path string
	Data []byte
}

// Files returns the scaffold, sorted by path: the files/ tree, plus the
// Worker's src/ and public/ under worker/. In the files/ tree a path
// element "dot-x" stands for ".x", so that the tree's own .github and
// .gitignore do not act on this repository.
func Files() ([]File, error) {
	var out []File
	walk := func(fsys fs.FS, root string, name func(string) string) error {
		return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			out = append(out, File{Path: name(p), Data: data})
			return nil
		})
	}
	err := walk(embedded, "files", func(p string) string { return undot(strings.TrimPrefix(p, "files/")) })
	if err == nil {
		err = walk(worker.Code, ".", func(p string) string { return "worker/" + p })
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

func undot(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if rest, ok := strings.CutPrefix(s, "dot-"); ok {
			parts[i] = "." + rest
		}
	}
	return path.Join(parts...)
}

// Status says what Write did with one file.
type Status string

const (
	Created  Status = "created"
	Same     Status = "unchanged"
	Modified Status = "skipped (modified)"
	Updated  Status = "updated"
	Removed  Status = "removed"
)

// workerDirs hold axctl's Worker code in a site, which `axctl init
// --upgrade-worker` makes equal to the running axctl's.
var workerDirs = []string{"worker/src/", "worker/public/"}

func isWorkerCode(p string) bool {
	for _, d := range workerDirs {
		if strings.HasPrefix(p, d) {
			return true
		}
	}
	return false
}

// Result is one file's outcome.
type Result struct {
	Path   string // slash-separated, relative to the site directory
	Status Status
}

// Write scaffolds a site in dir. A missing file is created; a file with the
// scaffold's bytes is left as it is; a file with any other bytes is the
// user's and is never overwritten. Running Write twice changes nothing.
//
// With upgradeWorker, worker/src/ and worker/public/ — axctl's Worker code,
// which a site does not edit — are made equal to this axctl's: files that
// differ are replaced (each written beside and renamed over, so none is
// ever half written) and files this Worker does not ship are removed
// (public/ is served as static assets). Everything else keeps the rule
// above.
func Write(dir string, upgradeWorker bool) ([]Result, error) {
	files, err := Files()
	if err != nil {
		return nil, fmt.Errorf("read scaffold: %w", err)
	}
	var out []Result
	shipped := map[string]bool{}
	for _, f := range files {
		name := filepath.Join(dir, filepath.FromSlash(f.Path))
		write := writeOne
		if upgradeWorker && isWorkerCode(f.Path) {
			write = replaceOne
			shipped[f.Path] = true
		}
		st, err := write(name, f.Data)
		if err != nil {
			return out, err
		}
		out = append(out, Result{Path: f.Path, Status: st})
	}
	if !upgradeWorker {
		return out, nil
	}
	for _, d := range workerDirs {
		err := filepath.WalkDir(filepath.Join(dir, filepath.FromSlash(d)), func(name string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			rel, err := filepath.Rel(dir, name)
			if err != nil || shipped[filepath.ToSlash(rel)] {
				return err
			}
			if err := os.Remove(name); err != nil {
				return fmt.Errorf("init %q: %w", name, err)
			}
			out = append(out, Result{Path: filepath.ToSlash(rel), Status: Removed})
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return out, err
		}
	}
	return out, nil
}

// replaceOne makes name hold data: what writeOne does, and a file with
// other bytes is replaced (updated) instead of skipped.
func replaceOne(name string, data []byte) (Status, error) {
	if st, err := writeOne(name, data); err != nil || st != Modified {
		return st, err
	}
	if err := atomicfile.Write(name, data); err != nil {
		return "", fmt.Errorf("init %q: %w", name, err)
	}
	return Updated, nil
}

func writeOne(name string, data []byte) (Status, error) {
	old, err := os.ReadFile(name)
	switch {
	case err == nil && bytes.Equal(old, data):
		return Same, nil
	case err == nil:
		return Modified, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("init %q: %w", name, err)
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return "", fmt.Errorf("init %q: %w", name, err)
	}
	// O_EXCL: a file that appeared since the read is the user's, not ours.
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return Modified, nil
	}
	if err != nil {
		return "", fmt.Errorf("init %q: %w", name, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", fmt.Errorf("init %q: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("init %q: %w", name, err)
	}
	return Created, nil
}

// PlaceholderError is a resource name still left as the scaffold's.
type PlaceholderError struct {
	What, Value, Where string
}

func (e *PlaceholderError) Error() string {
	return fmt.Sprintf("%s %q is still the scaffold's placeholder: replace %s in %s with your own (see docs/deploy.md)",
		e.What, e.Value, Placeholder, e.Where)
}

// CheckName refuses a value that still contains the placeholder. what names
// the setting ("target", "Worker name"), where the file or flag it came from.
func CheckName(what, value, where string) error {
	if strings.Contains(value, Placeholder) {
		return &PlaceholderError{What: what, Value: value, Where: where}
	}
	return nil
}
