package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// verify polls /__internal/version until it answers the new build id. Old
// isolates and edge locations keep answering the previous build for a
// while after a deploy; this waits them out, up to Timeout.
func (d *deployment) verify(ctx context.Context) (string, error) {
	return d.poll(ctx, d.BuildID, "")
}

// poll asks /__internal/version until it answers want. A non-empty
// override is sent as the Cloudflare-Workers-Version-Overrides header, to
// reach one version of a split (or of a 0% stage) whatever the percentages.
func (d *deployment) poll(ctx context.Context, want, override string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	url := d.versionURL()
	start := d.Now()
	polls := 0
	last := ""
	for {
		polls++
		got, err := d.fetchBuild(ctx, url, override)
		if err == nil && got == want {
			how := ""
			if override != "" {
				how = " (" + OverrideHeader + ": " + override + ")"
			}
			return fmt.Sprintf("%s answers build %q after %d poll(s)%s", url, got, polls, how), nil
		}
		seen := fmt.Sprintf("build %q", got)
		switch {
		case err != nil && ctx.Err() != nil && last != "":
			seen = last // our own deadline cut this poll short: report what the site last answered
		case err != nil:
			seen = err.Error()
		}
		if seen != last {
			fmt.Fprintf(d.Out, "deploy: verify %s answers %s; waiting for %q\n", url, seen, want)
			last = seen
		}
		select {
		case <-ctx.Done():
			if ctx.Err() == context.DeadlineExceeded {
				return "", fmt.Errorf("%s still answers %s, not build %q, after %s (%d polls); "+
					"the deploy step succeeded, so the new version may still be propagating — rerun to poll again, or raise --timeout",
					url, seen, want, d.Now().Sub(start).Round(time.Second), polls)
			}
			return "", ctx.Err()
		case <-time.After(d.Interval):
		}
	}
}

func (d *deployment) fetchBuild(ctx context.Context, url, override string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Cache-Control", "no-cache")
	if override != "" {
		req.Header.Set(OverrideHeader, override)
	}
	resp, err := d.Client.Do(req)
	if err != nil {
		return "", fmt.Errorf("GET failed: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("read answer: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var v struct {
		Build string `json:"build"`
	}
	if err := json.Unmarshal(body, &v); err != nil || v.Build == "" {
		return "", fmt.Errorf("an answer without a \"build\" field (is this the axctl Worker?)")
	}
	return v.Build, nil
}
