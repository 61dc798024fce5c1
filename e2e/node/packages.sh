#!/usr/bin/env bash
# Installs, from Debian's packages, what the e2e node needs beside what e2e/node/build.sh builds: the
# container runtime (containerd 1.6 + runc), the CNI plugins, iptables and conntrack (kube-proxy),
# mmdebstrap (image root filesystems) and busybox-static (agent images). Needs root; does nothing when
# everything is there.
set -euo pipefail
need=()
for pair in containerd:containerd runc:runc /usr/lib/cni/bridge:containernetworking-plugins iptables:iptables \
    conntrack:conntrack mmdebstrap:mmdebstrap /bin/busybox:busybox-static; do
  tool=${pair%%:*} package=${pair#*:}
  if [[ $tool == /* ]]; then [[ -e $tool ]] || need+=("$package"); else command -v "$tool" >/dev/null || need+=("$package"); fi
done
[[ ${#need[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "node: root is needed to install ${need[*]} (apt-get) and to run a node" >&2
  exit 3
fi
echo "node: installing ${need[*]} from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${need[@]}" >&2
# Debian starts containerd as a service where an init system runs; the e2e node runs its own
systemctl disable --now containerd >/dev/null 2>&1 || true
