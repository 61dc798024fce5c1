#!/usr/bin/env bash
# Installs what the real-Python e2e tests run, once per content of the requirement files, and prints
# its directory (cached under ${INSTRUMENTOR_CACHE:-~/.cache/instrumentor}/python/, outside the clone):
#   autoinstrumentation/  images/python-agent/requirements.txt and images/python-agent/hooks installed with
#                         pip install --target, the recipe of the agent image: what the init container copies
#                         into the pod
#   app/                  a virtualenv with the test applications' dependencies (app-requirements.txt),
#                         standing for the application image's Python
#   sdkapp/               a virtualenv with the OpenTelemetry SDK (sdk-app-requirements.txt): the image of an
#                         application that sets the SDK up in its own code
#   app-site/             app-requirements.txt installed with pip install --target: the packages of the e2e
#                         node's application image (on its Debian Python of the same minor version)
# Needs python3 with pip and venv, and PyPI.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
agent_requirements=$root/images/python-agent/requirements.txt
app_requirements=$root/e2e/python/app-requirements.txt
sdk_app_requirements=$root/e2e/python/sdk-app-requirements.txt
python=${PYTHON:-python3}
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
hooks=$root/images/python-agent/hooks
hash=$(cat "$agent_requirements" "$app_requirements" "$sdk_app_requirements" "$0" \
  $(find "$hooks" -type f -not -path '*/__pycache__/*' -not -path '*.egg-info*' -not -path '*/build/*' | sort) \
  | sha256sum | cut -c1-12)
cache=${INSTRUMENTOR_CACHE:-$HOME/.cache/instrumentor}/python
dir=$cache/py$version-$hash
mkdir -p "$cache"
exec 9>"$dir.lock"
flock 9
if [ ! -f "$dir/.complete" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  export PIP_ROOT_USER_ACTION=ignore
  pip=(--disable-pip-version-check --no-input --quiet)
  "$python" -m pip install "${pip[@]}" --target "$dir/autoinstrumentation" -r "$agent_requirements" "$hooks" >&2
  "$python" -m venv "$dir/app" >&2
  "$dir/app/bin/python" -m pip install "${pip[@]}" -r "$app_requirements" >&2
  "$python" -m venv "$dir/sdkapp" >&2
  "$dir/sdkapp/bin/python" -m pip install "${pip[@]}" -r "$sdk_app_requirements" >&2
  "$python" -m pip install "${pip[@]}" --target "$dir/app-site" -r "$app_requirements" >&2
  touch "$dir/.complete"
fi
echo "$dir"
