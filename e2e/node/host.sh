#!/usr/bin/env bash
# The host side of the e2e node: its network, contained, and the host settings the kubelet changes.
#
#   e2e/node/host.sh up      # after `down`: the pod bridge, containment rules, saved host settings
#   e2e/node/host.sh down    # stops what a run left (also after a crash), removes its network and
#                            # state and restores the host settings: the machine is as before
#
# Containment: the node's only address is the pod bridge's own ($BRIDGE_ADDRESS); forwarding between the
# bridge and any other interface is dropped; the service CIDR is routed onto the bridge (the host's own
# connections to a ClusterIP are then rewritten by kube-proxy's OUTPUT rules to a pod; an address kube-proxy
# does not handle finds no one on the bridge); pods get no route off the machine. Needs root.
set -uo pipefail

BRIDGE=instr0
BRIDGE_ADDRESS=10.88.0.1
POD_CIDR=10.88.0.0/16
SERVICE_CIDR=10.96.0.0/16
STATE=/run/instrumentor-e2e       # sockets, runtime state, saved host settings (tmpfs: gone on reboot)
DATA=/var/lib/instrumentor-e2e    # kubelet and containerd roots, pod logs
CHAIN=INSTRUMENTOR-E2E
SETTINGS=(vm.overcommit_memory kernel.panic kernel.panic_on_oops net.ipv4.ip_forward
  net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables)

log() { echo "node host: $*" >&2; }

up() {
  mkdir -p "$STATE" "$DATA"
  # the host settings as they are before the node, restored by `down`
  : > "$STATE/host-settings"
  for key in "${SETTINGS[@]}"; do
    value=$(sysctl -n "$key" 2>/dev/null) && echo "$key=$value" >> "$STATE/host-settings"
  done
  sysctl -q -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 >/dev/null
  ip link add "$BRIDGE" type bridge
  ip addr add "$BRIDGE_ADDRESS/16" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  ip route add "$SERVICE_CIDR" dev "$BRIDGE" src "$BRIDGE_ADDRESS"
  iptables -N "$CHAIN"
  iptables -A "$CHAIN" -i "$BRIDGE" ! -o "$BRIDGE" -j DROP
  iptables -A "$CHAIN" ! -i "$BRIDGE" -o "$BRIDGE" -j DROP
  iptables -I FORWARD 1 -j "$CHAIN"
  log "pod bridge $BRIDGE $BRIDGE_ADDRESS/16, nothing forwarded off it"
  # securityfs, as every systemd host mounts it (the Go instrumentation reads the kernel's lockdown mode there);
  # unmounted by `down` when this run mounted it
  if ! mountpoint -q /sys/kernel/security && mount -t securityfs securityfs /sys/kernel/security 2>/dev/null; then
    touch "$STATE/mounted-securityfs"
    log "securityfs mounted at /sys/kernel/security"
  fi
}

# removes every rule jumping to a chain of the node (kube-proxy's KUBE-*, the CNI plugins' CNI-*, ours), then the chains
remove_chains() {
  local tool=$1 table rule chain
  for table in filter nat mangle; do
    "$tool" -t "$table" -S 2>/dev/null | grep -E -- "^-A .* -j (KUBE-|CNI-|$CHAIN)" | while read -r rule; do
      eval "$tool -t $table -D ${rule#-A }" 2>/dev/null
    done
    for chain in $("$tool" -t "$table" -S 2>/dev/null | sed -n -E "s/^-N ((KUBE-|CNI-|$CHAIN)[^ ]*)/\1/p"); do
      "$tool" -t "$table" -F "$chain" 2>/dev/null
    done
    for chain in $("$tool" -t "$table" -S 2>/dev/null | sed -n -E "s/^-N ((KUBE-|CNI-|$CHAIN)[^ ]*)/\1/p"); do
      "$tool" -t "$table" -X "$chain" 2>/dev/null
    done
  done
}

down() {
  # processes of this or an earlier run: the control plane's (should its JVM have died), the node's
  # components, then the containers' shims and the containers
  if [[ -f $STATE/control-plane.pids ]]; then
    while read -r pid; do
      grep -qaE 'etcd|kube-apiserver|kube-controller-manager' "/proc/$pid/cmdline" 2>/dev/null && kill -TERM "$pid"
    done < "$STATE/control-plane.pids"
  fi
  pkill -TERM -f "$STATE/" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do pgrep -f "$STATE/" >/dev/null || break; sleep 0.5; done
  pkill -KILL -f "$STATE/" 2>/dev/null
  # the containers: a shim killed above leaves its containers running (reparented to init), and the shims keep
  # runc's state under runc's default root for the namespace, not under $STATE; only this node's (their bundles
  # are under $STATE), stopped ones too, whose state would pile up run after run
  local root
  for root in "$STATE"/containerd/runc/* /run/containerd/runc/k8s.io; do
    [[ -d $root ]] || continue
    for container in $(runc --root "$root" list 2>/dev/null | awk -v state="$STATE/" 'NR > 1 && index($4, state) == 1 {print $1}'); do
      runc --root "$root" kill "$container" KILL 2>/dev/null
      runc --root "$root" delete -f "$container" >/dev/null 2>&1
    done
  done
  # mounts left under the node's directories (volumes, snapshots, sandbox network namespaces)
  for mount in $(awk '{print $2}' /proc/mounts | grep -E "^($DATA|$STATE|/run/netns/cni-|/var/run/netns/cni-)" | sort -r); do
    umount -l "$mount" 2>/dev/null
  done
  rm -f /run/netns/cni-* 2>/dev/null
  remove_chains iptables
  remove_chains ip6tables
  ip link del "$BRIDGE" 2>/dev/null
  ip route del "$SERVICE_CIDR" 2>/dev/null
  # the kubelet's pod cgroups (cgroup v1: one tree per controller), deepest first; busy ones stay
  find /sys/fs/cgroup -mindepth 2 -depth -type d -path '*/kubepods*' -exec rmdir {} \; 2>/dev/null
  if [[ -f $STATE/mounted-securityfs ]]; then
    umount /sys/kernel/security 2>/dev/null
  fi
  if [[ -f $STATE/host-settings ]]; then
    while IFS= read -r setting; do sysctl -q -w "$setting" >/dev/null 2>&1; done < "$STATE/host-settings"
  fi
  rm -rf "$STATE" "$DATA"
}

case "${1:-}" in
  up) down; up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
