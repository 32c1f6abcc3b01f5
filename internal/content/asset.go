package content

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/axctl/axctl/internal/contract"
)

var assetExtRe = regexp.MustCompile(contract.AssetExtPattern)

// activeExts are attachment types a browser can run script from (or that
// exist to be loaded as one); the site never needs them as assets, and served
// from the site's own origin they would be stored cross-site scripting. PDF
// can carry JavaScript too but is commonly needed: it stays allowed, and the
// Worker's sandbox CSP is its defense.
var activeExts = map[string]bool{
	".html": true, ".htm": true, ".shtml": true, ".xhtml": true, ".xht": true, ".mht": true, ".mhtml": true,
	".xml": true, ".xsl": true, ".xslt": true, ".rss": true, ".atom": true, ".rdf": true,
	".js": true, ".mjs": true, ".cjs": true, ".jsx": true, ".vbs": true, ".hta": true,
	".svgz": true, ".swf": true, ".wasm": true, ".appcache": true,
}

// textExts may hold markup and still be served as what they are.
var textExts = map[string]bool{".txt": true, ".csv": true, ".tsv": true}

// activeType reports whether a media type is one a browser renders as a
// document or runs as script.
func activeType(ct string) bool {
	ct, _, _ = strings.Cut(strings.ToLower(ct), ";")
	return ct == "text/html" || ct == "application/xhtml+xml" || strings.HasSuffix(ct, "/xml") ||
		strings.HasSuffix(ct, "+xml") && ct != "image/svg+xml" || strings.Contains(ct, "javascript") ||
		strings.Contains(ct, "ecmascript") || ct == "application/x-shockwave-flash"
}

// assetExt returns the key extension of a linked file, or why it cannot be
// an asset: the Worker serves only keys matching contract.AssetExtPattern,
// and types that can carry script are refused.
func assetExt(rel string) (ext, ct string, err error) {
	ext = strings.ToLower(path.Ext(rel))
	switch {
	case ext == "" || ext == ".":
		return "", "", errors.New("has no file extension: a published file needs one the Worker can serve (.txt, .pdf, .png…); rename it")
	case !assetExtRe.MatchString(ext):
		return "", "", fmt.Errorf("has extension %q, which the Worker cannot serve: an asset extension is 1 to 8 letters or digits (%s)", ext, contract.AssetExtPattern)
	}
	ct = mime.TypeByExtension(ext)
	if ct == "" {
		ct = "application/octet-stream"
	}
	if activeExts[ext] || activeType(ct) {
		return "", "", fmt.Errorf("is a %s file, a type that can run script on the site's origin: it cannot be published as an attachment", ext)
	}
	return ext, ct, nil
}

// asset checks, hashes and records a local file once per run. The bytes
// stream through the hashes (never held in memory), at most limits.assetBytes
// of them; a file that grows while it is read is refused.
func (l *loader) asset(t *Tree, rel string) (*Asset, error) {
	id := rel
	if t != l.tree {
		id = "/" + rel // the static folder's
	}
	l.mu.Lock()
	a, ok := l.assets[id]
	l.mu.Unlock()
	if ok {
		return a, nil
	}
	ext, ct, err := assetExt(rel)
	if err != nil {
		return nil, err
	}
	f, st, err := t.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if limit := l.cfg.Limits.AssetBytes; st.Size() > limit {
		return nil, fmt.Errorf("is %d bytes; the limit is %d (limits.assetBytes)", st.Size(), limit)
	}
	if err := checkBytes(f, ext); err != nil {
		return nil, err
	}
	sha, sum := sha256.New(), md5.New()
	n, err := io.Copy(io.MultiWriter(sha, sum), io.LimitReader(f, st.Size()+1))
	if err != nil {
		return nil, fmt.Errorf("cannot be read: %w", err)
	}
	if n != st.Size() {
		return nil, errChanged
	}
	a = &Asset{
		Key: assetKeyPrefix + hex.EncodeToString(sha.Sum(nil))[:assetHashLen] + ext,
		Src: filepath.Join(t.name, filepath.FromSlash(rel)), Rel: rel,
		ContentType: ct, Size: n, MD5: hex.EncodeToString(sum.Sum(nil)), tree: t, Static: t != l.tree,
	}
	l.mu.Lock()
	l.assets[id] = a
	if l.byHash == nil {
		l.byHash = map[string][]*Asset{}
	}
	h := a.Key[len(assetKeyPrefix) : len(assetKeyPrefix)+assetHashLen]
	l.byHash[h] = append(l.byHash[h], a)
	l.mu.Unlock()
	return a, nil
}

const (
	assetKeyPrefix = "assets/"
	assetHashLen   = 32 // hex digits of the SHA-256 in an asset's key
)

// checkBytes refuses a file whose bytes are a document a browser would run
// script in: HTML or XML behind another extension, and active SVG content.
// It leaves f at its start.
func checkBytes(f *os.File, ext string) error {
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fmt.Errorf("cannot be read: %w", err)
	}
	if ext == ".svg" {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if err := checkSVG(f); err != nil {
			return err
		}
	} else if sniff := http.DetectContentType(head[:n]); !textExts[ext] && activeType(sniff) {
		return fmt.Errorf("is named %s but its bytes are %s, which a browser could run script from", ext, strings.TrimSuffix(sniff, "; charset=utf-8"))
	}
	_, err = f.Seek(0, io.SeekStart)
	return err
}

// Open opens the asset's file for upload through the same confined root it
// was hashed from, and checks it is still the size it was. The store checks
// the bytes against MD5 as it writes them.
func (a Asset) Open() (io.ReadSeekCloser, error) {
	if a.tree == nil {
		return nil, fmt.Errorf("asset %s: no content root to open it from", a.Src)
	}
	f, st, err := a.tree.Open(a.Rel)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", a.Src, err)
	}
	if st.Size() != a.Size {
		f.Close()
		return nil, fmt.Errorf("open %s: it changed since it was validated (%d bytes, then %d)", a.Src, a.Size, st.Size())
	}
	return f, nil
}

// assetsOf lists the assets of this run whose "/<key>" the rendered HTML
// holds, in key order, once each. It reads the HTML once, at each
// "/assets/" followed by a hash, and looks that hash up: testing every
// asset of the run against every entry's HTML cost the number of assets
// times the HTML's length per entry (an entry linking 8,000 files took
// 1.95 s, 4× per doubling).
func (l *loader) assetsOf(html []byte) []Asset {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Asset
	seen := map[string]bool{}
	marker := []byte("/" + assetKeyPrefix)
	for rest := html; ; {
		i := bytes.Index(rest, marker)
		if i < 0 {
			break
		}
		rest = rest[i+1:] // at the key
		if len(rest) < len(assetKeyPrefix)+assetHashLen {
			break
		}
		for _, a := range l.byHash[string(rest[len(assetKeyPrefix):len(assetKeyPrefix)+assetHashLen])] {
			if !seen[a.Key] && bytes.HasPrefix(rest, []byte(a.Key)) {
				seen[a.Key] = true
				out = append(out, *a)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
