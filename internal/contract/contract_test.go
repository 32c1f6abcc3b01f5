package contract_test

import (
	"bytes"
	"os"
	"regexp"
	"testing"

	"github.com/axctl/axctl/internal/contract"
)

func TestGeneratedWorkerContract(t *testing.T) {
	got, err := os.ReadFile("../../worker/src/contract.js")
	if err != nil {
		t.Fatal(err)
	}
	want, err := contract.WorkerJS()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("worker/src/contract.js is stale: run `go generate ./internal/contract`")
	}
}

func TestPatternsCompile(t *testing.T) {
	for _, p := range []string{contract.NamePattern, contract.RoutePattern, contract.SlugPattern, contract.AssetExtPattern, contract.AssetNamePattern} {
		regexp.MustCompile(p)
	}
}

func TestReserved(t *testing.T) {
	for route, want := range map[string]bool{
		"/assets": true, "/assets/x": true, "/assetsx": false, "/tags": true, "/__internal": true,
		"/blog": false, "/search": true, "/static/css": true,
	} {
		if got := contract.IsReservedRoute(route); got != want {
			t.Errorf("IsReservedRoute(%q) = %v, want %v", route, got, want)
		}
	}
	if !contract.IsReservedName("site") || contract.IsReservedName("blog") {
		t.Error("IsReservedName: site must be reserved, blog not")
	}
}
