package content

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// assetsOfBrute is the rule assetsOf keeps, written the slow way: every
// asset of the run whose "/<key>" the HTML contains, in key order, once.
func assetsOfBrute(l *loader, html []byte) []string {
	var out []string
	for _, a := range l.assets {
		if bytes.Contains(html, []byte("/"+a.Key)) && !slices.Contains(out, a.Key) {
			out = append(out, a.Key)
		}
	}
	sort.Strings(out)
	return out
}

// loaderWithAssets records n assets as asset() does, some sharing a hash
// under another extension, some with keys that are prefixes of others'.
func loaderWithAssets(rng *rand.Rand, n int) (*loader, []string) {
	l := &loader{assets: map[string]*Asset{}}
	exts := []string{".png", ".pn", ".pngx", ".txt", ".svg", ".t"}
	var keys []string
	for i := range n {
		hash := fmt.Sprintf("%032x", rng.Uint64()%uint64(n/2+1))
		a := &Asset{Key: assetKeyPrefix + hash + exts[rng.IntN(len(exts))]}
		l.assets[fmt.Sprintf("f%d", i)] = a
		if l.byHash == nil {
			l.byHash = map[string][]*Asset{}
		}
		l.byHash[hash] = append(l.byHash[hash], a)
		keys = append(keys, a.Key)
	}
	return l, keys
}

// TestAssetsOfMatchesBruteForce: on random HTML mentioning keys of the run
// (whole, cut short, with a longer extension, in text and attributes,
// back to back, after other URLs), assetsOf lists what the brute force
// lists.
func TestAssetsOfMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 10))
	for round := range 300 {
		l, keys := loaderWithAssets(rng, 1+rng.IntN(40))
		var html bytes.Buffer
		for range rng.IntN(12) {
			k := keys[rng.IntN(len(keys))]
			switch rng.IntN(6) {
			case 0:
				fmt.Fprintf(&html, `<img src="/%s" alt="">`, k)
			case 1:
				fmt.Fprintf(&html, `<a href="/%s">x</a>/%s`, k, k)
			case 2:
				html.WriteString("/" + k[:rng.IntN(len(k))]) // cut short
			case 3:
				fmt.Fprintf(&html, "https://x.example/%sx ", k)
			case 4:
				html.WriteString("/assets//assets/" + k[len(assetKeyPrefix):])
			default:
				html.WriteString("text /assets/ and /assets")
			}
		}
		var got []string
		for _, a := range l.assetsOf(html.Bytes()) {
			got = append(got, a.Key)
		}
		if want := assetsOfBrute(l, html.Bytes()); !slices.Equal(got, want) {
			t.Fatalf("round %d, HTML %q:\n got %v\nwant %v", round, html.String(), got, want)
		}
	}
}

// TestAssetsOfReadsTheHTMLOnce: assetsOf's work does not grow with the
// assets other entries linked. It tested every asset of the run against
// each entry's HTML, allocating each key: a site of 8,000 entries with an
// asset each took 8.7 s of validate (4× per doubling). Counted here as
// allocations per call, which do not depend on the machine's load.
func TestAssetsOfReadsTheHTMLOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	l, keys := loaderWithAssets(rng, 10_000)
	html := []byte(`<p>text</p><img src="/` + keys[0] + `" alt="x">`)
	allocs := testing.AllocsPerRun(20, func() { l.assetsOf(html) })
	if allocs > 10 {
		t.Errorf("assetsOf with 10,000 assets in the run: %.0f allocations for an entry linking one; want at most 10", allocs)
	}
}
