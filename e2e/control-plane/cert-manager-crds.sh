#!/usr/bin/env bash
# cert-manager's published CRDs (deploy/crds of the github.com/cert-manager/cert-manager module, from the
# Go module proxy), so the chart's certManager mode can be checked by a real API server. Cached by Go.
#
#   e2e/control-plane/cert-manager-crds.sh     # prints the directory holding the CRD YAML files
set -euo pipefail
CERT_MANAGER_VERSION="${CERT_MANAGER_VERSION:-v1.21.2}"
command -v go >/dev/null || { echo "cert-manager-crds: Go is needed" >&2; exit 3; }
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
dir="$(cd "$scratch" && GOFLAGS=-mod=mod go mod download -json "github.com/cert-manager/cert-manager@$CERT_MANAGER_VERSION" \
  | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')"
[[ -d "$dir/deploy/crds" ]] || { echo "cert-manager-crds: no deploy/crds in $dir" >&2; exit 1; }
echo "$dir/deploy/crds"
