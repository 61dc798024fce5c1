#!/usr/bin/env bash
# Installs what the real-Node.js e2e tests run, once per content of the agent image's recipe, and
# prints its directory (cached under ${INSTRUMENTOR_CACHE:-~/.cache/instrumentor}/nodejs/, outside the clone):
#   autoinstrumentation/  images/nodejs-agent/layout.sh's output: what the agent image holds at
#                         /autoinstrumentation, what the init container copies into the pod
# Needs node and npm, and the npm registry.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
image=$root/images/nodejs-agent
hash=$(cat "$image/package.json" "$image/package-lock.json" "$image/layout.sh" | sha256sum | cut -c1-12)
cache=${INSTRUMENTOR_CACHE:-$HOME/.cache/instrumentor}/nodejs
dir=$cache/$hash
mkdir -p "$cache"
exec 9>"$dir.lock"
flock 9
if [ ! -f "$dir/.complete" ]; then
  rm -rf "$dir"
  sh "$image/layout.sh" "$dir/autoinstrumentation" >&2
  touch "$dir/.complete"
fi
echo "$dir"
