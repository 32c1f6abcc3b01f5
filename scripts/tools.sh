#!/usr/bin/env bash
# Installs what axctl's tests and demo need, reusing whatever is already
# there: Go modules, MinIO (pinned build, test-only, never linked), the
# Worker's npm packages (exact versions from package-lock.json), and Debian's
# varnish, varnish-modules, chromium and python3-feedparser, and actionlint
# and staticcheck (pinned, for `make lint`).
# Usage: scripts/tools.sh [go|minio|npm|apt|actionlint|staticcheck|all]...   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS_BIN="${AXCTL_TOOLS_BIN:-$HOME/.cache/axctl/bin}"
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
ACTIONLINT_VERSION="v1.7.12"
STATICCHECK_VERSION="v0.8.2"   # honnef.co/go/tools
APT_PACKAGES=(varnish varnish-modules chromium python3-feedparser)

log() { printf 'tools: %s\n' "$*" >&2; }

need_go() {
  command -v go >/dev/null || { log "Go is required (https://go.dev/dl/)"; exit 1; }
  go mod download
}

need_minio() {
  if [ -x "$TOOLS_BIN/minio" ] && [ -f "$TOOLS_BIN/minio.version" ] && [ "$(cat "$TOOLS_BIN/minio.version")" = "$MINIO_VERSION" ]; then
    return
  fi
  mkdir -p "$TOOLS_BIN"
  log "building MinIO $MINIO_VERSION into $TOOLS_BIN (about 3 minutes, once)"
  GOBIN="$TOOLS_BIN" GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION"
  echo "$MINIO_VERSION" > "$TOOLS_BIN/minio.version"
}

need_actionlint() {
  if [ -x "$TOOLS_BIN/actionlint" ] && [ -f "$TOOLS_BIN/actionlint.version" ] && [ "$(cat "$TOOLS_BIN/actionlint.version")" = "$ACTIONLINT_VERSION" ]; then
    return
  fi
  mkdir -p "$TOOLS_BIN"
  log "installing actionlint $ACTIONLINT_VERSION into $TOOLS_BIN"
  GOBIN="$TOOLS_BIN" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  echo "$ACTIONLINT_VERSION" > "$TOOLS_BIN/actionlint.version"
}

need_staticcheck() {
  if [ -x "$TOOLS_BIN/staticcheck" ] && [ -f "$TOOLS_BIN/staticcheck.version" ] && [ "$(cat "$TOOLS_BIN/staticcheck.version")" = "$STATICCHECK_VERSION" ]; then
    return
  fi
  mkdir -p "$TOOLS_BIN"
  log "installing staticcheck $STATICCHECK_VERSION into $TOOLS_BIN"
  GOBIN="$TOOLS_BIN" GOFLAGS=-mod=mod go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
  echo "$STATICCHECK_VERSION" > "$TOOLS_BIN/staticcheck.version"
}

need_npm() {
  command -v npm >/dev/null || { log "Node 20 and npm are required"; exit 1; }
  if [ ! -d worker/node_modules ] || [ worker/package-lock.json -nt worker/node_modules/.package-lock.json ]; then
    log "npm ci in worker/"
    (cd worker && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

need_apt() {
  local missing=()
  command -v varnishd >/dev/null || missing+=(varnish)
  [ -e /usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so ] || ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 || missing+=(varnish-modules)
  command -v chromium >/dev/null || missing+=(chromium)
  /usr/bin/python3 -c 'import feedparser' 2>/dev/null || missing+=(python3-feedparser)
  [ ${#missing[@]} -eq 0 ] && return
  log "apt-get install ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(all)
for t in "${targets[@]}"; do
  case "$t" in
    go) need_go ;;
    minio) need_minio ;;
    npm) need_npm ;;
    apt) need_apt ;;
    actionlint) need_actionlint ;;
    staticcheck) need_staticcheck ;;
    all) need_go; need_apt; need_npm; need_actionlint; need_staticcheck; need_minio ;;
    *) log "unknown target $t"; exit 2 ;;
  esac
done
