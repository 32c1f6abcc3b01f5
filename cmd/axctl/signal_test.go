package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/testutil/faultproxy"
	"github.com/axctl/axctl/internal/testutil/minio"
	"github.com/axctl/axctl/internal/testutil/proc"
)

func TestMain(m *testing.M) { os.Exit(minio.Main(m)) }

// stopBound is the product's bound (issue 13, docs/security.md):
// SIGINT or SIGTERM stops validate and sync within 2 s.
const stopBound = 2 * time.Second

// heavyEntries renders for well over 10 s on one core: each entry
// highlights a 60-line Go block (about 25 ms of chroma per entry, measured
// at 500 entries in 12 s of CPU).
const heavyEntries = 800

// oneCore keeps the heavy corpus slow on any machine: with GOMAXPROCS=1 it
// takes > 10 s however many cores there are, so the signal always lands
// during validation.
var oneCore = []string{"GOMAXPROCS=1"}

// TestSignalStopsValidate: SIGTERM one second into a validate that would
// run for more than 10 s ends it within 2 s with exit 3.
func TestSignalStopsValidate(t *testing.T) {
	bin := buildAxctl(t)
	dir := t.TempDir()
	writeConfig(t, dir)
	writeEntries(t, dir, "heavy", heavyEntries, heavyBody)
	p := proc.Start(t, "axctl validate", dir, oneCore, bin, "validate")
	time.Sleep(time.Second)
	stopAndCheck(t, p, syscall.SIGTERM)
}

// TestSignalStopsSyncBeforeManifests: SIGTERM or SIGINT during a sync's
// validation, and SIGTERM while its bodies are being written, end it within
// 2 s with exit 3 and leave the bucket's manifests byte for byte as the
// previous sync wrote them.
func TestSignalStopsSyncBeforeManifests(t *testing.T) {
	bin := buildAxctl(t)
	srv := minio.Start(t)
	srv.SetEnv(t)
	dir := t.TempDir()
	writeConfig(t, dir)
	writeEntries(t, dir, "seed", 20, lightBody)
	if out, err := exec.Command(bin, "--config", filepath.Join(dir, "axctl.yaml"), "sync", "--target", srv.Target("")).CombinedOutput(); err != nil {
		t.Fatalf("seeding sync: %v\n%s", err, out)
	}
	before := manifests(t, srv)
	if len(before) < 3 {
		t.Fatalf("the seeding sync wrote %d manifests, want site, index and a shard", len(before))
	}

	t.Run("during validation", func(t *testing.T) {
		writeEntries(t, dir, "heavy", heavyEntries, heavyBody)
		defer removeEntries(t, dir, "heavy")
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
			p := proc.Start(t, "axctl sync", dir, oneCore, bin, "sync", "--no-cache", "--target", srv.Target(""))
			time.Sleep(time.Second)
			stopAndCheck(t, p, sig)
			sameManifests(t, before, manifests(t, srv))
		}
	})

	t.Run("while writing bodies", func(t *testing.T) {
		// Every request waits 100 ms in the proxy: 300 bodies at two in
		// flight take 15 s, so the signal lands while bodies are written.
		proxy := faultproxy.Start(t, srv.Endpoint, faultproxy.Config{Seed: 1, Rate: 1, Faults: []faultproxy.Fault{faultproxy.Stall}, StallFor: 100 * time.Millisecond})
		const n = 300
		writeEntries(t, dir, "light", n, lightBody)
		seeded := countEntries(t, srv)
		p := proc.Start(t, "axctl sync", dir, []string{"AXCTL_S3_ENDPOINT=" + proxy.URL}, bin, "sync", "--no-cache", "--concurrency", "2", "--target", srv.Target(""))
		deadline := time.Now().Add(60 * time.Second)
		for countEntries(t, srv) == seeded {
			if time.Now().After(deadline) {
				t.Fatalf("no body written within 60 s:\n%s", p.Out)
			}
			time.Sleep(20 * time.Millisecond)
		}
		stopAndCheck(t, p, syscall.SIGTERM)
		sameManifests(t, before, manifests(t, srv))
		if got := countEntries(t, srv); got >= seeded+n {
			t.Errorf("all %d bodies were written: the signal did not land during the writes", n)
		} else {
			t.Logf("%d of %d new bodies written before the signal stopped the sync", got-seeded, n)
		}
	})
}

// stopAndCheck signals p and asserts it exits 3 within stopBound, saying so
// in its message.
func stopAndCheck(t *testing.T, p *proc.Proc, sig syscall.Signal) {
	t.Helper()
	select {
	case <-p.Done:
		t.Fatalf("%s ended before the signal (%v): the corpus is too small to test stopping\n%s", p.Name, p.Err, p.Out)
	default:
	}
	start := time.Now()
	if err := p.Cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s still running 30 s after %v", p.Name, sig)
	}
	took := time.Since(start)
	t.Logf("%s stopped %v after %v", p.Name, took.Round(time.Millisecond), sig)
	if took > stopBound {
		t.Errorf("%s took %v to stop after %v; the bound is %v", p.Name, took, sig, stopBound)
	}
	if code := p.Cmd.ProcessState.ExitCode(); code != 3 {
		t.Errorf("%s exit code after %v = %d, want 3\n%s", p.Name, sig, code, p.Out)
	}
	if !strings.Contains(p.Out.String(), "interrupted") {
		t.Errorf("%s output does not say it was interrupted:\n%s", p.Name, p.Out)
	}
}

func buildAxctl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "axctl")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func writeConfig(t *testing.T, dir string) {
	t.Helper()
	cfg := "collections:\n  - name: blog\n    template: post\n"
	if err := os.WriteFile(filepath.Join(dir, "axctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
}

var heavyBody = func() string {
	var b strings.Builder
	b.WriteString("Highlighted code.\n\n```go\n")
	for i := range 60 {
		fmt.Fprintf(&b, "func f%d(x int) int { return x*%d + len(\"s%d\") } // %d\n", i, i, i, i)
	}
	b.WriteString("```\n")
	return b.String()
}()

const lightBody = "A short entry.\n"

// writeEntries writes n entries content/blog/<group>/eNNNNN.md.
func writeEntries(t *testing.T, dir, group string, n int, body string) {
	t.Helper()
	d := filepath.Join(dir, "content", "blog", group)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		src := fmt.Sprintf("---\ntitle: %s %d\ndate: 2026-01-01T00:00:00Z\nfeatures: {syntax: [code]}\n---\n%s", group, i, body)
		if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("e%05d.md", i)), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func removeEntries(t *testing.T, dir, group string) {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(dir, "content", "blog", group)); err != nil {
		t.Fatal(err)
	}
}

// manifests reads every manifest of the bucket: the metadata/ objects
// except those named after a reserved name other than site (the sync lease,
// metadata/lease.json, is a lock, not a manifest).
func manifests(t *testing.T, srv *minio.Server) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	c := srv.Client()
	out := map[string][]byte{}
	for _, key := range listKeys(t, srv, "metadata/") {
		if name := strings.TrimSuffix(strings.TrimPrefix(key, "metadata/"), ".json"); name != "site" && contract.IsReservedName(name) {
			continue
		}
		obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(srv.Bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(obj.Body)
		obj.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[key] = body
	}
	return out
}

func sameManifests(t *testing.T, before, after map[string][]byte) {
	t.Helper()
	for k, b := range before {
		if !bytes.Equal(b, after[k]) {
			t.Errorf("manifest %s changed after the interrupted sync", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("manifest %s appeared after the interrupted sync", k)
		}
	}
}

func countEntries(t *testing.T, srv *minio.Server) int {
	return len(listKeys(t, srv, "entries/"))
}

func listKeys(t *testing.T, srv *minio.Server, prefix string) []string {
	t.Helper()
	p := s3.NewListObjectsV2Paginator(srv.Client(), &s3.ListObjectsV2Input{Bucket: aws.String(srv.Bucket), Prefix: aws.String(prefix)})
	var keys []string
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}
