package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/axctl/axctl/internal/testutil"
)

// uploadVsRaw is issue 17's bound on a cold sync's upload phase: its
// objects/s ÷ the raw concurrent PutObject loop's, same objects.
const uploadVsRaw = 0.9

// syncMeasure is one measured `axbench child-sync` run.
type syncMeasure struct {
	proc
	res syncResult
}

// childSyncRun runs child-sync on corpus dir against target.
func (b *bench) childSyncRun(dir, target string, extra ...string) (syncMeasure, error) {
	args := append([]string{"child-sync", "-config", filepath.Join(dir, "axctl.yaml"), "-target", target,
		"-concurrency", fmt.Sprint(b.cfg.Concurrency)}, extra...)
	p, err := measure(b.ctx, cmdSpec{Dir: dir, Env: b.minio.Env(), Name: b.cfg.Self, Args: args})
	if err != nil {
		return syncMeasure{proc: p}, err
	}
	var m syncMeasure
	m.proc = p
	if err := json.Unmarshal(p.Out, &m.res); err != nil {
		return m, fmt.Errorf("child-sync output %q: %w", p.Out, err)
	}
	return m, nil
}

func (b *bench) ensureMinio() error {
	if b.minio != nil {
		return nil
	}
	if !fileExists(b.cfg.Minio) {
		return fmt.Errorf("minio not installed at %s (scripts/tools.sh minio)", b.cfg.Minio)
	}
	m, err := startMinio(b.cfg.Minio, b.cfg.Work)
	if err != nil {
		return err
	}
	b.minio = m
	return nil
}

// syncs measures, at SyncN entries against MinIO: cold sync vs a raw PUT
// loop, no-op re-sync vs a bare LIST scan and vs hugo deploy, and a
// one-entry edit.
func (b *bench) syncs() error {
	if err := b.ensureMinio(); err != nil {
		return err
	}
	n := b.cfg.SyncN
	dir, err := b.corpus(n)
	if err != nil {
		return err
	}
	area := func(s string) string { return fmt.Sprintf("%s (%s entries)", s, num(float64(n))) }

	// The raw loop's objects: what a sync produces, as a dir-store.
	from := filepath.Join(b.cfg.Work, "sync-objects")
	if _, err := measure(b.ctx, cmdSpec{Dir: dir, Name: b.cfg.AxctlBin, Args: []string{"sync", "--quiet", "--config", filepath.Join(dir, "axctl.yaml"), "--target", "file://" + from}}); err != nil {
		return err
	}
	// Cold: a fresh bucket per run for each of axctl and the raw loop.
	var axWalls, axBucket, rawPut []time.Duration
	var objects int
	var last string
	for i := 0; i < b.cfg.SyncRuns; i++ {
		bk := fmt.Sprintf("cold-%d", i)
		if err := b.minio.CreateBucket(b.ctx, bk); err != nil {
			return err
		}
		// A first sync renders everything: start each from an empty render
		// cache (it leaves the cache the no-op runs below reuse, as a CI job
		// that keeps .axctl/cache between runs would).
		if err := os.RemoveAll(filepath.Join(dir, ".axctl", "cache")); err != nil {
			return err
		}
		m, err := b.childSyncRun(dir, "s3://"+bk)
		if err != nil {
			return fmt.Errorf("cold sync: %w", err)
		}
		axWalls, axBucket = append(axWalls, m.Wall), append(axBucket, time.Duration(m.res.BucketMs*float64(time.Millisecond)))
		objects, last = m.res.Objects, bk
		raw := fmt.Sprintf("raw-%d", i)
		if err := b.minio.CreateBucket(b.ctx, raw); err != nil {
			return err
		}
		p, err := measure(b.ctx, cmdSpec{Env: b.minio.Env(), Name: b.cfg.Self, Args: []string{"child-rawput", "-from", from, "-bucket", raw, "-concurrency", fmt.Sprint(b.cfg.Concurrency)}})
		if err != nil {
			return fmt.Errorf("raw put: %w", err)
		}
		var pr putResult
		if err := json.Unmarshal(p.Out, &pr); err != nil {
			return err
		}
		rawPut = append(rawPut, time.Duration(pr.PutMs*float64(time.Millisecond)))
		logf("cold run %d: axctl %s (bucket phase %.0f ms, %s), raw PUT loop %.0f ms", i+1, secs(m.Wall), m.res.BucketMs, fmtCounts(m.res.Requests), pr.PutMs)
	}
	axW, axB, rawW := medianDur(axWalls), medianDur(axBucket), medianDur(rawPut)
	b.add(area("cold sync"), fmt.Sprintf("axctl sync to an empty bucket (%s objects, %d in flight)", num(float64(objects)), b.cfg.Concurrency),
		fmt.Sprintf("%s objects/s end to end (%s); upload phase %s objects/s (%s)", num(rate(objects, axW)), secs(axW), num(rate(objects, axB)), secs(axB)), "", "")
	b.add(area("cold sync"), fmt.Sprintf("raw concurrent PutObject loop, same objects and metadata, %d in flight", b.cfg.Concurrency),
		fmt.Sprintf("%s objects/s (%s)", num(rate(objects, rawW)), secs(rawW)), "", "")
	e2e, up := rate(objects, axW)/rate(objects, rawW), rate(objects, axB)/rate(objects, rawW)
	b.add(area("cold sync"), "axctl ÷ raw loop, objects/s", fmt.Sprintf("%s end to end (render included); %s upload phase only", ratio(e2e), ratio(up)), "≥ 0.8×", verdict(e2e >= 0.8))
	b.check(area("cold sync"), "axctl upload phase (after validation: plan + apply) ÷ raw loop, objects/s", ratio(up), fmt.Sprintf("≥ %.1f×", uploadVsRaw), up >= uploadVsRaw)

	// No-op: the last cold bucket, unchanged content.
	var noops []syncMeasure
	for i := 0; i < b.cfg.SyncRuns; i++ {
		m, err := b.childSyncRun(dir, "s3://"+last)
		if err != nil {
			return fmt.Errorf("no-op sync: %w", err)
		}
		noops = append(noops, m)
		logf("no-op run %d: %s (validate %.0f ms, bucket %.0f ms), %s, uploads %v", i+1, secs(m.Wall), m.res.ValidateMs, m.res.BucketMs, fmtCounts(m.res.Requests), m.res.Uploads)
	}
	noop := medianSync(noops)
	var lists []time.Duration
	var listReq map[string]int
	for i := 0; i < b.cfg.Runs; i++ {
		p, err := measure(b.ctx, cmdSpec{Env: b.minio.Env(), Name: b.cfg.Self, Args: []string{"child-list", "-bucket", last}})
		if err != nil {
			return fmt.Errorf("list scan: %w", err)
		}
		var lr struct {
			ListMs   float64        `json:"listMs"`
			Requests map[string]int `json:"requests"`
		}
		if err := json.Unmarshal(p.Out, &lr); err != nil {
			return err
		}
		lists, listReq = append(lists, time.Duration(lr.ListMs*float64(time.Millisecond))), lr.Requests
	}
	listW := medianDur(lists)
	wantLists := (objects + 999) / 1000
	writes := noop.res.Requests[testutil.OpPut] + noop.res.Requests[testutil.OpDelete]
	b.add(area("no-op sync"), "axctl requests by type", fmtCounts(noop.res.Requests)+fmt.Sprintf(" (%d objects; uploads %d)", objects, writes),
		fmt.Sprintf("only ⌈%d/1000⌉ = %d LISTs", objects, wantLists), verdict(noop.res.Requests[testutil.OpList] <= wantLists && len(noop.res.Requests) == 1))
	bucketPhase := time.Duration(noop.res.BucketMs * float64(time.Millisecond))
	b.add(area("no-op sync"), "axctl wall time, peak RSS",
		fmt.Sprintf("%s whole sync (validate + render %s, bucket phase %s) · peak RSS %s", secs(noop.Wall), secs(time.Duration(noop.res.ValidateMs*float64(time.Millisecond))), secs(bucketPhase), mb(noop.MaxRSS)), "", "")
	b.add(area("no-op sync"), "bare ListObjectsV2 scan of the same bucket", fmt.Sprintf("%s · %s", secs(listW), fmtCounts(listReq)), "", "")
	r1, r2 := noop.Wall.Seconds()/listW.Seconds(), bucketPhase.Seconds()/listW.Seconds()
	b.add(area("no-op sync"), "axctl ÷ bare scan, wall", fmt.Sprintf("%s whole sync; %s bucket phase only", ratio(r1), ratio(r2)), "≤ 1.5×", verdict(r1 <= 1.5))

	if err := b.hugoDeploy(dir, area("no-op sync"), noop); err != nil {
		b.notes = append(b.notes, "hugo deploy: "+firstLine(err.Error()))
		logf("hugo deploy: %v", err)
	}
	return b.edits(dir, last, area("one-entry edit"))
}

func medianSync(ms []syncMeasure) syncMeasure {
	s := append([]syncMeasure(nil), ms...)
	sort.Slice(s, func(i, j int) bool { return s[i].Wall < s[j].Wall })
	m := s[(len(s)-1)/2]
	var rss []int64
	for _, x := range ms {
		rss = append(rss, x.MaxRSS)
	}
	m.MaxRSS = medianInt(rss)
	return m
}

// hugoDeploy builds the corpus with Hugo, deploys it to its own bucket
// through a counting proxy, then measures a no-op `hugo deploy`.
func (b *bench) hugoDeploy(dir, area string, noop syncMeasure) error {
	if !fileExists(b.cfg.Hugo) {
		return fmt.Errorf("hugo not installed")
	}
	if err := b.minio.CreateBucket(b.ctx, "hugo"); err != nil {
		return err
	}
	proxy, err := startCountingProxy(b.minio.Endpoint)
	if err != nil {
		return err
	}
	defer proxy.Close()
	toml := fmt.Sprintf("[deployment]\n[[deployment.targets]]\nname = \"bench\"\nurl = \"s3://hugo?endpoint=%s&use_path_style=true&region=auto\"\n", proxy.URL)
	if err := os.WriteFile(filepath.Join(dir, "deploy.toml"), []byte(toml), 0o644); err != nil {
		return err
	}
	build := cmdSpec{Dir: dir, Name: b.cfg.Hugo, Args: []string{"--quiet", "--cacheDir", filepath.Join(b.cfg.Work, "hugo-cache")}}
	if _, err := measure(b.ctx, build); err != nil {
		return err
	}
	deploy := cmdSpec{Dir: dir, Env: b.minio.Env(), Name: b.cfg.Hugo, Args: []string{"deploy", "--target", "bench", "--config", "hugo.toml,deploy.toml"}}
	p, err := measure(b.ctx, deploy)
	if err != nil {
		return fmt.Errorf("first deploy: %w", err)
	}
	logf("hugo deploy (cold): %s, %s", secs(p.Wall), fmtCounts(proxy.Counter.Counts()))
	var walls []time.Duration
	var counts map[string]int
	for i := 0; i < b.cfg.Runs; i++ {
		proxy.Counter.Reset()
		p, err := measure(b.ctx, deploy)
		if err != nil {
			return fmt.Errorf("no-op deploy: %w", err)
		}
		walls, counts = append(walls, p.Wall), proxy.Counter.Counts()
		logf("hugo deploy no-op run %d: %s, %s: %s", i+1, secs(p.Wall), fmtCounts(counts), firstLine(strings.TrimSpace(string(p.Out))))
	}
	w := medianDur(walls)
	files := countFiles(filepath.Join(dir, "public"), "")
	b.add(area, "peer: no-op `hugo deploy` of Hugo's build of the same corpus", fmt.Sprintf("%s · %s (%s files)", secs(w), fmtCounts(counts), num(float64(files))), "", "")
	ax, hu := total(noop.res.Requests), total(counts)
	b.add(area, "axctl ÷ hugo deploy, requests", fmt.Sprintf("%d vs %d requests; wall %s vs %s", ax, hu, secs(noop.Wall), secs(w)), "fewer requests than hugo deploy", verdict(ax < hu))
	return nil
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// edits changes one entry's body per run and syncs.
func (b *bench) edits(dir, bucket, area string) error {
	var entries []string
	_ = filepath.WalkDir(filepath.Join(dir, "content", "blog"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			entries = append(entries, p)
		}
		return nil
	})
	if len(entries) == 0 {
		return fmt.Errorf("no blog entry to edit")
	}
	var ms []syncMeasure
	for i := 0; i < b.cfg.SyncRuns; i++ {
		p := entries[(i*7919)%len(entries)]
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		edited := append(src, []byte(fmt.Sprintf("\nEdited for the benchmark, run %d: one more paragraph.\n", i+1))...)
		if err := os.WriteFile(p, edited, 0o644); err != nil {
			return err
		}
		m, err := b.childSyncRun(dir, "s3://"+bucket)
		if err != nil {
			return fmt.Errorf("edit sync: %w", err)
		}
		ms = append(ms, m)
		logf("edit run %d: %s, uploads %v, %s", i+1, secs(m.Wall), m.res.Uploads, fmtCounts(m.res.Requests))
	}
	worst := ms[0]
	for _, m := range ms {
		if m.res.Uploads["manifest"] > worst.res.Uploads["manifest"] {
			worst = m
		}
	}
	med := medianSync(ms)
	body, man := worst.res.Uploads["entry"]+worst.res.Uploads["asset"], worst.res.Uploads["manifest"]
	b.add(area, "requests by type (worst of the runs; purge not configured)",
		fmt.Sprintf("%s = %d body PUT + %d manifest PUTs; %s median wall", fmtCounts(worst.res.Requests), body, man, secs(med.Wall)),
		"1 body PUT + ≤ 3 manifest PUTs (+ purge)", verdict(body == 1 && man <= 3))
	return nil
}
