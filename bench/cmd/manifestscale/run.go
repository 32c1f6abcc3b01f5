package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/axctl/axctl/bench/corpus"
	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
)

// run builds the manifests, checks the static bounds and, when asked, the
// Worker's reads and listings; it reports whether every bound held.
func run(o options, w io.Writer) (bool, error) {
	cols, recs := corpus.Records(o.N, o.Seed)
	windows(recs)
	var out *writer
	if o.Out != "" {
		var err error
		if out, err = newWriter(o.Out, cols, recs); err != nil {
			return false, err
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "records %d drawn: live heap %d MB\n", o.N, ms.HeapAlloc>>20)
	stop, err := startCPUProfile(o.CPUProfile)
	if err != nil {
		return false, err
	}
	t0 := time.Now()
	var site int
	largest := map[string]int{}
	which := map[string]string{}
	objects, total := 0, 0
	var sums digest
	err = manifest.BuildEach(manifest.Site{Title: "scale", BaseURL: "https://example.com"}, cols, recs, 0, func(key string, b []byte) error {
		objects++
		total += len(b)
		sums.add(key, b)
		kind := kindOf(key)
		if key == manifest.SiteKey {
			site = len(b)
			if err := writeHeap(o.HeapProfile); err != nil {
				return err
			}
		} else if len(b) > largest[kind] {
			largest[kind], which[kind] = len(b), key
		}
		if out != nil {
			return out.object(key, b)
		}
		return nil
	})
	build := time.Since(t0)
	stop()
	if err != nil {
		return false, err
	}
	fmt.Fprintf(w, "records %d: %d objects, %d bytes, built in %.1f s; site.json %d bytes\n", o.N, objects, total, build.Seconds(), site)
	fmt.Fprintf(w, "digest of every key and its bytes (order-free): %s\n", sums.sum())
	ok := true
	for _, k := range []string{"shard", "tag chunk", "tags page", "sitemap chunk"} {
		sum := site + largest[k]
		fits := sum <= contract.ReadBytes
		ok = ok && fits
		fmt.Fprintf(w, "%-13s largest %6d bytes (%s); with site.json %6d of %d: %v\n", k, largest[k], which[k], sum, contract.ReadBytes, map[bool]string{true: "ok", false: "EXCEEDED"}[fits])
	}
	if build > buildBudget && out == nil {
		fmt.Fprintf(w, "build %.1f s exceeds %s\n", build.Seconds(), buildBudget)
		ok = false
	}
	if !o.Worker {
		return ok, nil
	}
	if out == nil {
		return false, fmt.Errorf("-worker needs -out")
	}
	pass, err := checkWorker(o, w)
	return ok && pass, err
}

// windows gives a few records a publishDate or an expires, as a real site
// has some (a fixed number, whatever n: site.json's schedule lists each):
// embargoed until 2099, expiring in 2098 (shown), published at a past
// publishDate, and expired in 2016 (kept in the manifests, hidden by the
// Worker).
func windows(recs map[string][]manifest.Record) {
	for _, name := range []string{"blog", "docs", "notes"} {
		l := recs[name]
		for k := 0; k < 8 && len(l) > 64; k++ {
			r := &l[(k*len(l))/8+k]
			switch k % 4 {
			case 0:
				r.PublishDate = "2099-01-01T00:00:00Z"
			case 1:
				r.Expires = "2098-06-01T00:00:00Z"
			case 2:
				r.PublishDate = "2016-01-02T00:00:00Z"
			case 3:
				r.Expires = "2016-01-01T00:00:00Z"
			}
		}
	}
}

// writer puts objects and records where bench/worker/scale.mjs reads them.
type writer struct{ dir string }

// line is one record as scale.mjs reads it: collection, slug, date, tags
// as [name, slug], publishDate, expires.
type line struct {
	C string      `json:"c"`
	S string      `json:"s"`
	D string      `json:"d"`
	T [][2]string `json:"t,omitempty"`
	P string      `json:"p,omitempty"`
	E string      `json:"e,omitempty"`
}

func newWriter(dir string, cols []manifest.Collection, recs map[string][]manifest.Record) (*writer, error) {
	if err := os.RemoveAll(filepath.Join(dir, "objects")); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, "records.jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	routes := map[string]string{}
	for _, c := range cols {
		routes[c.Name] = c.Route
		for _, r := range recs[c.Name] {
			l := line{C: c.Name, S: r.Slug, D: r.Date, P: r.PublishDate, E: r.Expires}
			for _, t := range r.Tags {
				l.T = append(l.T, [2]string{t.Name, t.Slug})
			}
			if err := enc.Encode(l); err != nil {
				return nil, err
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	meta, err := json.Marshal(map[string]any{"routes": routes, "order": names(cols), "pageSize": manifest.DefaultPageSize, "readObjects": contract.ReadObjects, "readBytes": contract.ReadBytes})
	if err != nil {
		return nil, err
	}
	return &writer{dir}, os.WriteFile(filepath.Join(dir, "meta.json"), meta, 0o644)
}

func names(cols []manifest.Collection) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

func (w *writer) object(key string, b []byte) error {
	p := filepath.Join(w.dir, "objects", filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}

// checkWorker runs bench/worker/scale.mjs on the written dir; its exit
// status says whether every page kept the bounds and listed what it must.
func checkWorker(o options, w io.Writer) (bool, error) {
	repo := o.Repo
	if repo == "" {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
		if err != nil {
			return false, fmt.Errorf("find the module root: %w", err)
		}
		repo = strings.TrimSpace(string(out))
	}
	cmd := exec.CommandContext(context.Background(), "node", filepath.Join(repo, "bench", "worker", "scale.mjs"), "--dir", o.Out, "--sample", fmt.Sprint(o.Sample), "--seed", fmt.Sprint(o.Seed))
	cmd.Stdout, cmd.Stderr = w, w
	err := cmd.Run()
	if _, failed := err.(*exec.ExitError); failed {
		return false, nil
	}
	return err == nil, err
}

func kindOf(key string) string {
	switch {
	case key == manifest.SiteKey:
		return "site.json"
	case strings.HasPrefix(key, contract.SitemapsPrefix):
		return "sitemap chunk"
	case strings.HasPrefix(key, contract.TagsPrefix) && strings.Count(key, "/") == 2:
		return "tags page"
	case strings.HasPrefix(key, contract.TagsPrefix):
		return "tag chunk"
	case strings.Count(key, "/") == 2:
		return "shard"
	}
	return "index"
}
