package content

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// file is one entry file discover found, with the collection it belongs to.
type file struct {
	col  *Collection
	path string // on disk
	rel  string // relative to the content root, slash-separated
}

// slugs is what f's path says of its slug and date (slugOfPath): made
// again where the entry is parsed, not held for every file of a Load.
func (f file) slugs() pathSlug {
	return slugOfPath(inFolder(path.Clean(filepath.ToSlash(f.col.Folder)), f.rel), f.col.Dates)
}

// inFolder is rel (relative to the content root) relative to folder.
func inFolder(folder, rel string) string {
	if folder == "." {
		return rel
	}
	return strings.TrimPrefix(rel, folder+"/")
}

// sharedSuffix returns rel as the end of p when p ends with "/"+rel (a
// path the walk made, on systems whose separator is the slash): a file's
// two names then hold one string, not two (100,000 of them at the end of
// a Load).
func sharedSuffix(p, rel string) string {
	if n := len(p) - len(rel); n > 0 && p[n-1] == '/' && p[n:] == rel {
		return p[n:]
	}
	return rel
}

var entryExts = map[string]bool{".md": true, ".markdown": true}

// discover lists entry files of every collection, sorted for determinism.
// It walks through the tree without following symbolic links; a link, or
// an entry that is not a regular file, is a problem: the author expects it
// published.
func discover(cfg *Config, tree *Tree) ([]file, []Problem, error) {
	var files []file
	var problems []Problem
	for i := range cfg.Collections {
		col := &cfg.Collections[i]
		folder := path.Clean(filepath.ToSlash(col.Folder))
		root := filepath.Join(cfg.Root(), col.Folder)
		if st, err := tree.lstatDir(folder); errors.Is(err, fs.ErrNotExist) || err == nil && !st.IsDir() {
			return nil, nil, cfg.errorAt(col, "folder %s does not exist", root)
		} else if err != nil {
			return nil, nil, cfg.errorAt(col, "folder %s %v", root, err)
		}
		err := fs.WalkDir(tree.root.FS(), folder, func(rel string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			p := filepath.Join(cfg.Root(), filepath.FromSlash(rel))
			if strings.HasPrefix(d.Name(), ".") && rel != folder && (!cfg.AllowHidden || strings.EqualFold(d.Name(), ".git")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			in := inFolder(folder, rel)
			if d.IsDir() {
				if rel != folder && (col.excludedDir(in) || !col.mayInclude(in)) {
					return filepath.SkipDir
				}
				return nil
			}
			isEntry := entryExts[strings.ToLower(path.Ext(rel))]
			if isEntry && !col.included(in) || !col.mayInclude(path.Dir(in)) {
				return nil // not this collection's: not even a link is looked at
			}
			if d.Type()&fs.ModeSymlink != 0 {
				// A link named like an entry, or to a folder, is content the
				// author expects published; a link to another file is
				// refused only if an entry points at it.
				if st, err := os.Stat(p); isEntry || err == nil && st.IsDir() {
					problems = append(problems, Problem{Path: p, Line: 1, Col: 1, Msg: errSymlink.Error()})
				}
				return nil
			}
			if !isEntry {
				return nil
			}
			if !d.Type().IsRegular() {
				problems = append(problems, Problem{Path: p, Line: 1, Col: 1, Msg: notRegular(d.Type()).Error()})
				return nil
			}
			ps := slugOfPath(in, col.Dates)
			if ps.index && ps.slug == "" && ps.err == nil {
				problems = append(problems, Problem{Path: p, Line: 1, Col: 1, Warning: true, Msg: fmt.Sprintf(
					"not published: the collection's own index page (the Worker lists the collection at %s/; links to this file lead there); add it to exclude: to silence this", col.Route)})
				return nil
			}
			files = append(files, file{col: col, path: p, rel: sharedSuffix(p, rel)})
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("walk collection %q: %w", col.Name, err)
		}
	}
	return files, problems, nil
}
