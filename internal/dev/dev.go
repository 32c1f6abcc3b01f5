// Package dev runs `axctl dev`, the live preview: what `hugo server` is to
// Hugo users. It syncs the content into the local bucket with the same
// validate → plan → apply as `axctl sync` (there is no other write path),
// serves the bucket through the real Worker in workerd (worker.DevServer),
// and after each save syncs again — the render cache and the plan make that
// touch only what changed — mirrors exactly the objects the plan wrote or
// deleted into the Worker's binding, and reloads the open tabs. Invalid
// content writes nothing: its problems go to the terminal and, as an
// overlay page, to the browser, until a save fixes them.
package dev

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

// Options are dev's inputs.
type Options struct {
	Config    string // axctl.yaml; "" for ./axctl.yaml or the defaults
	WorkerDir string // holds src/, public/, wrangler.jsonc, node_modules; "" for <config dir>/worker
	Host      string
	Port      int // 0: any free port (the URL is printed)
	Debounce  time.Duration
	Node      string    // the node binary; "" for "node" on $PATH
	Err       io.Writer // the terminal: URL, one line per sync, problems
}

// Bucket is where dev writes, relative to the config's directory: the
// local bucket `make demo` and `axctl sync` use by default, never a remote one.
const Bucket = ".axctl/bucket"

// stopGrace bounds how long the dev server may take to stop before it is killed.
const stopGrace = 10 * time.Second

// session is the state one dev run keeps between syncs.
type session struct {
	opts    Options
	cfg     *content.Config
	cache   *content.Cache
	storage *store.DirStore
	unsaved *syncer.Built // a valid sync whose cache state is not yet on disk
	// lastIndex is the last valid sync, whose search index is kept beside
	// the render cache when dev stops (for the next `axctl sync`), not
	// after every save.
	lastIndex *syncer.Built
	// prepared keeps the search docs prepared for the index between syncs.
	prepared syncer.PreparedDocs
	// changed holds the paths file events named since the last sync
	// started (relative to the content root); allChanged says any file may have
	// changed (no watch yet, a watch error, a new watch): the next sync
	// looks at every file.
	changed    map[string]bool
	allChanged bool
	// catchUp asks for one sync as soon as the watch has begun (the first
	// sync was valid); quiet keeps that sync from printing the warnings the
	// first one printed.
	catchUp, quiet bool
}

// note adds a change's paths to those the next sync looks at.
func (s *session) note(c change) {
	if c.lost {
		s.allChanged = true
	}
	if s.changed == nil {
		s.changed = map[string]bool{}
	}
	for _, p := range c.paths {
		s.changed[p] = true
	}
}

// unchanged returns, for the sync starting now, what its file events say
// is unchanged since the last sync started (nil: nothing is known), and
// starts collecting for the next. A file is changed when an event named it
// or a folder above it (a folder renamed or replaced).
func (s *session) unchanged() func(string) bool {
	changed, all := s.changed, s.allChanged
	s.changed, s.allChanged = nil, false
	if all {
		return nil
	}
	return func(rel string) bool {
		for p := rel; ; p = path.Dir(p) {
			if changed[p] {
				return false
			}
			if !strings.Contains(p, "/") {
				return true
			}
		}
	}
}

// Run syncs, serves and watches until ctx ends (Ctrl-C), then stops the
// dev server and workerd and returns nil. An error is returned only when
// dev cannot start or the dev server dies.
func Run(ctx context.Context, opts Options) error {
	if opts.Node == "" {
		opts.Node = "node"
	}
	cfg, err := content.LoadConfig(opts.Config)
	if err != nil {
		return err
	}
	s := &session{opts: opts, allChanged: true}
	if err := s.configure(cfg); err != nil {
		return err
	}
	if s.storage, err = store.NewDirStore(filepath.Join(cfg.Dir, filepath.FromSlash(Bucket))); err != nil {
		return err
	}
	workerDir := opts.WorkerDir
	if workerDir == "" {
		workerDir = filepath.Join(cfg.Dir, "worker")
	}
	t0 := time.Now()
	first, line, err := s.sync(ctx)
	if err != nil {
		return err
	}
	s.saveCache()
	defer func() {
		if s.lastIndex != nil {
			s.lastIndex.KeepIndex()
		}
	}()
	// The first message mirrors the whole bucket, valid content or not:
	// while there are problems, the last good site is behind the overlay.
	if first.Put, err = s.all(ctx); err != nil {
		return err
	}
	first.Delete = nil
	s.catchUp = len(first.Problems) == 0
	srv, err := startServer(opts.Node, workerDir, opts.Host, opts.Port, opts.Err)
	if err != nil {
		return err
	}
	url, err := s.load(ctx, srv, first)
	if err != nil {
		return stopped(ctx, srv, err)
	}
	fmt.Fprintf(opts.Err, "%s; loaded into the Worker (%d ms in all)\n", line, time.Since(t0).Milliseconds())
	fmt.Fprintf(opts.Err, "axctl dev: serving %s through the Worker in workerd; watching %s; Ctrl-C stops\n", url, s.cfg.Root())
	return stopped(ctx, srv, s.watch(ctx, srv))
}

// loadChunk bounds the objects of one message of the first load.
const loadChunk = 256

// load sends the first load in chunks; the last carries the problems and
// makes the server listen. It returns the server's URL.
func (s *session) load(ctx context.Context, srv *server, first message) (string, error) {
	objs := first.Put
	for len(objs) > loadChunk {
		if _, err := srv.send(ctx, message{Put: objs[:loadChunk]}); err != nil {
			return "", err
		}
		objs = objs[loadChunk:]
	}
	first.Put, first.Listen = objs, true
	return srv.send(ctx, first)
}

// stopped stops the dev server; a cancelled ctx (Ctrl-C) is a clean stop.
func stopped(ctx context.Context, srv *server, err error) error {
	serr := srv.stop(stopGrace)
	if ctx.Err() != nil && (err == nil || errors.Is(err, ctx.Err())) {
		return serr
	}
	return errors.Join(err, serr)
}

// configure adopts cfg: the render cache is keyed by the config, and the
// target is the local bucket (validation counts its key prefix).
func (s *session) configure(cfg *content.Config) error {
	cache, err := content.OpenCache(filepath.Join(cfg.Dir, ".axctl", "cache"), cfg)
	if err != nil {
		return err
	}
	cache.Watch() // each sync trusts the file events since the last
	cfg.Target = "file://" + filepath.ToSlash(filepath.Join(cfg.Dir, filepath.FromSlash(Bucket)))
	s.cfg, s.cache = cfg, cache
	return nil
}

// watch syncs after each debounced change until ctx ends or the server dies.
func (s *session) watch(ctx context.Context, srv *server) error {
	changes := make(chan change)
	var w *watcher
	stopWatch := func() {}
	rewatch := func() error {
		stopWatch()
		nw, err := newWatcher(s.cfg.Root(), staticDir(s.cfg), s.cfg.Path, s.cfg.AllowHidden)
		if err != nil {
			return fmt.Errorf("watch %s: %w", s.cfg.Root(), err)
		}
		wctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); nw.run(wctx, s.opts.Debounce, changes, s.watchErr) }()
		w, stopWatch = nw, func() { cancel(); <-done; nw.Close() }
		s.allChanged = true // what changed before the watch began is not known
		return nil
	}
	if err := rewatch(); err != nil {
		return err
	}
	defer func() { stopWatch() }()
	if s.catchUp {
		// What changed between the first sync and the watch's start is
		// not known: one sync now looks at every file, so an edit made
		// meanwhile is not missed, and the first save costs what every
		// later save does (it no longer pays the look at every file).
		s.catchUp, s.quiet = false, true
		m, line, err := s.sync(ctx)
		s.quiet = false
		if err != nil {
			return err
		}
		if len(m.Put)+len(m.Delete)+len(m.Problems) > 0 {
			if _, err := srv.send(ctx, m); err != nil {
				return err
			}
			fmt.Fprintf(s.opts.Err, "%s; changed while dev started; reloaded\n", line)
		}
		s.saveCache()
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-srv.exited:
			return fmt.Errorf("dev server stopped: %w", srv.exitErr(nil))
		case c := <-changes:
			t0 := time.Now()
			s.note(c)
			var m message
			line := ""
			if c.config {
				if err := s.reconfigure(w, rewatch); err != nil {
					m.Problems, line = []string{err.Error()}, "1 problem in the config; nothing was written"
					fmt.Fprintln(s.opts.Err, err)
				}
			}
			if line == "" {
				var err error
				if m, line, err = s.sync(ctx); err != nil {
					return err
				}
			}
			if _, err := srv.send(ctx, m); err != nil {
				return err
			}
			fmt.Fprintf(s.opts.Err, "%s; reloaded (%d ms in all)\n", line, time.Since(t0).Milliseconds())
			s.saveCache()
		}
	}
}

// saveCache writes the render cache a valid sync left in memory
// (KeepLater), after the reload: the next `axctl dev` or `axctl sync`
// starts from it. A failure is printed; the cache only saves time.
func (s *session) saveCache() {
	if s.unsaved == nil {
		return
	}
	b := s.unsaved
	s.unsaved, s.lastIndex = nil, b
	if err := b.KeepCache(); err != nil {
		fmt.Fprintf(s.opts.Err, "axctl dev: render cache: %v\n", err)
	}
}

// reconfigure loads the config again and, when the content root or the
// hidden-files rule changed, watches the new tree.
func (s *session) reconfigure(w *watcher, rewatch func() error) error {
	cfg, err := content.LoadConfig(s.cfg.Path)
	if err != nil {
		return err
	}
	if err := s.configure(cfg); err != nil {
		return err
	}
	if cfg.Root() != w.root || staticDir(cfg) != w.static || cfg.AllowHidden != w.allowHidden {
		return rewatch()
	}
	return nil
}

func (s *session) watchErr(err error) {
	fmt.Fprintf(s.opts.Err, "axctl dev: watch: %v\n", err)
}

// staticDir is the static folder site-absolute paths resolve in ("" when
// the config names none).
func staticDir(cfg *content.Config) string {
	if cfg.Static == "" {
		return ""
	}
	return filepath.Join(cfg.Dir, filepath.FromSlash(cfg.Static))
}
