#!/usr/bin/env bash
# Builds the OpenTelemetry Collector of e2e/collector/manifest.yaml with the collector builder (ocb), both
# from the Go module proxy. Cached outside the clone by the manifest's content; a second run costs nothing.
# About 3-4 min and 1.5 GB of memory on 2 cores with nothing cached.
#
#   e2e/collector/build.sh     # prints the directory that holds bin/otelcol
#
# Environment: OCB_VERSION (pinned), INSTRUMENTOR_CACHE (default ~/.cache/instrumentor).
set -euo pipefail
source "$(dirname "$0")/../lib/go-build.sh"
MANIFEST="$(cd "$(dirname "$0")" && pwd)/manifest.yaml"
OCB_VERSION="${OCB_VERSION:-v0.158.0}"
OUT="$CACHE/collector/$OCB_VERSION-$(sha256sum "$MANIFEST" | cut -c1-12)"
BIN="$OUT/bin"
log() { echo "collector: $*" >&2; }
built() { [[ -x "$BIN/otelcol" ]]; }

reuse_or_lock collector "the collector"

started=$(date +%s)
WORK="$(mktemp -d "$CACHE/collector/build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export CGO_ENABLED=0
log "building the collector builder $OCB_VERSION"
GOBIN="$WORK/tools" go install "go.opentelemetry.io/collector/cmd/builder@$OCB_VERSION"
log "building the collector of $MANIFEST"
cd "$WORK"
"$WORK/tools/builder" --config "$MANIFEST" --ldflags "-s -w" >&2
mkdir -p "$OUT"
rm -rf "$BIN"
mkdir -p "$WORK/bin"
mv "$WORK/out/otelcol-e2e" "$WORK/bin/otelcol"
mv "$WORK/bin" "$BIN"
log "built in $(( $(date +%s) - started )) s: $BIN"
echo "$OUT"
