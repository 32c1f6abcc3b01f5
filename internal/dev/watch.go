package dev

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watcher reports, debounced, that the content tree or the config file
// changed. fsnotify watches one directory at a time, so every directory of
// the tree is added, and the ones created later as they appear. It follows
// the content opener's rules (internal/content/confine.go): symbolic links
// are not followed and hidden names are ignored unless allowHidden, so an
// editor's swap files (.x.md.swp) or .git do not trigger syncs.
type watcher struct {
	w           *fsnotify.Watcher
	root        string // the content root
	static      string // the static folder ("" when there is none)
	config      string // the config file ("" when there is none)
	allowHidden bool
}

func newWatcher(root, static, config string, allowHidden bool) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{w: fw, root: root, static: static, config: config, allowHidden: allowHidden}
	if err := w.addTree(root); err != nil {
		fw.Close()
		return nil, err
	}
	if static != "" {
		// Its files are hashed again on every sync (the assets that
		// site-absolute paths name): an event here only starts one.
		if err := w.addTree(static); err != nil && !errors.Is(err, fs.ErrNotExist) {
			fw.Close()
			return nil, err
		}
	}
	if config != "" {
		// The directory, not the file: editors replace a file by renaming
		// a new one over it, which ends a watch on the file itself.
		if err := fw.Add(filepath.Dir(config)); err != nil {
			fw.Close()
			return nil, err
		}
	}
	return w, nil
}

func (w *watcher) Close() error { return w.w.Close() }

// addTree watches dir and every directory below it that the loader reads.
func (w *watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != dir && errors.Is(err, fs.ErrNotExist) {
				return nil // removed while walking
			}
			return err
		}
		if !d.IsDir() { // WalkDir reports a symbolic link as a link, never follows it
			return nil
		}
		if p != dir && w.ignored(p) {
			return fs.SkipDir
		}
		return w.w.Add(p)
	})
}

// ignored says whether a path in the tree is one the loader never reads:
// a hidden segment below the root (unless allowHidden).
func (w *watcher) ignored(p string) bool {
	rel, err := filepath.Rel(w.root, p)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return false
	}
	if w.allowHidden {
		return false
	}
	for _, seg := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// relevant says whether an event is one a sync must follow: a change in the
// content tree outside hidden names, or to the config file.
func (w *watcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	if w.config != "" && filepath.Clean(ev.Name) == filepath.Clean(w.config) {
		return true
	}
	if w.static != "" {
		if rel, err := filepath.Rel(w.static, ev.Name); err == nil && !strings.HasPrefix(rel, "..") {
			return true
		}
	}
	rel, err := filepath.Rel(w.root, ev.Name)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	return !w.ignored(ev.Name)
}

// change is what a debounced batch of events touched.
type change struct {
	config bool // the config file changed
	n      int  // events in the batch
	// paths are the files and folders the events named, relative to the
	// content root, slash-separated; lost says some events may be missing
	// (a watch error) or named the root itself: anything may have changed.
	paths []string
	lost  bool
}

// note adds what ev names to c.
func (w *watcher) note(c *change, ev fsnotify.Event) {
	rel, err := filepath.Rel(w.root, ev.Name)
	switch {
	case err != nil || strings.HasPrefix(rel, ".."):
		// the config file outside the content root
	case rel == ".":
		c.lost = true
	default:
		c.paths = append(c.paths, filepath.ToSlash(rel))
	}
}

// run sends one change on out after each burst of events has been quiet
// for debounce, until ctx ends. Watch errors go to errs and count as a
// change (an overflowed queue lost events: a sync finds what changed).
func (w *watcher) run(ctx context.Context, debounce time.Duration, out chan<- change, errs func(error)) {
	timer := time.NewTimer(debounce)
	timer.Stop()
	var pending change
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.w.Events:
			if !ok {
				return
			}
			if !w.relevant(ev) {
				continue
			}
			if ev.Has(fsnotify.Create) && !w.ignored(ev.Name) {
				if st, err := os.Lstat(ev.Name); err == nil && st.IsDir() {
					if err := w.addTree(ev.Name); err != nil {
						errs(err)
					}
				}
			}
			pending.n++
			w.note(&pending, ev)
			pending.config = pending.config || (w.config != "" && filepath.Clean(ev.Name) == filepath.Clean(w.config))
			timer.Reset(debounce)
		case err, ok := <-w.w.Errors:
			if !ok {
				return
			}
			errs(err)
			pending.n++
			pending.lost = true
			timer.Reset(debounce)
		case <-timer.C:
			select {
			case out <- pending:
			case <-ctx.Done():
				return
			}
			pending = change{}
		}
	}
}
