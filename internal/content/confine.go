package content

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
)

// Tree is the content root, opened once with os.Root. Every read of the
// content tree goes through it: entry files, the files links point at, the
// asset bytes hashed at validation and the same bytes at upload. A path that
// leaves the root (by "..", an absolute path or a symbolic link), a symbolic
// link anywhere on the path, a hidden segment (unless allowHidden), and
// anything but a regular file are refused, so an author cannot make a sync
// publish /proc/self/environ, block on a FIFO, or read /dev/zero forever.
//
// Symbolic links are refused even when their target stays inside the root:
// a link is a second name for bytes the author does not see in the tree,
// and the rule "only regular files" is one a reader can check with ls.
type Tree struct {
	root        *os.Root
	name        string // the root as the user names it (cfg.Root())
	allowHidden bool
	// resolved counts the path segments Lstat hands to os.Root (which
	// resolves a name one segment at a time): tests check it grows with
	// the depth, not its square.
	resolved atomic.Int64
}

// Refusals of the opener, worded to follow a file's name in a message.
var (
	errSymlink    = errors.New("is a symbolic link: axctl reads only regular files inside the content root (copy the file instead of linking it)")
	errHidden     = errors.New("is hidden (a path segment starts with \".\"): set allowHidden: true in axctl.yaml to publish hidden files")
	errGit        = errors.New("is inside a .git folder (the repository's own files: its history, and in CI the checkout's credentials): it is never published, allowHidden or not")
	errNotRegular = errors.New("is not a regular file")
	errChanged    = errors.New("changed while it was read")
)

// OpenTree opens the content root of cfg. The root must lie inside the
// directory of axctl.yaml: a pull request that edits the config cannot point
// the root at /proc/self or at the runner's home.
func OpenTree(cfg *Config) (*Tree, error) {
	base, err := os.OpenRoot(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("content root: %w", err)
	}
	defer base.Close()
	root, err := base.OpenRoot(cfg.Content)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("content root %s does not exist", cfg.Root())
	} else if err != nil {
		msg := fmt.Sprintf("content root %q must be a directory inside %q (a symbolic link may not leave it): %v", cfg.Content, cfg.Dir, err)
		if cfg.Path == "" {
			return nil, errors.New(msg)
		}
		return nil, &ConfigError{Path: cfg.Path, Line: max(cfg.contentLine, 1), Col: max(cfg.contentCol, 1), Msg: msg}
	}
	return &Tree{root: root, name: cfg.Root(), allowHidden: cfg.AllowHidden}, nil
}

// Close releases the root's directory handle.
func (t *Tree) Close() error { return t.root.Close() }

// clean checks rel, a slash-separated path relative to the root, and
// returns it cleaned.
func (t *Tree) clean(rel string) (string, error) {
	rel = path.Clean(rel)
	if !fs.ValidPath(rel) || rel == "." {
		return "", errLocalOutside
	}
	if strings.IndexByte(rel, 0) >= 0 {
		return "", errLocalMissing // no file name holds a NUL (a link's %00): not an opener's "invalid argument"
	}
	if !t.allowHidden && isHidden(rel) {
		return "", errHidden
	}
	if isGitPath(rel) {
		return "", errGit
	}
	return rel, nil
}

// isGitPath reports whether a segment of rel is ".git" in any case (macOS
// and Windows file systems ignore case).
func isGitPath(rel string) bool {
	for seg := range strings.SplitSeq(rel, "/") {
		if strings.EqualFold(seg, ".git") {
			return true
		}
	}
	return false
}

// isHidden reports whether a segment of rel starts with ".".
func isHidden(rel string) bool {
	for seg := range strings.SplitSeq(rel, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// Lstat describes rel without following a symbolic link anywhere on its
// path: a link (to a file or a directory, inside the root or not) is
// errSymlink.
func (t *Tree) Lstat(rel string) (fs.FileInfo, error) {
	rel, err := t.clean(rel)
	if err != nil {
		return nil, err
	}
	// Each folder is opened once, from its parent, and the next segment
	// looked at in it: Lstat of every prefix from the root made each check
	// walk the path again (a tree 400 folders deep with an entry in each
	// took 8.5 s, mostly system time; depth² per file).
	var st fs.FileInfo
	dir := t.root
	defer func() {
		if dir != t.root {
			dir.Close()
		}
	}()
	for rest := rel; ; {
		seg, more, deeper := strings.Cut(rest, "/")
		t.resolved.Add(1)
		if st, err = dir.Lstat(seg); err != nil {
			return nil, err
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			return nil, errSymlink
		}
		if !deeper {
			return st, nil
		}
		if !st.IsDir() {
			return nil, fs.ErrNotExist
		}
		t.resolved.Add(1)
		next, err := dir.OpenRoot(seg)
		if err != nil {
			return nil, err
		}
		if dir != t.root {
			dir.Close()
		}
		dir, rest = next, more
	}
}

// folders holds a root opened at each folder of the content tree an
// entry file lies in, for one Load: Lstat of a name in it is one system
// call (fstatat on its descriptor), where Tree.Lstat walks every segment
// of the path again.
type folders struct {
	mu    sync.Mutex
	roots map[string]*os.Root
}

// lstatFound is Lstat for an entry file discover found: its walk went
// through the file's folders without following a link, so only the file
// itself is looked at, by name in its folder. It serves the render cache's
// size and time check; a file that misses the cache is opened with Open,
// which checks every segment again.
func (t *Tree) lstatFound(fo *folders, rel string) (fs.FileInfo, error) {
	dir, name := path.Split(rel)
	fo.mu.Lock()
	r := fo.roots[dir]
	if r == nil {
		var err error
		if dir == "" {
			r = t.root
		} else if r, err = t.root.OpenRoot(strings.TrimSuffix(dir, "/")); err != nil {
			fo.mu.Unlock()
			return nil, err
		}
		if fo.roots == nil {
			fo.roots = map[string]*os.Root{}
		}
		fo.roots[dir] = r
	}
	fo.mu.Unlock()
	st, err := r.Lstat(name)
	if err != nil {
		return nil, err
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		return nil, errSymlink
	}
	return st, nil
}

// close closes the folders' roots (not the tree's own).
func (fo *folders) close(t *Tree) {
	fo.mu.Lock()
	defer fo.mu.Unlock()
	for _, r := range fo.roots {
		if r != t.root {
			r.Close()
		}
	}
	fo.roots = nil
}

// lstatDir is Lstat that also takes "." (a collection at the root).
func (t *Tree) lstatDir(rel string) (fs.FileInfo, error) {
	if rel == "." {
		return t.root.Stat(".")
	}
	return t.Lstat(rel)
}

// Open opens rel for reading if it is a regular file. It opens without
// blocking (a FIFO cannot hang it) and checks that the file it opened is
// the one Lstat saw, so a symbolic link swapped in between is refused too;
// os.Root keeps any such race inside the root.
func (t *Tree) Open(rel string) (*os.File, fs.FileInfo, error) {
	lst, err := t.Lstat(rel)
	if err != nil {
		return nil, nil, err
	}
	if !lst.Mode().IsRegular() {
		return nil, nil, notRegular(lst.Mode())
	}
	f, err := t.root.OpenFile(path.Clean(rel), os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err == nil && (!st.Mode().IsRegular() || !os.SameFile(lst, st)) {
		err = errChanged
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// notRegular names what a non-regular file is.
func notRegular(m fs.FileMode) error {
	switch {
	case m.IsDir():
		return errLocalMissing
	case m&fs.ModeNamedPipe != 0:
		return fmt.Errorf("%w (it is a named pipe)", errNotRegular)
	case m&fs.ModeDevice != 0:
		return fmt.Errorf("%w (it is a device)", errNotRegular)
	case m&fs.ModeSocket != 0:
		return fmt.Errorf("%w (it is a socket)", errNotRegular)
	}
	return errNotRegular
}
