package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/axctl/axctl/bench/corpus"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/store"
)

// worker measures the Worker: bundle size, the R2 bytes a listing page
// reads at ListingN entries, and page render times in workerd.
func (b *bench) worker() error {
	area := "Worker"
	wdir := filepath.Join(b.cfg.Repo, "worker")
	p, err := measure(b.ctx, cmdSpec{Dir: wdir, Name: "npm", Args: []string{"run", "--silent", "size"}})
	if err != nil {
		b.notes = append(b.notes, "worker bundle size: "+firstLine(err.Error()))
	} else if m := regexp.MustCompile(`bundle: ([\d.]+) KiB gzip \(budget ([\d.]+) KiB\)`).FindSubmatch(p.Out); m != nil {
		kib, _ := strconv.ParseFloat(string(m[1]), 64)
		budget, _ := strconv.ParseFloat(string(m[2]), 64)
		b.add(area, "bundle size (`npm run size`: wrangler deploy --dry-run, gzip -9)", fmt.Sprintf("%.2f KiB gzip", kib), fmt.Sprintf("≤ %.0f KiB", budget), verdict(kib <= budget))
	}
	listing, err := b.listingManifests(area)
	if err != nil {
		return err
	}
	if b.bucket == "" {
		return fmt.Errorf("no rendered bucket to serve (render step failed)")
	}
	p, err = measure(b.ctx, cmdSpec{Dir: b.cfg.Repo, Name: "node", Args: []string{"bench/worker/pages.mjs", "--bucket", b.bucket, "--listing", listing,
		"--cold", fmt.Sprint(b.cfg.Cold), "--warm", fmt.Sprint(b.cfg.Warm)}})
	if err != nil {
		return fmt.Errorf("workerd pages: %w", err)
	}
	type sum struct {
		N      int     `json:"n"`
		Median float64 `json:"median"`
		P99    float64 `json:"p99"`
	}
	var out map[string]struct {
		Objects int `json:"objects"`
		Cold    sum `json:"cold"`
		Warm    sum `json:"warm"`
	}
	if err := json.Unmarshal(p.Out, &out); err != nil {
		return fmt.Errorf("pages.mjs output %q: %w", p.Out, err)
	}
	e, l := out["entry"], out["listing"]
	b.add(area, fmt.Sprintf("entry page in workerd (Miniflare), %s-object bucket: cold isolate (n=%d) · warm (n=%d)", num(float64(e.Objects)), e.Cold.N, e.Warm.N),
		fmt.Sprintf("cold median %.1f ms, p99 %.1f ms · warm median %.1f ms, p99 %.1f ms", e.Cold.Median, e.Cold.P99, e.Warm.Median, e.Warm.P99), "", "")
	b.add(area, fmt.Sprintf("listing page `/blog/` at %s entries in workerd: cold isolate · warm", num(float64(b.cfg.ListingN))),
		fmt.Sprintf("cold median %.1f ms, p99 %.1f ms · warm median %.1f ms, p99 %.1f ms", l.Cold.Median, l.Cold.P99, l.Warm.Median, l.Warm.P99), "", "")
	return nil
}

// listingManifests builds the manifests of a ListingN-entry site with
// manifest.Build, reports what a listing page reads, and writes those
// objects as a dir-store for workerd. It returns the dir.
func (b *bench) listingManifests(area string) (string, error) {
	n := b.cfg.ListingN
	cols, recs := corpus.Records(n, b.cfg.Seed)
	objs, err := manifest.Build(manifest.Site{Title: "axbench", BaseURL: "https://bench.example"}, cols, recs, corpus.PageSize)
	if err != nil {
		return "", err
	}
	idx, err := manifest.DecodeIndex(objs["metadata/blog.json"])
	if err != nil {
		return "", err
	}
	if len(idx.Shards) == 0 {
		return "", fmt.Errorf("no blog shards")
	}
	site, shard := len(objs["metadata/site.json"]), len(objs[idx.Shards[0].Key])
	maxShard := 0
	for k, v := range objs {
		if k != "metadata/site.json" && len(v) > maxShard && len(k) > len("metadata/blog/") && k[len(k)-5:] == ".json" && isShardKey(k) {
			maxShard = len(v)
		}
	}
	b.add(area, fmt.Sprintf("R2 bytes for listing page 1 of `/blog/` at %s entries (%s in blog; manifest.Build)", num(float64(n)), num(float64(idx.Total))),
		fmt.Sprintf("cold isolate %.1f KB = site.json %.1f KB + shard %.1f KB (the index, %s shard refs, is read by entry pages only); warm isolate 0 B (memo; conditional GET after MANIFEST_TTL); largest shard %.1f KB",
			float64(site+shard)/1e3, float64(site)/1e3, float64(shard)/1e3, num(float64(len(idx.Shards))), float64(maxShard)/1e3), "", "")
	dir := filepath.Join(b.cfg.Work, "listing-bucket")
	storage, err := store.NewDirStore(dir)
	if err != nil {
		return "", err
	}
	keys := []string{"metadata/site.json"}
	for _, c := range cols {
		keys = append(keys, manifest.IndexKey(c.Name))
	}
	for i, s := range idx.Shards {
		if i < 2 {
			keys = append(keys, s.Key)
		}
	}
	for _, k := range keys {
		if _, err := storage.Put(context.Background(), k, objs[k], store.Attrs{ContentType: "application/json"}, store.Precondition{}); err != nil {
			return "", err
		}
	}
	return dir, nil
}

func isShardKey(k string) bool {
	n := 0
	for _, c := range k {
		if c == '/' {
			n++
		}
	}
	return n == 2
}
