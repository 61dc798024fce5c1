#!/usr/bin/env bash
# Builds the Helm CLIs a user installs the chart with, Helm 3 and Helm 4, from the Go module proxy
# (helm.sh/helm/v3 and /v4, cmd/helm). Cached outside the clone; a second run costs nothing.
#
#   e2e/helm/build.sh     # prints the directory that holds bin/helm3 and bin/helm4
#
# Environment: HELM3_VERSION, HELM4_VERSION (pinned), INSTRUMENTOR_CACHE (default ~/.cache/instrumentor).
set -euo pipefail
source "$(dirname "$0")/../lib/go-build.sh"

HELM3_VERSION="${HELM3_VERSION:-v3.22.0}"
HELM4_VERSION="${HELM4_VERSION:-v4.3.1}"
OUT="$CACHE/helm/$HELM3_VERSION-$HELM4_VERSION"
BIN="$OUT/bin"
log() { echo "helm: $*" >&2; }
built() { [[ -x "$BIN/helm3" && -x "$BIN/helm4" ]]; }

reuse_or_lock helm "Helm"

started=$(date +%s)
WORK="$(mktemp -d "$CACHE/helm/build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export GOFLAGS="-mod=mod" CGO_ENABLED=0
mkdir -p "$WORK/bin"
for major in 3 4; do
  version_var="HELM${major}_VERSION"; version="${!version_var}"
  log "building Helm $version"
  go_tool_module "$WORK/helm$major" "helm$major"
  go mod edit -require="helm.sh/helm/v$major@$version"
  go_tools_file "helm.sh/helm/v$major/cmd/helm"
  go build -trimpath -ldflags "-s -w -X helm.sh/helm/v$major/internal/version.version=$version" \
    -o "$WORK/bin/helm$major" "helm.sh/helm/v$major/cmd/helm"
done
mkdir -p "$OUT"
rm -rf "$BIN"
mv "$WORK/bin" "$BIN"
log "built in $(( $(date +%s) - started )) s: $BIN"
echo "$OUT"
