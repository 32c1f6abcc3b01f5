// Package minio runs a real MinIO server for tests: one process per test
// binary on 127.0.0.1, a fresh bucket per Start call.
//
// The binary comes from $AXCTL_MINIO_BIN, else ~/.cache/axctl/bin/minio
// (installed by `make tools` / .ci/run). A missing binary fails the test:
// S3 tests must run, not skip.
//
// Stop the server when the tests are done:
//
//	func TestMain(m *testing.M) { os.Exit(minio.Main(m)) }
//
// Without that, the process is still killed when the test binary exits
// (parent-death signal on Linux), but its temp directory stays behind.
package minio

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/axctl/axctl/internal/testutil/proc"
)

// Server is one test's view of the shared MinIO: its endpoint, root
// credentials and a bucket of its own.
type Server struct {
	Endpoint  string // http://127.0.0.1:PORT
	AccessKey string
	SecretKey string
	Bucket    string
}

// process is the shared MinIO process.
type process struct {
	endpoint, access, secret string
	dir                      string
	cmd                      *exec.Cmd
	exited                   chan error // receives cmd.Wait's result once
	logs                     *tailBuffer
}

var (
	once     sync.Once
	shared   *process
	startErr error
	buckets  atomic.Int64
)

// Bin returns the path of the MinIO binary the harness runs.
func Bin() string {
	if p := os.Getenv("AXCTL_MINIO_BIN"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "minio"
	}
	return filepath.Join(home, ".cache", "axctl", "bin", "minio")
}

// Start returns the shared server (starting it on first use) with a new,
// empty bucket for this test.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Bin()
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("minio not installed: run `make tools` (looked for %s; set AXCTL_MINIO_BIN to override)", bin)
	}
	once.Do(func() { shared, startErr = startProcess(bin) })
	if startErr != nil {
		t.Fatalf("start minio: %v", startErr)
	}
	s := &Server{Endpoint: shared.endpoint, AccessKey: shared.access, SecretKey: shared.secret}
	s.Bucket = bucketName(t.Name())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s.Bucket)}); err != nil {
		t.Fatalf("create bucket %q: %v\nminio log:\n%s", s.Bucket, err, shared.logs)
	}
	return s
}

// Main runs the tests, then stops the shared server. Use it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	Stop()
	return code
}

// Stop kills the shared server and removes its data. Safe to call when it
// never started.
func Stop() {
	if shared == nil || shared.cmd == nil {
		return
	}
	_ = shared.cmd.Process.Kill()
	select {
	case <-shared.exited:
	case <-time.After(10 * time.Second):
	}
	_ = os.RemoveAll(shared.dir)
	shared.cmd = nil
}

// Credentials returns a static provider for the root user.
func (s *Server) Credentials() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, "")
}

// Client returns a plain SDK client for the server (for setup and checks
// that should not go through the code under test).
func (s *Server) Client() *s3.Client {
	return s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		Credentials:  s.Credentials(),
	})
}

// Target returns the sync target URL of the test's bucket, with an
// optional prefix.
func (s *Server) Target(prefix string) string {
	if prefix == "" {
		return "s3://" + s.Bucket
	}
	return "s3://" + s.Bucket + "/" + strings.Trim(prefix, "/")
}

// SetEnv points the standard AWS chain and AXCTL_S3_ENDPOINT at this server
// for the rest of the test (t.Setenv: not for parallel tests), and keeps the
// SDK away from the user's profiles and from instance metadata.
func (s *Server) SetEnv(t testing.TB) {
	t.Helper()
	for k, v := range map[string]string{
		"AXCTL_S3_ENDPOINT":           s.Endpoint,
		"AWS_ACCESS_KEY_ID":           s.AccessKey,
		"AWS_SECRET_ACCESS_KEY":       s.SecretKey,
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_REGION":                  "",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_S3":         "",
		"R2_ACCOUNT_ID":               "",
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
}

var nonBucket = regexp.MustCompile(`[^a-z0-9-]+`)

// bucketName makes a valid, unique bucket name from a test name.
func bucketName(test string) string {
	n := buckets.Add(1)
	name := fmt.Sprintf("t%d-%s", n, nonBucket.ReplaceAllString(strings.ToLower(test), "-"))
	if len(name) > 63 {
		name = name[:63]
	}
	return strings.TrimRight(name, "-")
}

func startProcess(bin string) (*process, error) {
	dir, err := os.MkdirTemp("", "axctl-minio-")
	if err != nil {
		return nil, err
	}
	apiPort, err := proc.Port()
	if err != nil {
		return nil, err
	}
	consolePort, err := proc.Port()
	if err != nil {
		return nil, err
	}
	p := &process{
		endpoint: fmt.Sprintf("http://127.0.0.1:%d", apiPort),
		access:   "axctl" + randomHex(8),
		secret:   randomHex(20),
		dir:      dir,
		logs:     &tailBuffer{max: 16 << 10},
	}
	cmd := exec.Command(bin, "server", filepath.Join(dir, "data"),
		"--address", fmt.Sprintf("127.0.0.1:%d", apiPort),
		"--console-address", fmt.Sprintf("127.0.0.1:%d", consolePort),
		"--quiet")
	cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER="+p.access,
		"MINIO_ROOT_PASSWORD="+p.secret,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
		"MINIO_CONFIG_ENV_FILE=",
	)
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("run %s: %w", bin, err)
	}
	p.cmd = cmd
	p.exited = make(chan error, 1)
	go func() { p.exited <- cmd.Wait() }()
	if err := waitReady(p.endpoint, p.exited); err != nil {
		_ = cmd.Process.Kill()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%w\nminio log:\n%s", err, p.logs)
	}
	return p, nil
}

// waitReady polls the readiness endpoint for up to 30 s.
func waitReady(endpoint string, exited <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("minio exited before it was ready: %v", err)
		default:
		}
		resp, err := client.Get(endpoint + "/minio/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("minio not ready after 30s")
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// tailBuffer keeps the last max bytes written, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (w *tailBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b = append(w.b, p...)
	if over := len(w.b) - w.max; over > 0 {
		w.b = w.b[over:]
	}
	return len(p), nil
}

func (w *tailBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.b)
}
