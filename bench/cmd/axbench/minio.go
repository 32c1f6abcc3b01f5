package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/axctl/axctl/internal/testutil"
	tproc "github.com/axctl/axctl/internal/testutil/proc"
)

// minioServer is a MinIO process this program started (and stops).
type minioServer struct {
	Endpoint       string
	Access, Secret string
	cmd            *exec.Cmd
	dir            string
}

func startMinio(bin, workDir string) (*minioServer, error) {
	dir := filepath.Join(workDir, "minio")
	_ = os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	api, err := tproc.Port()
	if err != nil {
		return nil, err
	}
	console, err := tproc.Port()
	if err != nil {
		return nil, err
	}
	m := &minioServer{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", api), Access: "axbench" + randHex(6), Secret: randHex(20), dir: dir}
	cmd := exec.Command(bin, "server", filepath.Join(dir, "data"),
		"--address", fmt.Sprintf("127.0.0.1:%d", api), "--console-address", fmt.Sprintf("127.0.0.1:%d", console), "--quiet")
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+m.Access, "MINIO_ROOT_PASSWORD="+m.Secret,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_CONFIG_ENV_FILE=")
	logf, err := os.Create(filepath.Join(dir, "minio.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start minio %s: %w", bin, err)
	}
	m.cmd = cmd
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(m.Endpoint + "/minio/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return m, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	m.Stop()
	return nil, fmt.Errorf("minio not ready after 30s (log: %s)", logf.Name())
}

// Stop kills the process this program started.
func (m *minioServer) Stop() {
	if m.cmd != nil && m.cmd.Process != nil {
		_ = m.cmd.Process.Kill()
		_ = m.cmd.Wait()
	}
}

// Env is what child processes (axctl, hugo, axbench children) need.
func (m *minioServer) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + m.Access, "AWS_SECRET_ACCESS_KEY=" + m.Secret,
		"AWS_REGION=auto", "AWS_EC2_METADATA_DISABLED=true",
		"AXCTL_S3_ENDPOINT=" + m.Endpoint,
	}
}

// Client returns an S3 client on m (through hc when not nil).
func (m *minioServer) Client(hc *http.Client) *s3.Client {
	return newS3Client(m.Endpoint, m.Access, m.Secret, hc)
}

func newS3Client(endpoint, access, secret string, hc *http.Client) *s3.Client {
	o := s3.Options{
		Region:                     "auto",
		BaseEndpoint:               aws.String(endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(access, secret, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if hc != nil {
		o.HTTPClient = hc
	}
	return s3.New(o)
}

func (m *minioServer) CreateBucket(ctx context.Context, name string) error {
	_, err := m.Client(nil).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", name, err)
	}
	return nil
}

// countingProxy is a reverse proxy in front of MinIO that counts requests
// by S3 operation (for clients we cannot instrument, like hugo deploy).
type countingProxy struct {
	URL     string
	Counter *testutil.CountingTransport
	srv     *http.Server
}

func startCountingProxy(target string) (*countingProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ct := &testutil.CountingTransport{Base: http.DefaultTransport}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = ct
	// The Host header stays the proxy's: the client signed it (SigV4).
	p := &countingProxy{URL: "http://" + ln.Addr().String(), Counter: ct, srv: &http.Server{Handler: rp}}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

func (p *countingProxy) Close() { _ = p.srv.Close() }

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
