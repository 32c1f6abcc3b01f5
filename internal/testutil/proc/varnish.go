package proc

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// Varnish is a varnishd in the foreground running a copy of the repo's
// varnish/axctl.vcl pointed at one backend port.
type Varnish struct {
	*Proc
	URL     string // http://127.0.0.1:P
	Workdir string // the -n directory, for varnishstat
}

var backendPort = regexp.MustCompile(`\.port = "\d+";`)

// StartVarnish runs varnishd with varnish/axctl.vcl from root, its backend
// set to 127.0.0.1:backend, storage "malloc,<storage>", and waits until it
// answers (a VCL that does not compile ends varnishd; WaitHTTP reports its log).
func StartVarnish(t testing.TB, root string, backend int, storage string) *Varnish {
	t.Helper()
	vcl, err := os.ReadFile(filepath.Join(root, "varnish", "axctl.vcl"))
	if err != nil {
		t.Fatal(err)
	}
	if !backendPort.Match(vcl) {
		t.Fatal("varnish/axctl.vcl: no `.port = \"N\";` line to point at the test's Worker")
	}
	// Not t.TempDir (0700): as root, varnishd reads the VCL and uses its
	// workdir as the unprivileged varnish user.
	dir, err := os.MkdirTemp("", "axctl-varnish-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	vclPath := filepath.Join(dir, "axctl.vcl")
	vcl = backendPort.ReplaceAll(vcl, []byte(fmt.Sprintf(`.port = "%d";`, backend)))
	if err := os.WriteFile(vclPath, vcl, 0o644); err != nil {
		t.Fatal(err)
	}
	port, admin := FreePort(t), FreePort(t)
	workdir := filepath.Join(dir, "n")
	p := Start(t, "varnishd", dir, nil, "varnishd", "-F",
		"-a", fmt.Sprintf("127.0.0.1:%d", port), "-T", fmt.Sprintf("127.0.0.1:%d", admin),
		"-f", vclPath, "-s", "malloc,"+storage, "-n", workdir, "-P", filepath.Join(dir, "varnishd.pid"))
	v := &Varnish{Proc: p, URL: fmt.Sprintf("http://127.0.0.1:%d", port), Workdir: workdir}
	p.WaitHTTP(t, v.URL+"/__internal/version", 30*time.Second)
	return v
}
