# axctl — the two commands a new user needs:
#   make demo   axctl dev: sync content/ into the local bucket, serve it through the real Worker, reload on save
#   make test   install what the tests need, then run them all
SHELL := /bin/bash
export WRANGLER_SEND_METRICS := false
export CLOUDFLARE_CF_FETCH_ENABLED := false
export AXCTL_TOOLS_BIN ?= $(HOME)/.cache/axctl/bin
export AXCTL_MINIO_BIN ?= $(AXCTL_TOOLS_BIN)/minio

GO      ?= go
PORT    ?= 8787
BIN     := bin/axctl
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: all build demo preview serve test test-go test-worker test-e2e test-browser lint tools bench bench-smoke soak clean

all: build

build:
	$(GO) build -trimpath -ldflags "-s -w -X github.com/axctl/axctl/internal/cli.Version=$(VERSION)" -o $(BIN) ./cmd/axctl

## demo: build axctl and run `axctl dev` on content/: sync into file://.axctl/bucket,
## serve it through the Worker on 127.0.0.1:$(PORT), sync and reload the tab on every save
demo: build
	@scripts/tools.sh go npm
	$(BIN) dev --port $(PORT)

## preview: pull TARGET=s3://BUCKET[/PREFIX] (credentials and endpoint from the
## environment, as for sync) into .axctl/preview and serve it on 127.0.0.1:$(PORT)
preview: build
	@if [ -z "$(TARGET)" ]; then echo "usage: make preview TARGET=s3://BUCKET[/PREFIX] [PORT=8787]" >&2; exit 2; fi
	@scripts/tools.sh npm
	rm -rf .axctl/preview
	$(BIN) pull --target "$(TARGET)" .axctl/preview
	node worker/scripts/serve.mjs --port $(PORT) .axctl/preview

## test: everything CI runs (installs MinIO, npm packages and Debian packages when missing)
test: tools
	$(MAKE) lint
	$(MAKE) test-go
	$(MAKE) test-worker
	$(MAKE) test-e2e
	$(MAKE) test-browser

tools:
	scripts/tools.sh all

test-go:
	$(GO) test -count=1 -timeout 20m $$($(GO) list ./... | grep -v /e2e)

test-worker:
	cd worker && npm test

## test-e2e: MinIO → axctl sync/pull → the Worker in workerd → Varnish (varnish/axctl.vcl); needs `make tools`
test-e2e:
	$(GO) test -count=1 -timeout 8m ./e2e/

## test-browser: the demo site in Debian's Chromium (screenshots in out/screenshots/), and through vnu, feedparser and expat
test-browser:
	@scripts/tools.sh npm apt
	node --test --test-concurrency=1 e2e/browser/

lint:
	$(GO) vet ./...
	@# the CLI builds for the platforms its users run (syscall fields differ)
	@for t in darwin/arm64 darwin/amd64 freebsd/amd64 windows/amd64; do GOOS=$${t%/*} GOARCH=$${t#*/} $(GO) build -o /dev/null ./cmd/axctl || { echo "axctl does not build for $$t"; exit 1; }; done
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@scripts/tools.sh actionlint && $(AXCTL_TOOLS_BIN)/actionlint
	@scripts/tools.sh staticcheck && $(AXCTL_TOOLS_BIN)/staticcheck ./...

## bench: the full benchmark table (docs/benchmarks.md): 2,000 / 10,000 / 100,000 entries, ~30-40 min
bench:
	bash bench/run.sh full

## bench-smoke: the same pipeline at tiny N (< 3 min once tools are installed)
bench-smoke:
	bash bench/run.sh smoke

soak:
	@if [ -f soak/run.sh ]; then bash soak/run.sh; else echo "soak: not present"; exit 1; fi

clean:
	rm -rf bin .axctl worker/dist
