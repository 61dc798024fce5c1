#!/usr/bin/env bash
# Builds vegeta (github.com/tsenart/vegeta, an open-loop HTTP load generator: requests leave at a fixed rate
# whatever the answers' latency, so a stall is measured on every request it delays) from the Go module proxy,
# once, into ~/.cache/instrumentor, and prints the binary's path. Needs Go (1.22 or later).
set -euo pipefail
version=v12.13.0
dir="${INSTRUMENTOR_CACHE:-$HOME/.cache/instrumentor}/vegeta-$version"
binary="$dir/vegeta"
if [ ! -x "$binary" ]; then
  if ! command -v go >/dev/null; then
    echo "go is missing: vegeta $version is built from the Go module proxy (https://go.dev/dl)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  # a fresh GOBIN per version: a half-written binary never passes for a built one (go install writes it last)
  GOBIN="$dir.partial" go install "github.com/tsenart/vegeta/v12@$version" >&2
  mv "$dir.partial/vegeta" "$binary"
  rmdir "$dir.partial"
fi
echo "$binary"
