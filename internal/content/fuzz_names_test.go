package content

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
)

// FuzzCollectionNames: whatever name and route axctl.yaml gives a
// collection, LoadConfig either refuses it with a position in axctl.yaml or
// accepts a name and route that the contract allows (never reserved, one
// segment) and that the manifest builder accepts too: validate and the
// bucket layout agree on every name.
func FuzzCollectionNames(f *testing.F) {
	for _, n := range contract.ReservedNames {
		f.Add(n, "")
	}
	for _, r := range contract.ReservedRoutes {
		f.Add("blog", r)
		f.Add("blog", r+"/x")
	}
	for _, r := range []string{"/up/../x", "/.", "/docs/v2", "/Blog", "/%2e%2e", "/", "//", "/blog/", "/a b", "/é"} {
		f.Add("blog", r)
	}
	f.Add("blog", "")
	f.Add(strings.Repeat("a", 65), "")
	dir := f.TempDir()
	path := filepath.Join(dir, "axctl.yaml")
	f.Fuzz(func(t *testing.T, name, route string) {
		yaml := "collections:\n  - name: " + strconv.Quote(name) + "\n"
		if route != "" {
			yaml += "    route: " + strconv.Quote(route) + "\n"
		}
		if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := LoadConfig(path)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("LoadConfig error without a position: %v", err)
			}
			return
		}
		col := cfg.Collections[0]
		if contract.IsReservedName(col.Name) || contract.IsReservedRoute(col.Route) || !routeRe.MatchString(col.Route) || !nameRe.MatchString(col.Name) {
			t.Fatalf("accepted collection %q at route %q", col.Name, col.Route)
		}
		if _, err := manifest.Build(manifest.Site{Title: "t"}, []manifest.Collection{{Name: col.Name, Route: col.Route, Title: col.Title}}, nil, 0); err != nil {
			t.Fatalf("validate accepts %q at %q, the manifest builder refuses it: %v", col.Name, col.Route, err)
		}
	})
}
