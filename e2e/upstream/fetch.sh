#!/usr/bin/env bash
# Fetches a pinned release of a project's source from the Go module proxy (the one place here that serves it),
# checked against a pinned SHA-256, unpacked into the cache outside the clone. Nothing of it is committed here.
#   - the OpenTelemetry Operator (default): the judge of compatibility: its CRDs, its e2e suites' manifests;
#   - the Prometheus Operator: its real CRDs (ServiceMonitor, PodMonitor) for the target allocator's proof.
#
#   e2e/upstream/fetch.sh [opentelemetry-operator|prometheus-operator]   # prints the directory of the module
#
# Environment: INSTRUMENTOR_CACHE (default ~/.cache/instrumentor), GOPROXY (its first proxy is used).
set -euo pipefail
CACHE="${INSTRUMENTOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/instrumentor}"
case "${1:-opentelemetry-operator}" in
  opentelemetry-operator)
    MODULE=github.com/open-telemetry/opentelemetry-operator
    VERSION=v0.153.0
    # the proxy serves this zip, but sum.golang.org has no record of it, so `go mod download` refuses it: the
    # hash is pinned here instead (taken from the proxy on 2026-12-02)
    SHA256=423e5696e1da18c85adf57bc134d91a8b5ad6fcbb926da46426b19d1ea1f75af ;;
  prometheus-operator)
    MODULE=github.com/prometheus-operator/prometheus-operator
    # the newest version the proxy lists for the module root (taken on 2026-12-02; 4 MB)
    VERSION=v0.85.0
    SHA256=0bdb88ed823d0f2e86cf909638439b6ad1da744a228172c7411d9987527dc5d1 ;;
  *) echo "fetch.sh: unknown project '$1' (opentelemetry-operator, prometheus-operator)" >&2; exit 2 ;;
esac
NAME="${MODULE##*/}"
OUT="$CACHE/upstream/$NAME-$VERSION"
if [[ -f "$OUT/.complete" ]]; then echo "$OUT"; exit 0; fi
mkdir -p "$CACHE/upstream"
exec 9>"$CACHE/upstream/.fetch.lock"
flock 9
if [[ -f "$OUT/.complete" ]]; then echo "$OUT"; exit 0; fi
proxy="$(go env GOPROXY 2>/dev/null | cut -d, -f1 || true)"
[[ "$proxy" == http* ]] || proxy=https://proxy.golang.org
WORK="$(mktemp -d "$CACHE/upstream/fetch.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
echo "upstream: fetching $MODULE@$VERSION from $proxy" >&2
curl -fsSL --retry 3 -o "$WORK/module.zip" "$proxy/$MODULE/@v/$VERSION.zip"
echo "$SHA256  $WORK/module.zip" | sha256sum -c --quiet -
(cd "$WORK" && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall("unpacked")' module.zip)
rm -rf "$OUT"
mv "$WORK/unpacked/$MODULE@$VERSION" "$OUT"
touch "$OUT/.complete"
echo "$OUT"
