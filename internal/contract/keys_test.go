package contract_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/contract"
)

// TestWorkerKeysMatch: the Worker's key functions (contract.js, run in
// node) give the keys Go gives, for random collection names, slugs and
// shard numbers drawn from the contract's own patterns.
func TestWorkerKeysMatch(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is needed to run the Worker's contract.js (make tools)")
	}
	r := rand.New(rand.NewPCG(14, 14))
	const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	word := func(n int, extra string) string {
		var b strings.Builder
		b.WriteByte(alnum[r.IntN(len(alnum))])
		for range r.IntN(n) {
			s := alnum + extra
			b.WriteByte(s[r.IntN(len(s))])
		}
		return b.String()
	}
	type input struct {
		Collection, Slug, Asset string
		Shard                   int
	}
	var in []input
	for range 300 {
		slug := word(12, "-")
		for range r.IntN(3) {
			slug += "/" + word(8, "-")
		}
		in = append(in, input{word(20, "-"), slug, fmt.Sprintf("%032x.%s", r.Uint64(), word(4, "")), []int{0, 9, 10, 9999, 10000, 123456}[r.IntN(6)] + r.IntN(3)})
	}
	var want [][11]string
	for _, x := range in {
		if !regexpMatch(contract.NamePattern, x.Collection) || !regexpMatch(contract.SlugPattern, x.Slug) {
			t.Fatalf("generator made %q %q outside the contract's patterns", x.Collection, x.Slug)
		}
		want = append(want, [11]string{contract.EntryKey(x.Collection, x.Slug), contract.AssetKey(x.Asset), contract.IndexKey(x.Collection), contract.ShardKey(x.Collection, x.Shard),
			contract.TagChunkKey(x.Collection, x.Shard), contract.TagsPageKey(x.Shard), contract.SitemapChunkKey(x.Collection, x.Shard),
			contract.CollectionTag(x.Collection), contract.ManifestTag(x.Collection), contract.EntryTag(x.Collection, x.Slug), contract.TagPageTag(x.Slug)})
		for _, k := range []struct {
			pattern, key string
		}{
			{contract.ManifestKeyPattern, contract.IndexKey(x.Collection)},
			{contract.ManifestKeyPattern, contract.ShardKey(x.Collection, x.Shard)},
			{contract.ShardKeyPattern, contract.ShardKey(x.Collection, x.Shard)},
			{contract.TopManifestKeyPattern, contract.IndexKey(x.Collection)},
			{contract.TagChunkKeyPattern, contract.TagChunkKey(x.Collection, x.Shard)},
			{contract.TagsPageKeyPattern, contract.TagsPageKey(x.Shard)},
			{contract.SitemapChunkKeyPattern, contract.SitemapChunkKey(x.Collection, x.Shard)},
		} {
			if !regexpMatch(k.pattern, k.key) {
				t.Errorf("%q does not match %s", k.key, k.pattern)
			}
		}
	}
	src, _ := json.Marshal(in)
	abs, err := filepath.Abs("../../worker/src/contract.js")
	if err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`import * as c from %q;
const inputs = %s;
console.log(JSON.stringify(inputs.map((x) => [c.entryKey(x.Collection, x.Slug), c.assetKey(x.Asset), c.indexKey(x.Collection), c.shardKey(x.Collection, x.Shard),
  c.tagChunkKey(x.Collection, x.Shard), c.tagsPageKey(x.Shard), c.sitemapChunkKey(x.Collection, x.Shard),
  c.collectionTag(x.Collection), c.manifestTag(x.Collection), c.entryTag(x.Collection, x.Slug), c.tagPageTag(x.Slug)])));`,
		"file://"+filepath.ToSlash(abs), src)
	out, err := exec.Command(node, "--input-type=module", "-e", script).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got [][11]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node printed %q: %v", out, err)
	}
	if len(got) != len(want) {
		t.Fatalf("node gave %d keys, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("input %+v: Worker %q, Go %q", in[i], got[i], want[i])
		}
	}
	for _, x := range in {
		c, s, ok := contract.ParseEntryKey(contract.EntryKey(x.Collection, x.Slug))
		if !ok || c != x.Collection || s != x.Slug {
			t.Errorf("ParseEntryKey(EntryKey(%q, %q)) = %q, %q, %v", x.Collection, x.Slug, c, s, ok)
		}
	}
	for _, k := range []string{"entries/x.html", "entries//a.html", "entries/c/.html", "assets/a.png", "entries/c/a.json"} {
		if _, _, ok := contract.ParseEntryKey(k); ok {
			t.Errorf("ParseEntryKey(%q) accepted it", k)
		}
	}
	if got := contract.SiteKey; got != "metadata/site.json" {
		t.Errorf("SiteKey = %q", got)
	}
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }
