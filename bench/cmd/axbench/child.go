package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
	"github.com/axctl/axctl/internal/testutil"
)

// syncResult is what `axbench child-sync` prints: one axctl sync, run
// in-process through syncer.Validate and syncer.Publish, with every S3 request
// counted by operation.
type syncResult struct {
	ValidateMs float64 `json:"validateMs"`
	BucketMs   float64 `json:"bucketMs"` // after validate: the rest of the list, plan, apply
	// BucketCPUMs is the process's user+sys CPU over the same phase.
	BucketCPUMs float64        `json:"bucketCpuMs"`
	Objects     int            `json:"objects"` // what the content produces
	Requests    map[string]int `json:"requests"`
	Uploads     map[string]int `json:"uploads"` // by kind
	Deletes     int            `json:"deletes"`
	Lists       int            `json:"lists"`
	Gets        int            `json:"manifestGets"`
}

// childSync is `axbench child-sync`: like `axctl sync`, but it reports
// requests by type and phase times, and can write profiles.
func childSync(args []string) error {
	fl := flag.NewFlagSet("child-sync", flag.ExitOnError)
	cfgPath := fl.String("config", "axctl.yaml", "config")
	target := fl.String("target", "", "s3://BUCKET or file://DIR")
	conc := fl.Int("concurrency", 16, "requests in flight")
	cpu := fl.String("cpuprofile", "", "write a CPU profile")
	mem := fl.String("memprofile", "", "write a heap profile after validate (the peak of what is held)")
	noCache := fl.Bool("no-cache", false, "render everything, as `axctl sync --no-cache`")
	peak := fl.String("peakprofile", "", "write a heap profile at the live heap's peak")
	bucketCPU := fl.String("bucketprofile", "", "write a CPU profile of the bucket phase (plan + apply) only, and heap profiles before and after it (F.heap0, F.heap1)")
	tr := fl.String("trace", "", "write a runtime trace (go tool trace): the phases' wall and parallelism")
	phases := fl.Bool("phases", false, "print each phase's wall and CPU seconds to stderr (cpu/wall: cores kept busy)")
	mutex := fl.String("mutexprofile", "", "write a profile of the time goroutines waited for a sync.Mutex another held (go tool pprof)")
	_ = fl.Parse(args)
	ctx := context.Background()
	if *mutex != "" {
		runtime.SetMutexProfileFraction(1)
		defer func() {
			if f, err := os.Create(*mutex); err == nil {
				_ = pprof.Lookup("mutex").WriteTo(f, 0)
				_ = f.Close()
			}
		}()
	}
	if *phases {
		ps := startPhaseSampler()
		defer ps.report(os.Stderr)
	}
	syncer.TuneGC() // as axctl sync does
	if *peak != "" {
		pp := startPeakProfiler(*peak)
		defer pp.Stop()
	}
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *tr != "" {
		f, err := os.Create(*tr)
		if err != nil {
			return err
		}
		if err := trace.Start(f); err != nil {
			return err
		}
		defer trace.Stop()
	}
	cfg, err := content.LoadConfig(*cfgPath)
	if err != nil {
		return err
	}
	t0 := time.Now()
	var cache *content.Cache
	if !*noCache { // as `axctl sync` does: reuse .axctl/cache beside the config
		if cache, err = content.OpenCache(filepath.Join(cfg.Dir, ".axctl", "cache"), cfg); err != nil {
			return err
		}
	}
	// As `axctl sync` does: the listing runs while the content validates.
	// Counted over the store's own transport, so connections are kept as
	// `axctl sync` keeps them.
	counter := &testutil.CountingTransport{}
	storage, err := store.Open(ctx, *target, store.OpenOptions{S3: store.S3Options{WrapTransport: func(base http.RoundTripper) http.RoundTripper {
		counter.Base = base
		return counter
	}}})
	if err != nil {
		return err
	}
	listing := syncer.Prefetch(ctx, storage)
	built, problems, err := syncer.Validate(ctx, cfg, syncer.ValidateOptions{Cache: cache})
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problems, first: %s", len(problems), problems[0])
	}
	res := syncResult{ValidateMs: ms(time.Since(t0)), Objects: built.Len()}
	if *mem != "" {
		if err := writeHeap(*mem); err != nil {
			return err
		}
	}
	if *bucketCPU != "" {
		if err := writeHeapNoGC(*bucketCPU + ".heap0"); err != nil {
			return err
		}
		f, err := os.Create(*bucketCPU)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	t1, c1 := time.Now(), cpuTime()
	rep, err := syncer.Publish(ctx, built, storage, syncer.Options{Listing: listing, MaxDeletes: -1, Concurrency: *conc})
	if err != nil {
		return err
	}
	res.BucketMs, res.BucketCPUMs = ms(time.Since(t1)), ms(cpuTime()-c1)
	if *bucketCPU != "" {
		pprof.StopCPUProfile()
		if err := writeHeapNoGC(*bucketCPU + ".heap1"); err != nil {
			return err
		}
	}
	res.Requests = counter.Counts()
	res.Uploads = map[string]int{}
	for _, a := range rep.Plan.Uploads {
		res.Uploads[string(a.Kind)]++
	}
	res.Deletes, res.Lists, res.Gets = len(rep.Plan.Deletes), rep.Lists, rep.ManifestGets
	runtime.KeepAlive(built)
	return json.NewEncoder(os.Stdout).Encode(res)
}

// writeHeapNoGC writes a heap profile (its alloc_space counts everything
// allocated so far: diff two with pprof -diff_base).
func writeHeapNoGC(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.WriteHeapProfile(f)
}

func writeHeap(path string) error {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.WriteHeapProfile(f)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cpuTime is this process's user+sys CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// putResult is what `axbench child-rawput` prints.
type putResult struct {
	Objects  int     `json:"objects"`
	PutMs    float64 `json:"putMs"`
	PutCPUMs float64 `json:"putCpuMs"` // user+sys CPU over the PUTs
}

// childRawPut is `axbench child-rawput`: the limit for a cold sync. It
// reads the objects a sync produces from a dir-store bucket (-from, written
// by `axctl sync --target file://`; bodies plus sidecars with content type,
// cache control and metadata), then PUTs them with the bare SDK,
// -concurrency at a time, and times only the PUTs.
func childRawPut(args []string) error {
	fl := flag.NewFlagSet("child-rawput", flag.ExitOnError)
	from := fl.String("from", "", "dir-store bucket")
	bucket := fl.String("bucket", "", "bucket")
	conc := fl.Int("concurrency", 16, "requests in flight")
	phases := fl.Bool("phases", false, "print each phase's wall and CPU seconds to stderr (cpu/wall: cores kept busy)")
	_ = fl.Parse(args)
	ctx := context.Background()
	if *phases {
		ps := startPhaseSampler()
		defer ps.report(os.Stderr)
	}
	type obj struct {
		key  string
		body []byte
		in   s3.PutObjectInput
	}
	var objs []obj
	meta := filepath.Join(*from, ".meta")
	err := filepath.WalkDir(*from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == meta && d.IsDir() {
			if err == nil {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(*from, p)
		key := filepath.ToSlash(rel)
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var sc struct {
			CacheControl string            `json:"cacheControl"`
			ContentType  string            `json:"contentType"`
			Metadata     map[string]string `json:"metadata"`
		}
		if b, err := os.ReadFile(filepath.Join(meta, rel+".json")); err == nil {
			if err := json.Unmarshal(b, &sc); err != nil {
				return fmt.Errorf("sidecar of %s: %w", key, err)
			}
		}
		md, err := store.EncodeMetadata(sc.Metadata)
		if err != nil {
			return err
		}
		in := s3.PutObjectInput{Bucket: aws.String(*bucket), Key: aws.String(key), Metadata: md}
		if sc.ContentType != "" {
			in.ContentType = aws.String(sc.ContentType)
		}
		if sc.CacheControl != "" {
			in.CacheControl = aws.String(sc.CacheControl)
		}
		objs = append(objs, obj{key, body, in})
		return nil
	})
	if err != nil {
		return err
	}
	client := newS3Client(os.Getenv("AXCTL_S3_ENDPOINT"), os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), nil)
	t0, c0 := time.Now(), cpuTime()
	ch := make(chan obj)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for i := 0; i < *conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range ch {
				in := o.in
				in.Body = bytes.NewReader(o.body)
				in.ContentLength = aws.Int64(int64(len(o.body)))
				if _, err := client.PutObject(ctx, &in); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("put %s: %w", o.key, err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, o := range objs {
		ch <- o
	}
	close(ch)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return json.NewEncoder(os.Stdout).Encode(putResult{Objects: len(objs), PutMs: ms(time.Since(t0)), PutCPUMs: ms(cpuTime() - c0)})
}

// childList is `axbench child-list`: a bare ListObjectsV2 scan of a bucket,
// the floor for a no-op sync's bucket phase.
func childList(args []string) error {
	fl := flag.NewFlagSet("child-list", flag.ExitOnError)
	bucket := fl.String("bucket", "", "bucket")
	_ = fl.Parse(args)
	hc, counter := testutil.NewCountingClient(nil)
	client := newS3Client(os.Getenv("AXCTL_S3_ENDPOINT"), os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), hc)
	t0 := time.Now()
	n := 0
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(*bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			return err
		}
		n += len(page.Contents)
	}
	out := struct {
		Objects  int            `json:"objects"`
		ListMs   float64        `json:"listMs"`
		Requests map[string]int `json:"requests"`
	}{n, ms(time.Since(t0)), counter.Counts()}
	return json.NewEncoder(os.Stdout).Encode(out)
}

// fmtCounts prints request counts as "LIST 10, GET 0".
func fmtCounts(m map[string]int) string {
	order := []string{testutil.OpList, testutil.OpGet, testutil.OpHead, testutil.OpPut, testutil.OpDelete, testutil.OpOther}
	var parts []string
	for _, op := range order {
		if m[op] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", op, m[op]))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
