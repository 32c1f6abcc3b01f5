package cli

import (
	"strings"
	"testing"
)

// TestConfigS3EndpointCannotTakeTheKeys: axctl.yaml is content, and every
// request to its s3.endpoint is signed with the environment's access key.
// An endpoint that disagrees with the environment's (R2_ACCOUNT_ID,
// AXCTL_S3_ENDPOINT), or names a host that is not loopback when the
// environment names none, is refused with exit 2 before any request: the
// server the config names never sees the key. On the code before, the
// config's endpoint won over R2_ACCOUNT_ID and got every signed request.
func TestConfigS3EndpointCannotTakeTheKeys(t *testing.T) {
	const keyID = "AKIDCONFIGENDPOINT7"
	for _, tc := range []struct {
		name     string
		config   func(evil string) string
		env      map[string]string
		want     string
		reaches  bool
		wantCode int
	}{
		{"config against R2_ACCOUNT_ID", func(evil string) string { return evil },
			map[string]string{"R2_ACCOUNT_ID": "acct0123"}, "environment's endpoint (R2_ACCOUNT_ID)", false, ExitUsage},
		{"config against AXCTL_S3_ENDPOINT", func(evil string) string { return evil },
			map[string]string{"AXCTL_S3_ENDPOINT": "https://s3.example"}, "environment's endpoint (AXCTL_S3_ENDPOINT)", false, ExitUsage},
		{"config against AWS_ENDPOINT_URL", func(evil string) string { return evil },
			map[string]string{"AWS_ENDPOINT_URL": "https://s3.example"}, "environment's endpoint (AWS_ENDPOINT_URL)", false, ExitUsage},
		{"env endpoint with user information", func(evil string) string { return evil },
			map[string]string{"AXCTL_S3_ENDPOINT": "https://user:pw-in-env@s3.example"}, `is "https://user:xxxxx@s3.example"`, false, ExitUsage},
		{"no env, not loopback", func(string) string { return "https://s3.evil.example" },
			nil, "may name only a loopback S3 server", false, ExitUsage},
		{"agrees with AXCTL_S3_ENDPOINT", func(evil string) string { return evil + "/" },
			map[string]string{"AXCTL_S3_ENDPOINT": "SAME"}, "", true, ExitOK},
		{"no env, loopback", func(evil string) string { return evil },
			nil, "", true, ExitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evil := newPurgeServer(t) // records the Authorization of every request
			for _, k := range []string{"AXCTL_S3_ENDPOINT", "R2_ACCOUNT_ID", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"} {
				t.Setenv(k, "")
			}
			for k, v := range tc.env {
				if v == "SAME" {
					v = evil.URL
				}
				t.Setenv(k, v)
			}
			t.Setenv("AWS_ACCESS_KEY_ID", keyID)
			t.Setenv("AWS_SECRET_ACCESS_KEY", "secret-config-endpoint")
			t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			tr := newTree(t)
			tr.posts(1)
			tr.write("axctl.yaml", "s3:\n  endpoint: "+tc.config(evil.URL)+"\ncollections:\n  - name: blog\n")
			r := axctl("--config", tr.config(), "sync", "--target", "s3://bucket")
			r.want(t, tc.wantCode, "sync with s3.endpoint from axctl.yaml")
			evil.mu.Lock()
			got := append([]string(nil), evil.auths...)
			evil.mu.Unlock()
			if tc.reaches {
				if len(got) == 0 || !strings.Contains(got[0], keyID) {
					t.Errorf("the agreed endpoint got %d requests (%q), want signed ones", len(got), got)
				}
				return
			}
			if strings.Contains(r.out+r.errOut, "pw-in-env") {
				t.Errorf("the environment's endpoint password is in the output:\n%s", r.errOut)
			}
			if !strings.Contains(r.errOut, tc.want) {
				t.Errorf("stderr does not say %q:\n%s", tc.want, r.errOut)
			}
			if len(got) > 0 {
				t.Errorf("the config's endpoint got %d requests, the first signed %q", len(got), got[0])
			}
		})
	}
}
