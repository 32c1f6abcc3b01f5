package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenFile(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), "file://"+filepath.ToSlash(dir)+"/bucket", OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ds, ok := s.(*DirStore)
	if !ok || ds.Dir() != filepath.Join(dir, "bucket") {
		t.Fatalf("Open = %#v", s)
	}
	t.Chdir(dir)
	s, err = Open(context.Background(), "file://.axctl/bucket", OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.(*DirStore).Dir(); got != filepath.Join(dir, ".axctl", "bucket") {
		t.Errorf("relative dir = %q", got)
	}
}

func TestOpenS3(t *testing.T) {
	t.Setenv("AXCTL_S3_ENDPOINT", "http://127.0.0.1:1")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for target, want := range map[string]string{
		"s3://bucket":           "s3://bucket/",
		"s3://bucket/":          "s3://bucket/",
		"s3://bucket/a/b/":      "s3://bucket/a/b",
		"S3://bucket/site/prod": "s3://bucket/site/prod",
	} {
		s, err := Open(context.Background(), target, OpenOptions{})
		if err != nil {
			t.Errorf("Open(%q): %v", target, err)
			continue
		}
		if s.String() != want {
			t.Errorf("Open(%q).String() = %q, want %q", target, s.String(), want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	for target, want := range map[string]string{
		"":                    "want file://DIR",
		"bucket":              "want file://DIR",
		"http://x/y":          "unsupported scheme",
		"gs://bucket":         "unsupported scheme",
		"file://":             "empty directory",
		"file:///a?x=1":       "query",
		"s3://":               "missing bucket",
		"s3:///prefix":        "missing bucket",
		"s3://key:secret@b/p": "no credentials",
		"s3://bucket:9000/p":  "no credentials, port",
		"s3://bucket/p?x=1":   "query",
	} {
		_, err := Open(context.Background(), target, OpenOptions{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%q) = %v, want error containing %q", target, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") && !strings.Contains(target, "secret") {
			t.Errorf("error mentions a secret: %v", err)
		}
	}
}

func TestResolveEndpoint(t *testing.T) {
	t.Setenv("AXCTL_S3_ENDPOINT", "")
	t.Setenv("R2_ACCOUNT_ID", "")
	check := func(opt, want string) {
		t.Helper()
		got, err := resolveEndpoint(opt)
		if err != nil || got != want {
			t.Errorf("resolveEndpoint(%q) = %q, %v; want %q", opt, got, err, want)
		}
	}
	check("", "")
	t.Setenv("R2_ACCOUNT_ID", "abc123")
	check("", "https://abc123.r2.cloudflarestorage.com")
	t.Setenv("AXCTL_S3_ENDPOINT", "http://127.0.0.1:9000")
	check("", "http://127.0.0.1:9000")
	check("https://s3.example.com", "https://s3.example.com")
	if _, err := resolveEndpoint("127.0.0.1:9000"); err == nil {
		t.Error("endpoint without scheme: no error")
	}
}
