package content

import (
	"runtime/debug"
	"testing"
)

// TestBuildIdentity: the same clean build, installed again as a new file
// (another mtime), keeps its name, so the render cache a CI job restores
// still hits; a build whose code cannot be named by its build info falls
// back to the file's stamp; anything that changes the code changes the name.
func TestBuildIdentity(t *testing.T) {
	build := func(version, sum, revision, modified string, deps ...*debug.Module) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26.8", Path: "github.com/axctl/axctl/cmd/axctl",
			Main: debug.Module{Path: "github.com/axctl/axctl", Version: version, Sum: sum}, Deps: deps,
			Settings: []debug.BuildSetting{{Key: "-trimpath", Value: "true"}, {Key: "GOOS", Value: "linux"}}}
		if revision != "" {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: "vcs", Value: "git"},
				debug.BuildSetting{Key: "vcs.revision", Value: revision})
		}
		if modified != "" {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: "vcs.modified", Value: modified})
		}
		return bi
	}
	gm := &debug.Module{Path: "github.com/yuin/goldmark", Version: "v1.7.13", Sum: "h1:a"}
	stamp := func(s string) func() string { return func() string { return "file:" + s } }
	named := func(bi *debug.BuildInfo, ok bool, file string) string { return buildIdentity(bi, ok, stamp(file)) }

	clean := build("v0.0.0-20261203064636-3f65bca12345", "", "3f65bca", "false", gm)
	if a, b := named(clean, true, "mtime1"), named(clean, true, "mtime2"); a != b || a == "file:mtime1" {
		t.Errorf("a clean checkout's build named by its file: %q, %q", a, b)
	}
	released := build("v1.4.0", "h1:xyz", "", "", gm)
	if a, b := named(released, true, "mtime1"), named(released, true, "mtime2"); a != b || a == "file:mtime1" {
		t.Errorf("go install @v1.4.0 named by its file: %q, %q", a, b)
	}
	for name, bi := range map[string]*debug.BuildInfo{
		"modified tree":                 build("v0.0.0-20261203064636-3f65bca12345+dirty", "", "3f65bca", "true", gm),
		"no VCS, (devel)":               build("(devel)", "", "", "", gm),
		"no VCS, no version":            build("", "", "", "", gm),
		"revision, no modified setting": build("(devel)", "", "3f65bca", "", gm),
		"version without checksum":      build("v1.4.0", "", "", "", gm),
	} {
		if got := named(bi, true, "mtime1"); got != "file:mtime1" {
			t.Errorf("%s: named %q, want the file's stamp", name, got)
		}
	}
	if got := named(nil, false, "mtime1"); got != "file:mtime1" {
		t.Errorf("no build info: named %q", got)
	}
	// Whatever changes the code changes the name.
	base := named(clean, true, "f")
	for name, bi := range map[string]*debug.BuildInfo{
		"another revision": build(clean.Main.Version, "", "4a1b2c3", "false", gm),
		"another goldmark": build(clean.Main.Version, "", "3f65bca", "false", &debug.Module{Path: gm.Path, Version: "v1.7.14", Sum: "h1:b"}),
		"another released": build("v1.4.1", "h1:xyz2", "", "", gm),
		"another Go": func() *debug.BuildInfo {
			b := build(clean.Main.Version, "", "3f65bca", "false", gm)
			b.GoVersion = "go1.26.9"
			return b
		}(),
		"other build flags": func() *debug.BuildInfo {
			b := build(clean.Main.Version, "", "3f65bca", "false", gm)
			b.Settings = append(b.Settings, debug.BuildSetting{Key: "-ldflags", Value: "-X main.x=y"})
			return b
		}(),
	} {
		if got := named(bi, true, "f"); got == base || got == "file:f" {
			t.Errorf("%s: same name as the base build or the file's stamp", name)
		}
	}
}
