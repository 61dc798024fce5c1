#!/usr/bin/env bash
# Builds what a real Kubernetes node needs beside the e2e control plane, from the Go module proxy:
# kubelet, kube-proxy, kube-scheduler and kubectl (the control plane's Kubernetes version) and CoreDNS. The
# container runtime (containerd, runc), the CNI plugins, iptables and mmdebstrap come from Debian:
# e2e/node/packages.sh installs them. Cached outside the clone; a second run costs nothing.
#
#   e2e/node/build.sh     # prints the directory that holds bin/{kubelet,kube-proxy,kube-scheduler,kubectl,coredns}
#
# Environment: KUBE_VERSION, COREDNS_VERSION (pinned), INSTRUMENTOR_CACHE (default ~/.cache/instrumentor).
set -euo pipefail
source "$(dirname "$0")/../lib/go-build.sh"

COREDNS_VERSION="${COREDNS_VERSION:-v1.15.0}"
OUT="$CACHE/node/$KUBE_VERSION-coredns-$COREDNS_VERSION"
BIN="$OUT/bin"
log() { echo "node: $*" >&2; }
built() { [[ -x "$BIN/kubelet" && -x "$BIN/kubectl" && -x "$BIN/kube-proxy" && -x "$BIN/kube-scheduler" && -x "$BIN/coredns" ]]; }

reuse_or_lock node "the node"

started=$(date +%s)
WORK="$(mktemp -d "$CACHE/node/build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export GOFLAGS="-mod=mod" CGO_ENABLED=0

log "building Kubernetes $KUBE_VERSION kubelet, kube-proxy, kube-scheduler, kubectl — about 2 min on 2 cores once the control plane's modules are cached"
build_kube_commands "$WORK/kube" "$WORK/bin" kubelet kube-proxy kube-scheduler kubectl

log "building CoreDNS $COREDNS_VERSION"
go_tool_module "$WORK/coredns" coredns
go mod edit -require="github.com/coredns/coredns@$COREDNS_VERSION"
go_tools_file github.com/coredns/coredns
go build -trimpath -ldflags "-s -w" -o "$WORK/bin/coredns" github.com/coredns/coredns

mkdir -p "$OUT"
rm -rf "$BIN"
mv "$WORK/bin" "$BIN"
log "built in $(( $(date +%s) - started )) s: $BIN"
echo "$OUT"
