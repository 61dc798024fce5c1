# Shared by the build scripts under e2e/: the cache outside the clone, one build at a time per cache,
# and a Go module that builds commands of k8s.io/kubernetes at a release. Sourced, not run.

CACHE="${INSTRUMENTOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/instrumentor}"
KUBE_VERSION="${KUBE_VERSION:-v1.37.2}"

# reuse_or_lock NAME WHAT: when the script's `built` function says $OUT is complete, prints $OUT and exits;
# else checks for Go (exit 3: this machine cannot build WHAT) and holds $CACHE/NAME/.build.lock for the rest
# of the script (two test runs wait for each other), then checks again for a concurrent run's build.
reuse_or_lock() {
  if built; then echo "$1: reusing $OUT" >&2; echo "$OUT"; exit 0; fi
  command -v go >/dev/null || { echo "$1: Go is needed to build $2" >&2; exit 3; }
  mkdir -p "$CACHE/$1"
  exec 9>"$CACHE/$1/.build.lock"
  flock 9
  if built; then echo "$1: reusing $OUT (built by a concurrent run)" >&2; echo "$OUT"; exit 0; fi
}

# go_tool_module DIR NAME: a fresh module in DIR whose go line is this toolchain's.
go_tool_module() {
  mkdir -p "$1" && cd "$1"
  go mod init "instrumentor.dev/$2" >/dev/null 2>&1
  go mod edit -go="$(go env GOVERSION | sed 's/^go//; s/^\([0-9]*\.[0-9]*\).*/\1/').0"
}

# go_tools_file IMPORT...: a tools.go importing the given command packages, then go mod tidy.
go_tools_file() {
  { echo '//go:build tools'; echo; echo 'package tools'; echo; echo 'import ('
    for package in "$@"; do echo "	_ \"$package\""; done
    echo ')'; } > tools.go
  go mod tidy >/dev/null 2>&1 || go mod tidy
}

# build_kube_commands DIR OUT COMMAND...: builds k8s.io/kubernetes/cmd/COMMAND... at $KUBE_VERSION into OUT.
build_kube_commands() {
  local dir="$1" out="$2"; shift 2
  go_tool_module "$dir" kube
  go mod edit -require="k8s.io/kubernetes@$KUBE_VERSION"
  local gomod staging_version module minor ldflags packages=()
  gomod="$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
  # k8s.io/kubernetes replaces its staging modules with local paths, which a module dependency cannot
  # use: replace each with the published module of the same release (v1.X.Y -> v0.X.Y).
  staging_version="v0.${KUBE_VERSION#v1.}"
  for module in $(sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$gomod"); do
    go mod edit -replace="$module=$module@$staging_version"
  done
  for command in "$@"; do packages+=("k8s.io/kubernetes/cmd/$command"); done
  go_tools_file "${packages[@]}"
  minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
  ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  mkdir -p "$out"
  go build -tags providerless -trimpath -ldflags "$ldflags" -o "$out/" "${packages[@]}"
}

# debian_packages WHY TOOL:PACKAGE...: installs with apt-get the packages whose tool (a command, or an absolute path)
# is missing, and sets DEBIAN_INSTALLED to those it installed; exit 3 when that needs root and this is not it.
debian_packages() {
  local why=$1 need=() pair tool package
  shift
  DEBIAN_INSTALLED=()
  for pair in "$@"; do
    tool=${pair%%:*} package=${pair#*:}
    if [[ $tool == /* ]]; then [[ -e $tool ]] || need+=("$package"); else command -v "$tool" >/dev/null || need+=("$package"); fi
  done
  [[ ${#need[@]} -eq 0 ]] && return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "root is needed to install ${need[*]} (apt-get), which $why" >&2
    exit 3
  fi
  echo "installing ${need[*]} from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${need[@]}" >&2
  DEBIAN_INSTALLED=("${need[@]}")
}
