package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const testSecret = "s3cret-purge-token-7f1c"

// purgeServer records the Authorization header of every request it gets.
type purgeServer struct {
	*httptest.Server
	mu    sync.Mutex
	auths []string
}

func newPurgeServer(t *testing.T) *purgeServer {
	ps := &purgeServer{}
	ps.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ps.mu.Lock()
		ps.auths = append(ps.auths, r.Header.Get("Authorization"))
		ps.mu.Unlock()
		_, _ = w.Write([]byte(`{"purged":true}`))
	}))
	t.Cleanup(ps.Close)
	return ps
}

func (ps *purgeServer) requests() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return len(ps.auths)
}

// noSecret fails if the purge secret appears in any output.
func noSecret(t *testing.T, r result) {
	t.Helper()
	if strings.Contains(r.out+r.errOut, testSecret) {
		t.Errorf("the purge secret appears in the output:\n%s%s", r.out, r.errOut)
	}
}

// TestSyncPurgeRefusedBeforeAnyWrite: sync --purge checks where the secret
// would go before it validates or writes anything. A config URL that
// disagrees with AXCTL_PURGE_URL, an AXCTL_PURGE_URL over plain http to a
// host that is not loopback, or none at all: exit 2, the file:// target is
// never created, no request is sent, and the secret is never printed.
func TestSyncPurgeRefusedBeforeAnyWrite(t *testing.T) {
	evil := newPurgeServer(t)
	good := newPurgeServer(t)
	for _, tc := range []struct {
		name, config, env, want string
	}{
		{"config disagrees", "purge:\n  url: " + evil.URL + "\n", good.URL, "AXCTL_PURGE_URL"},
		{"baseURL disagrees", "", good.URL, "site.baseURL"},
		{"plain http", "purge:\n  url: http://site.example\n", "http://site.example", "loopback"},
		{"no env URL", "purge:\n  url: " + good.URL + "\n", "", "set AXCTL_PURGE_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTree(t)
			tr.posts(2)
			tr.write("axctl.yaml", "site:\n  title: T\n  baseURL: https://cli.example\n"+tc.config+"collections:\n  - name: blog\n  - name: docs\n    template: doc\n")
			t.Setenv("AXCTL_PURGE_SECRET", testSecret)
			t.Setenv("AXCTL_PURGE_URL", tc.env)
			dir := filepath.Join(t.TempDir(), "bucket")
			r := axctl("--config", tr.config(), "sync", "--purge", "--target", "file://"+filepath.ToSlash(dir))
			r.want(t, ExitUsage, "sync --purge with a purge URL the secret must not go to")
			if !strings.Contains(r.errOut, tc.want) {
				t.Errorf("stderr does not say %q:\n%s", tc.want, r.errOut)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("the target exists: the sync wrote before checking the purge (stat: %v)", err)
			}
			noSecret(t, r)
		})
	}
	if evil.requests()+good.requests() != 0 {
		t.Errorf("requests sent: %d to the config's URL, %d to AXCTL_PURGE_URL", evil.requests(), good.requests())
	}
}

// TestPurgeSecretGoesOnlyToEnvURL: `axctl purge` sends the bearer secret to
// AXCTL_PURGE_URL when the config agrees, and refuses (sending nothing)
// when the config or --url names another URL.
func TestPurgeSecretGoesOnlyToEnvURL(t *testing.T) {
	evil := newPurgeServer(t)
	good := newPurgeServer(t)
	tr := newTree(t)
	t.Setenv("AXCTL_PURGE_SECRET", testSecret)
	t.Setenv("AXCTL_PURGE_URL", good.URL)

	tr.write("axctl.yaml", "site:\n  title: T\n  baseURL: "+good.URL+"/\ncollections:\n  - name: blog\n")
	r := axctl("--config", tr.config(), "purge", "--tags", "site")
	r.want(t, ExitOK, "purge with the config agreeing")
	noSecret(t, r)
	if good.requests() != 1 || good.auths[0] != "Bearer "+testSecret {
		t.Fatalf("AXCTL_PURGE_URL got %q", good.auths)
	}

	r = axctl("--config", tr.config(), "purge", "--tags", "site", "--url", evil.URL)
	r.want(t, ExitUsage, "purge --url elsewhere")
	noSecret(t, r)

	tr.write("axctl.yaml", "site:\n  title: T\n  baseURL: "+good.URL+"\npurge:\n  url: "+evil.URL+"\ncollections:\n  - name: blog\n")
	r = axctl("--config", tr.config(), "purge", "--everything")
	r.want(t, ExitUsage, "purge with purge.url elsewhere")
	noSecret(t, r)
	if evil.requests() != 0 || good.requests() != 1 {
		t.Errorf("requests: %d to the other URL, %d to AXCTL_PURGE_URL (want 0 and 1)", evil.requests(), good.requests())
	}
}
