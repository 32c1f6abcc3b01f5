package corpus

// snippet is a real code block: its fence language and its lines.
type snippet struct {
	lang string
	code string
}

// snippets are the code blocks entries declaring syntax:code carry. They are
// real, compilable-looking code so chroma's lexers do representative work.
var snippets = []snippet{
	{"go", `package cache

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrMiss is returned when a key is absent or expired.
var ErrMiss = errors.New("cache: miss")

type item struct {
	value   []byte
	expires time.Time
}

// TTL is a tiny cache with per-key expiry, safe for concurrent use.
type TTL struct {
	mu    sync.Mutex
	items map[string]item
}

func (c *TTL) Get(ctx context.Context, key string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.items[key]
	if !ok || time.Now().After(it.expires) {
		return nil, ErrMiss
	}
	return it.value, nil
}

func (c *TTL) Set(key string, v []byte, ttl time.Duration) {
	c.mu.Lock()
	if c.items == nil {
		c.items = map[string]item{}
	}
	c.items[key] = item{value: v, expires: time.Now().Add(ttl)}
	c.mu.Unlock()
}
`},
	{"go", `func handler(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := store.Get(r.Context(), strings.TrimPrefix(r.URL.Path, "/"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		http.NotFound(w, r)
	case err != nil:
		log.Printf("get %q: %v", r.URL.Path, err)
		http.Error(w, "bucket unavailable", http.StatusServiceUnavailable)
	default:
		w.Header().Set("Cache-Control", "public, max-age=60")
		_, _ = w.Write(body)
	}
}
`},
	{"python", `import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    slug: str
    title: str
    tags: list[str] = field(default_factory=list)

    def key(self, collection: str) -> str:
        return f"entries/{collection}/{self.slug}.html"


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()[:32]


def manifest(entries: list[Entry]) -> str:
    ordered = sorted(entries, key=lambda e: (e.title.lower(), e.slug))
    return json.dumps([e.__dict__ for e in ordered], ensure_ascii=False, indent=2)


if __name__ == "__main__":
    print(manifest([Entry("hello", "Hello, world", ["intro"])]))
`},
	{"python", `async def fetch_all(session, urls, limit=16):
    sem = asyncio.Semaphore(limit)
    results = {}

    async def one(url):
        async with sem:
            async with session.get(url, timeout=30) as resp:
                resp.raise_for_status()
                results[url] = await resp.read()

    await asyncio.gather(*(one(u) for u in urls))
    return results
`},
	{"javascript", `export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405, headers: { Allow: 'GET, HEAD' } });
    }
    const key = 'entries' + url.pathname.replace(/\/$/, '') + '.html';
    const obj = await env.CONTENT.get(key);
    if (!obj) return new Response('not found', { status: 404 });
    const headers = new Headers({ 'Content-Type': 'text/html; charset=utf-8' });
    headers.set('Cache-Tag', ['site', 'e:' + url.pathname.slice(1)].join(','));
    ctx.waitUntil(Promise.resolve());
    return new Response(obj.body, { headers });
  },
};
`},
	{"javascript", `function debounce(fn, ms = 200) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

const search = debounce(async (q) => {
  const res = await fetch('/search?q=' + encodeURIComponent(q));
  const items = await res.json();
  document.querySelector('#results').replaceChildren(
    ...items.map((it) => Object.assign(document.createElement('li'), { textContent: it.title })),
  );
});
`},
	{"yaml", `name: sync
on:
  push:
    branches: [main]
    paths: ["content/**", "axctl.yaml"]
jobs:
  sync:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: "1.26"
      - run: go install github.com/axctl/axctl/cmd/axctl@latest
      - run: axctl validate --format github
      - run: axctl sync --purge --max-deletes 50
        env:
          AWS_ACCESS_KEY_ID: ${{ secrets.R2_ACCESS_KEY_ID }}
          AWS_SECRET_ACCESS_KEY: ${{ secrets.R2_SECRET_ACCESS_KEY }}
`},
	{"yaml", `site:
  title: Field notes
  baseURL: https://notes.example.com
content: content
pageSize: 25
collections:
  - name: blog
    route: /blog
    template: post
  - name: docs
    route: /docs
    templates: [doc, page]
`},
	{"bash", `#!/usr/bin/env bash
set -euo pipefail

bucket="${1:?usage: backup.sh BUCKET}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="backup-${stamp}.tar.zst"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

aws s3 sync "s3://${bucket}" "$tmp/bucket" --only-show-errors
tar -C "$tmp" -cf - bucket | zstd -19 -T0 -o "$out"
for f in "$tmp"/bucket/metadata/*.json; do
  jq -e '.version == 1' "$f" >/dev/null || { echo "bad manifest: $f" >&2; exit 1; }
done
echo "wrote $out ($(du -h "$out" | cut -f1))"
`},
	{"bash", `for n in 1000 10000 100000; do
  ./gen -n "$n" -out "corpus-$n"
  /usr/bin/time -v axctl validate --config "corpus-$n/axctl.yaml" 2>&1 \
    | awk -F: '/Maximum resident/ {print n, $2}' n="$n"
done
`},
}
