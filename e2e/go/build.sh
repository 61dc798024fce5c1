#!/usr/bin/env bash
# Builds the OpenTelemetry Go automatic instrumentation (eBPF, go.opentelemetry.io/auto) from the Go module
# proxy, and the e2e's Go test application e2e/src/test/go/rolldice (standard library only, not stripped:
# the agent reads its symbols). Cached outside the clone by GO_AUTO_VERSION, the application's sources and
# the Go toolchain; a second run costs nothing. The agent's eBPF programs are compiled by clang (installed
# with libbpf-dev from Debian when missing: needs root, else exit 3). About 2.5 min on 2 cores with nothing
# cached; the agent's sources stay at a fixed path under the cache so that a rebuild reuses Go's build cache.
#
#   e2e/go/build.sh     # prints the directory that holds bin/otel-go-instrumentation and bin/rolldice
#
# Environment: GO_AUTO_VERSION (pinned), INSTRUMENTOR_CACHE (default ~/.cache/instrumentor).
set -euo pipefail
source "$(dirname "$0")/../lib/go-build.sh"
APP="$(cd "$(dirname "$0")/../src/test/go/rolldice" && pwd)"
GO_AUTO_VERSION="${GO_AUTO_VERSION:-v0.24.0}"
GO_VERSION="$(go env GOVERSION 2>/dev/null || echo nogo)"
APP_HASH="$(cd "$APP" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)"
OUT="$CACHE/go/$GO_AUTO_VERSION-$GO_VERSION-$APP_HASH"
BIN="$OUT/bin"
# The agent does not depend on the application: built once per version and toolchain, linked into each $OUT
AUTO="$CACHE/go/auto"
AGENT="$AUTO/$GO_AUTO_VERSION-$GO_VERSION/otel-go-instrumentation"
SRC="$AUTO/src-$GO_AUTO_VERSION"
log() { echo "go: $*" >&2; }
built() { [[ -x "$BIN/otel-go-instrumentation" && -x "$BIN/rolldice" ]]; }

reuse_or_lock go "the Go agent and test application"

started=$(date +%s)
mkdir -p "$CACHE/go"
WORK="$(mktemp -d "$CACHE/go/build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bin"

# Debian's clang compiles the probes (bpf2go calls clang and llvm-strip); libbpf-dev as the agent's Dockerfile
# has it, though the probes include the module's own copy of the libbpf headers (internal/include/libbpf)
install_compilers() {
  debian_packages "build the Go agent's eBPF programs" clang:clang llvm-strip:llvm \
    /usr/include/bpf/bpf_helpers.h:libbpf-dev
}

# module_dir MODULE@VERSION: downloads the module (module cache) and prints its read-only directory
module_dir() { go mod download -json "$1" | sed -n 's/^\s*"Dir": "\(.*\)",*$/\1/p'; }

build_agent() {
  install_compilers
  if [[ ! -f "$SRC/.generated" ]]; then
    log "fetching go.opentelemetry.io/auto@$GO_AUTO_VERSION into $SRC"
    local module sdk_version sdk_dir
    module="$(module_dir "go.opentelemetry.io/auto@$GO_AUTO_VERSION")"
    rm -rf "$SRC"
    mkdir -p "$AUTO"
    cp -r "$module" "$SRC"
    chmod -R u+w "$SRC"
    # go.mod replaces go.opentelemetry.io/auto/sdk with a directory the module zip does not hold: put the
    # version go.mod requires there
    sdk_version="$(awk '$1 == "go.opentelemetry.io/auto/sdk" && $2 ~ /^v/ { print $2 }' "$SRC/go.mod")"
    sdk_dir="$(awk '$0 ~ /^[[:space:]]*(replace[[:space:]]+)?go\.opentelemetry\.io\/auto\/sdk[[:space:]]+=>/ { print $NF }' "$SRC/go.mod")"
    [[ -n $sdk_version && $sdk_dir == ./* ]] || { log "unexpected go.mod of go.opentelemetry.io/auto@$GO_AUTO_VERSION: sdk ${sdk_version:-?} => ${sdk_dir:-?}"; exit 1; }
    log "fetching go.opentelemetry.io/auto/sdk@$sdk_version into $sdk_dir"
    rm -rf "${SRC:?}/$sdk_dir"
    cp -r "$(module_dir "go.opentelemetry.io/auto/sdk@$sdk_version")" "$SRC/$sdk_dir"
    chmod -R u+w "$SRC/$sdk_dir"
    log "compiling the eBPF programs (go generate: bpf2go of go.mod's github.com/cilium/ebpf, clang)"
    (cd "$SRC" && BPF2GO_CFLAGS="-I$SRC/internal/include/libbpf -I$SRC/internal/include" go generate ./... >&2)
    touch "$SRC/.generated"
  fi
  log "building the agent go.opentelemetry.io/auto@$GO_AUTO_VERSION/cli"
  mkdir -p "$(dirname "$AGENT")"
  (cd "$SRC" && CGO_ENABLED=0 go build -buildvcs=false -o "$AGENT.tmp" ./cli)
  mv "$AGENT.tmp" "$AGENT"
}

[[ -x "$AGENT" ]] || build_agent
ln "$AGENT" "$WORK/bin/otel-go-instrumentation" 2>/dev/null || cp "$AGENT" "$WORK/bin/otel-go-instrumentation"

log "building the test application $APP"
# Not stripped (no -ldflags "-s -w"): the agent refuses an executable without its symbol table. No VCS stamp:
# the sources sit in this clone, and the binary should not change with its commits
(cd "$APP" && CGO_ENABLED=0 go build -buildvcs=false -o "$WORK/bin/rolldice" .)

mkdir -p "$OUT"
rm -rf "$BIN"
mv "$WORK/bin" "$BIN"
log "built in $(( $(date +%s) - started )) s: $BIN"
echo "$OUT"
