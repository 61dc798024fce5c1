#!/usr/bin/env bash
# Builds a real Kubernetes control plane from source with the Go toolchain and the Go module proxy:
# kube-apiserver and kube-controller-manager from the k8s.io/kubernetes module, etcd from go.etcd.io.
# The binaries land in a cache outside the clone and are reused: a second run costs nothing.
#
#   e2e/control-plane/build.sh            # prints the directory that holds bin/{etcd,kube-apiserver,kube-controller-manager}
#
# Environment: KUBE_VERSION, ETCD_VERSION (pinned), INSTRUMENTOR_CACHE (default ~/.cache/instrumentor).
set -euo pipefail
source "$(dirname "$0")/../lib/go-build.sh"

ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
OUT="$CACHE/kube/$KUBE_VERSION-etcd-$ETCD_VERSION"
BIN="$OUT/bin"
log() { echo "control-plane: $*" >&2; }
built() { [[ -x "$BIN/kube-apiserver" && -x "$BIN/kube-controller-manager" && -x "$BIN/etcd" ]]; }

reuse_or_lock kube "the control plane (go.dev/doc/install), or point the tests at a cluster with KUBECONFIG"

started=$(date +%s)
WORK="$(mktemp -d "$CACHE/kube/build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export GOFLAGS="-mod=mod" CGO_ENABLED=0

log "building Kubernetes $KUBE_VERSION (kube-apiserver, kube-controller-manager) — about 7 min on 2 cores with nothing cached"
build_kube_commands "$WORK/kube" "$WORK/bin" kube-apiserver kube-controller-manager

log "building etcd $ETCD_VERSION"
go_tool_module "$WORK/etcd" etcd
go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
go_tools_file go.etcd.io/etcd/server/v3
go build -trimpath -ldflags "-s -w" -o "$WORK/bin/etcd" go.etcd.io/etcd/server/v3

mkdir -p "$OUT"
rm -rf "$BIN"
mv "$WORK/bin" "$BIN"
log "built in $(( $(date +%s) - started )) s: $BIN"
echo "$OUT"
