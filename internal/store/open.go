package store

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// OpenOptions configure the store Open returns. S3 applies to s3:// only.
type OpenOptions struct {
	S3 S3Options
}

// Open returns the store a --target URL names: file://DIR (absolute, or
// relative to the working directory as in file://.axctl/bucket) or
// s3://BUCKET[/PREFIX].
func Open(ctx context.Context, target string, opts OpenOptions) (Store, error) {
	scheme, rest, ok := strings.Cut(target, "://")
	if !ok {
		return nil, fmt.Errorf("target %q: want file://DIR or s3://BUCKET[/PREFIX]", target)
	}
	switch strings.ToLower(scheme) {
	case "file":
		dir := rest
		if strings.ContainsAny(dir, "?#") {
			return nil, fmt.Errorf("target %q: query and fragment are not allowed", target)
		}
		if dir == "" {
			return nil, fmt.Errorf("target %q: empty directory", target)
		}
		if d, err := url.PathUnescape(dir); err == nil {
			dir = d
		}
		return NewDirStore(filepath.FromSlash(dir))
	case "s3":
		u, err := url.Parse(target)
		if err != nil {
			return nil, fmt.Errorf("target %q: %w", target, err)
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Port() != "" {
			return nil, fmt.Errorf("target %q: want s3://BUCKET[/PREFIX], with no credentials, port or query", target)
		}
		if u.Host == "" {
			return nil, fmt.Errorf("target %q: missing bucket", target)
		}
		return NewS3Store(ctx, u.Host, strings.Trim(u.Path, "/"), opts.S3)
	default:
		return nil, fmt.Errorf("target %q: unsupported scheme %q (want file or s3)", target, scheme)
	}
}
