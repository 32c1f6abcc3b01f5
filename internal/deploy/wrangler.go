package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/axctl/axctl/internal/scaffold"
)

// WorkerConfig is what deploy needs from wrangler.jsonc.
type WorkerConfig struct {
	Path      string `json:"-"`
	Name      string `json:"name"`
	R2Buckets []struct {
		Binding    string `json:"binding"`
		BucketName string `json:"bucket_name"`
	} `json:"r2_buckets"`
	Cache *struct {
		Enabled           bool `json:"enabled"`
		CrossVersionCache bool `json:"cross_version_cache"`
	} `json:"cache"`
}

// ReadWorkerConfig reads dir/wrangler.jsonc (or wrangler.json).
func ReadWorkerConfig(dir string) (*WorkerConfig, error) {
	var data []byte
	var name string
	var err error
	for _, n := range []string{"wrangler.jsonc", "wrangler.json"} {
		name = filepath.Join(dir, n)
		if data, err = os.ReadFile(name); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read the Worker's config: %w", err)
	}
	c := &WorkerConfig{Path: name}
	if err := json.Unmarshal(StripJSONC(data), c); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if c.Name == "" {
		return nil, fmt.Errorf("%s: no \"name\": set the Worker's name", name)
	}
	return c, nil
}

// CheckPlaceholders refuses a Worker or bucket name left as the scaffold's.
func (c *WorkerConfig) CheckPlaceholders() error {
	if err := scaffold.CheckName("Worker name", c.Name, c.Path); err != nil {
		return err
	}
	for _, b := range c.R2Buckets {
		if err := scaffold.CheckName("R2 bucket_name", b.BucketName, c.Path); err != nil {
			return err
		}
	}
	return nil
}

// versionedCache reports whether the cache in front is Workers Cache keyed
// by Worker version, so that a new version starts with an empty cache.
func (c *WorkerConfig) versionedCache() bool {
	return c.Cache != nil && c.Cache.Enabled && !c.Cache.CrossVersionCache
}

// StripJSONC turns JSON with comments and trailing commas (wrangler.jsonc)
// into plain JSON. Strings are copied verbatim, so "https://x" survives.
func StripJSONC(in []byte) []byte {
	var out bytes.Buffer
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(in) && in[j] != '"' {
				if in[j] == '\\' {
					j++
				}
				j++
			}
			end := min(j+1, len(in))
			out.Write(in[i:end])
			i = end - 1
		case c == '/' && i+1 < len(in) && in[i+1] == '/':
			for i < len(in) && in[i] != '\n' {
				i++
			}
			out.WriteByte('\n')
		case c == '/' && i+1 < len(in) && in[i+1] == '*':
			end := bytes.Index(in[i+2:], []byte("*/"))
			if end < 0 {
				i = len(in)
			} else {
				i += end + 3
			}
			out.WriteByte(' ')
		case c == ',' && nextSignificant(in, i+1, ']', '}'):
			out.WriteByte(' ')
		default:
			out.WriteByte(c)
		}
	}
	return out.Bytes()
}

// nextSignificant reports whether the next byte after i that is not space
// or a comment is one of closers.
func nextSignificant(in []byte, i int, closers ...byte) bool {
	for i < len(in) {
		switch {
		case in[i] == ' ' || in[i] == '\t' || in[i] == '\n' || in[i] == '\r':
			i++
		case bytes.HasPrefix(in[i:], []byte("//")):
			for i < len(in) && in[i] != '\n' {
				i++
			}
		case bytes.HasPrefix(in[i:], []byte("/*")):
			end := bytes.Index(in[i+2:], []byte("*/"))
			if end < 0 {
				return false
			}
			i += end + 4
		default:
			return bytes.IndexByte(closers, in[i]) >= 0
		}
	}
	return false
}
