// Package purge drops cached responses by Cache-Tag: through the Worker's
// own purge route (Workers Cache), the Cloudflare API (a zone cache), or an
// HTTP cache that understands PURGE with xkey (Varnish, for local tests).
package purge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Purger drops cached responses.
type Purger interface {
	// Purge drops every response carrying one of tags, or everything.
	Purge(ctx context.Context, tags []string, everything bool) error
	String() string
}

// Retry bounds how purge calls retry on rate limits and server errors.
type Retry struct {
	Attempts int           // total tries; default 5
	Base     time.Duration // first backoff; default 1s, doubled each time
	Sleep    func(context.Context, time.Duration) error
}

func (r Retry) norm() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 5
	}
	if r.Base <= 0 {
		r.Base = time.Second
	}
	if r.Sleep == nil {
		r.Sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	return r
}

// do sends the request built by mk, retrying 429 and 5xx with backoff
// (honouring Retry-After), and returns the final response body.
func do(ctx context.Context, c *http.Client, r Retry, mk func() (*http.Request, error)) ([]byte, error) {
	r = r.norm()
	c = noRedirects(c)
	var last error
	for attempt := 0; attempt < r.Attempts; attempt++ {
		req, err := mk()
		if err != nil {
			return nil, err
		}
		resp, err := c.Do(req.WithContext(ctx))
		wait := r.Base << attempt
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			switch {
			case resp.StatusCode < 300:
				return body, nil
			case resp.StatusCode < 400:
				return nil, fmt.Errorf("%s %s: %s to %q: purge requests do not follow redirects; set the URL they end at", req.Method, redact(req), resp.Status, resp.Header.Get("Location"))
			case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
				last = fmt.Errorf("%s %s: %s", req.Method, redact(req), resp.Status)
				if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
					wait = time.Duration(s) * time.Second
				}
			default:
				return nil, fmt.Errorf("%s %s: %s: %s", req.Method, redact(req), resp.Status, snippet(body))
			}
		} else {
			last = err
		}
		if attempt+1 < r.Attempts {
			if err := r.Sleep(ctx, wait); err != nil {
				return nil, err
			}
		}
	}
	return nil, fmt.Errorf("gave up after %d attempts: %w", r.Attempts, last)
}

// postJSON POSTs payload as JSON with a bearer token, retrying as do does.
func postJSON(ctx context.Context, c *http.Client, r Retry, url, token string, payload any) ([]byte, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	out, err := do(ctx, c, r, func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		return req, nil
	})
	return out, scrub(err, token)
}

// redact names a request's URL without query strings (never secrets).
func redact(req *http.Request) string {
	u := *req.URL
	u.RawQuery, u.User = "", nil
	return u.String()
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// Worker purges through the Worker's POST /__internal/purge route, which
// calls ctx.cache.purge (Workers Cache).
type Worker struct {
	URL    string // the site's base URL
	Secret string // AXCTL_PURGE_SECRET; sent as a bearer token, never logged
	Client *http.Client
	Retry  Retry
}

func (w *Worker) String() string {
	return "worker " + strings.TrimRight(w.URL, "/") + "/__internal/purge"
}

// Purge implements Purger.
func (w *Worker) Purge(ctx context.Context, tags []string, everything bool) error {
	if w.Secret == "" {
		return errors.New("purge via worker: AXCTL_PURGE_SECRET is not set")
	}
	if err := CheckEndpoint(w.URL); err != nil {
		return fmt.Errorf("purge via worker: %w", err)
	}
	payload := map[string]any{"tags": tags}
	if everything {
		payload = map[string]any{"everything": true}
	}
	for _, batch := range batches(tags, everything, 1000) {
		if !everything {
			payload["tags"] = batch
		}
		_, err := postJSON(ctx, w.Client, w.Retry, strings.TrimRight(w.URL, "/")+"/__internal/purge", w.Secret, payload)
		if err != nil {
			return fmt.Errorf("purge via worker: %w", err)
		}
	}
	return nil
}

// Zone purges a zone's cache through the Cloudflare API, by tag in batches
// of at most 100 (the per-request limit on every plan).
type Zone struct {
	API    string // default https://api.cloudflare.com/client/v4
	ZoneID string // CLOUDFLARE_ZONE_ID
	Token  string // CLOUDFLARE_API_TOKEN; never logged
	Client *http.Client
	Retry  Retry
}

func (z *Zone) String() string { return "zone " + z.ZoneID }

// Purge implements Purger.
func (z *Zone) Purge(ctx context.Context, tags []string, everything bool) error {
	if z.Token == "" || z.ZoneID == "" {
		return errors.New("purge via zone: CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID must be set")
	}
	api := z.API
	if api == "" {
		api = CloudflareAPI
	}
	if err := checkZoneAPI(api); err != nil {
		return fmt.Errorf("purge via zone: %w", err)
	}
	url := strings.TrimRight(api, "/") + "/zones/" + z.ZoneID + "/purge_cache"
	for _, batch := range batches(tags, everything, 100) {
		payload := map[string]any{"tags": batch}
		if everything {
			payload = map[string]any{"purge_everything": true}
		}
		resp, err := postJSON(ctx, z.Client, z.Retry, url, z.Token, payload)
		if err != nil {
			return fmt.Errorf("purge via zone: %w", err)
		}
		var out struct {
			Success bool `json:"success"`
			Errors  []struct {
				Message string `json:"message"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(resp, &out); err != nil || !out.Success {
			return fmt.Errorf("purge via zone: API answered %s", snippet(resp))
		}
	}
	return nil
}

// XKey purges an HTTP cache that answers PURGE requests carrying an
// xkey-purge header (Varnish with vmod xkey). Used by the local end-to-end
// tests; production uses Worker or Zone.
type XKey struct {
	URL    string
	Client *http.Client
	Retry  Retry
}

func (x *XKey) String() string { return "xkey " + x.URL }

// Purge implements Purger.
func (x *XKey) Purge(ctx context.Context, tags []string, everything bool) error {
	if everything {
		tags = []string{"site", "a"}
	}
	for _, batch := range batches(tags, false, 100) {
		_, err := do(ctx, x.Client, x.Retry, func() (*http.Request, error) {
			req, err := http.NewRequest("PURGE", x.URL, nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set("xkey-purge", strings.Join(batch, " "))
			return req, nil
		})
		if err != nil {
			return fmt.Errorf("purge via xkey: %w", err)
		}
	}
	return nil
}

func batches(tags []string, everything bool, n int) [][]string {
	if everything {
		return [][]string{nil}
	}
	var out [][]string
	for len(tags) > 0 {
		k := min(n, len(tags))
		out = append(out, tags[:k])
		tags = tags[k:]
	}
	return out
}
