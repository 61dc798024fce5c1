#!/usr/bin/env bash
# Builds a real Kubernetes control plane from source with the Go toolchain and the Go module proxy:
# kube-apiserver and kube-controller-manager from the k8s.io/kubernetes module, etcd from go.etcd.io.
# The binaries land in a cache outside the clone and are reused: a second run costs nothing.
#
#   e2e/control-plane/build.sh            # prints the directory that holds bin/{etcd,kube-apiserver,kube-controller-manager}
#
# Environment: KUBE_VERSION, ETCD_VERSION (pinned below), INSTRUMENTOR_CACHE (default ~/.cache/instrumentor).
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-v1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
CACHE="${INSTRUMENTOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/instrumentor}"
OUT="$CACHE/kube/$KUBE_VERSION-etcd-$ETCD_VERSION"
BIN="$OUT/bin"

log() { echo "control-plane: $*" >&2; }

if [[ -x "$BIN/kube-apiserver" && -x "$BIN/kube-controller-manager" && -x "$BIN/etcd" ]]; then
  log "reusing $BIN"
  echo "$OUT"
  exit 0
fi

command -v go >/dev/null || { log "Go is needed to build the control plane (go.dev/doc/install), or point the tests at a cluster with KUBECONFIG"; exit 3; }

# Only one build at a time per cache (two test runs started together wait for each other).
mkdir -p "$CACHE/kube"
exec 9>"$CACHE/kube/.build.lock"
flock 9
if [[ -x "$BIN/kube-apiserver" && -x "$BIN/kube-controller-manager" && -x "$BIN/etcd" ]]; then
  log "reusing $BIN (built by a concurrent run)"
  echo "$OUT"
  exit 0
fi

started=$(date +%s)
WORK="$(mktemp -d "$CACHE/kube/build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export GOFLAGS="-mod=mod"
export CGO_ENABLED=0

log "building Kubernetes $KUBE_VERSION (kube-apiserver, kube-controller-manager) — about 7 min on 2 cores with nothing cached"
cd "$WORK"
mkdir kube && cd kube
go mod init instrumentor.dev/control-plane >/dev/null 2>&1
go mod edit -go=$(go env GOVERSION | sed 's/^go//; s/^\([0-9]*\.[0-9]*\).*/\1/').0
go mod edit -require="k8s.io/kubernetes@$KUBE_VERSION"
gomod="$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
# k8s.io/kubernetes replaces its staging modules with local paths, which a module dependency cannot
# use: replace each with the published module of the same release (v1.X.Y -> v0.X.Y).
staging_version="v0.${KUBE_VERSION#v1.}"
for module in $(sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$gomod"); do
  go mod edit -replace="$module=$module@$staging_version"
done
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
GO
go mod tidy >/dev/null 2>&1 || go mod tidy
minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
mkdir -p "$WORK/bin"
go build -tags providerless -trimpath -ldflags "$ldflags" -o "$WORK/bin/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager

log "building etcd $ETCD_VERSION"
cd "$WORK" && mkdir etcd && cd etcd
go mod init instrumentor.dev/etcd >/dev/null 2>&1
go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
cat > tools.go <<'GO'
//go:build tools

package tools

import _ "go.etcd.io/etcd/server/v3"
GO
go mod tidy >/dev/null 2>&1 || go mod tidy
go build -trimpath -ldflags "-s -w" -o "$WORK/bin/etcd" go.etcd.io/etcd/server/v3

mkdir -p "$OUT"
rm -rf "$BIN"
mv "$WORK/bin" "$BIN"
log "built in $(( $(date +%s) - started )) s: $BIN"
echo "$OUT"
