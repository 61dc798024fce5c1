#!/usr/bin/env bash
# Generates the list of OpenTelemetry Collector component types shipped by one
# official collector distribution, from that distribution's builder manifest
# (distributions/<dist>/manifest.yaml in
# github.com/open-telemetry/opentelemetry-collector-releases).
#
# Usage:
#   generate.sh <manifest.yaml> <distribution> <output.tsv> [<source description>]
#
#   <manifest.yaml>       path to the distribution's manifest.yaml
#   <distribution>        distribution name; must equal dist.name in the manifest
#   <output.tsv>          file to write
#   <source description>  where the manifest came from, written into the header,
#                         e.g. "open-telemetry/opentelemetry-collector-releases@v0.139.0
#                         (69c909c2...) distributions/otelcol-contrib/manifest.yaml".
#                         Defaults to the manifest path as given.
#
# Every component module listed under receivers/processors/exporters/connectors/
# extensions is downloaded through the Go module proxy (go mod download) into a
# module cache outside the repository, and its component type is read from the
# top-level `type:` field of the module's metadata.yaml (the mdatagen source of
# internal/metadata.Type). A top-level `deprecated_type:` field (the alias
# registered via x<kind>.WithDeprecatedTypeAlias in newer collector versions) is
# emitted as an extra line. Providers are ignored.
#
# Environment:
#   GOMODCACHE  module cache to use (default:
#               ${XDG_CACHE_HOME:-$HOME/.cache}/instrumentor/gomod)
#   GOPROXY, GOSUMDB, GONOSUMDB, ...  passed through to the go command as usual.
#
# Output: `#` header lines, then one `<kind>\t<type>` line per component type,
# sorted by kind then type, without duplicates.
set -euo pipefail

usage() {
  echo "usage: $0 <manifest.yaml> <distribution> <output.tsv> [<source description>]" >&2
  exit 2
}

[[ $# -eq 3 || $# -eq 4 ]] || usage
manifest=$1
dist=$2
output=$3
source_desc=${4:-$manifest}

[[ -f $manifest ]] || { echo "error: manifest not found: $manifest" >&2; exit 1; }
command -v go >/dev/null || { echo "error: the go command is required" >&2; exit 1; }

export GOMODCACHE=${GOMODCACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/instrumentor/gomod}
export GOWORK=off
mkdir -p "$GOMODCACHE"

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

# --- parse the manifest -------------------------------------------------------
# The builder manifest format is simple and regular: top-level sections, each a
# list of `- gomod: <module> <version>` entries, optionally followed by
# `import: <package>` (when the component package is not the module root) and
# `name:` / `path:` keys, which do not matter here.
# Emits: <kind> <module> <version> <import-or-dash>
awk '
  function flush() {
    if (mod != "") print kind, mod, ver, (imp == "" ? "-" : imp)
    mod = ""; ver = ""; imp = ""
  }
  /^[[:space:]]*#/ || /^[[:space:]]*$/ { next }
  /^[^[:space:]-]/ {
    flush()
    section = $1; sub(/:.*/, "", section)
    next
  }
  section ~ /^(receivers|processors|exporters|connectors|extensions)$/ {
    if ($1 == "-" && $2 == "gomod:") {
      flush()
      kind = substr(section, 1, length(section) - 1)
      mod = $3; ver = $4
      if (mod == "" || ver == "") { print "error: bad gomod entry: " $0 > "/dev/stderr"; bad = 1 }
    } else if ($1 == "-") {
      flush()
      print "error: unsupported entry in " section ": " $0 > "/dev/stderr"; bad = 1
    } else if ($1 == "import:") {
      imp = $2
    }
  }
  END { flush(); if (bad) exit 1 }
' "$manifest" >"$workdir/entries"

# dist.name / dist.version
dist_field() {
  awk -v k="$1" '
    /^[^[:space:]#]/ { in_dist = ($1 == "dist:") ; next }
    in_dist && $1 == k ":" { v = $2; gsub(/"/, "", v); print v; exit }
  ' "$manifest"
}
manifest_dist=$(dist_field name)
version=$(dist_field version)

if [[ $manifest_dist != "$dist" ]]; then
  echo "error: manifest is for distribution '${manifest_dist:-?}', not '$dist'" >&2
  exit 1
fi
[[ -n $version ]] || { echo "error: no dist.version in $manifest" >&2; exit 1; }
[[ -s $workdir/entries ]] || { echo "error: no components found in $manifest" >&2; exit 1; }

# --- download the modules -----------------------------------------------------
# Run outside any Go module so no go.mod/go.work is picked up.
awk '{print $2 "@" $3}' "$workdir/entries" | sort -u >"$workdir/modules"
echo "downloading $(wc -l <"$workdir/modules") modules into $GOMODCACHE ..." >&2
(cd "$workdir" && xargs go mod download -json <"$workdir/modules" >"$workdir/download.json") || true

# `go mod download -json` prints one indented JSON object per module, one field
# per line; pick Path, Version, Dir and Error out of it.
awk '
  /^\{/ { p = ""; v = ""; d = ""; e = "" }
  /^\t"Path": /    { p = $0; sub(/^\t"Path": "/, "", p);    sub(/",?$/, "", p) }
  /^\t"Version": / { v = $0; sub(/^\t"Version": "/, "", v); sub(/",?$/, "", v) }
  /^\t"Dir": /     { d = $0; sub(/^\t"Dir": "/, "", d);     sub(/",?$/, "", d) }
  /^\t"Error": /   { e = $0; sub(/^\t"Error": "/, "", e);   sub(/",?$/, "", e) }
  /^\}/ { print p "@" v "\t" (e == "" ? d : "") "\t" e }
' "$workdir/download.json" >"$workdir/dirs"

failed=0
while read -r modver; do
  line=$(awk -F'\t' -v m="$modver" '$1 == m' "$workdir/dirs")
  dir=$(cut -f2 <<<"$line")
  if [[ -z $line || -z $dir || ! -d $dir ]]; then
    echo "error: could not download $modver: $(cut -f3 <<<"$line")" >&2
    failed=1
  fi
done <"$workdir/modules"
if [[ $failed -ne 0 ]]; then
  echo "hint: if the checksum database cannot be reached, see tools/collector-components/README.md" >&2
  exit 1
fi

# --- read the component types -------------------------------------------------
# Top-level scalar `<key>:` from a metadata.yaml (unquoted, trailing comment dropped).
yaml_top() {
  sed -nE "/^$1:/{s/^$1:[[:space:]]*//; s/[[:space:]]+#.*$//; s/[[:space:]]+$//; s/^[\"']//; s/[\"']$//; p; q;}" "$2"
}

notes=()
: >"$workdir/lines"
while read -r kind mod ver imp; do
  dir=$(awk -F'\t' -v m="$mod@$ver" '$1 == m {print $2}' "$workdir/dirs")
  pkgdir=$dir
  if [[ $imp != "-" ]]; then
    case $imp in
      "$mod") ;;
      "$mod"/*) pkgdir=$dir/${imp#"$mod"/} ;;
      *) echo "error: import $imp is not inside module $mod" >&2; exit 1 ;;
    esac
  fi

  type="" alias=""
  if [[ -f $pkgdir/metadata.yaml ]]; then
    type=$(yaml_top type "$pkgdir/metadata.yaml")
    alias=$(yaml_top deprecated_type "$pkgdir/metadata.yaml")
  fi
  if [[ -z $type ]]; then
    # Fallback: the type literal in generated or hand-written Go sources.
    type=$(sed -nE '/Type[[:space:]]*=[[:space:]]*component\.MustNewType\("/{s/.*MustNewType\("([^"]+)"\).*/\1/; p; q;}' \
      "$pkgdir"/internal/metadata/generated_status.go 2>/dev/null || true)
    if [[ -z $type ]]; then
      type=$( (find "$pkgdir" -maxdepth 1 -name '*.go' ! -name '*_test.go' -exec cat {} + 2>/dev/null |
        sed -nE '/(typeStr[[:space:]]*=|component\.MustNewType\()[[:space:]]*"/{s/.*(typeStr[[:space:]]*=|component\.MustNewType\()[[:space:]]*"([^"]+)".*/\2/; p; q;}') || true)
    fi
    if [[ -z $type ]]; then
      echo "error: cannot determine the component type of $mod@$ver ($kind)" >&2
      exit 1
    fi
    notes+=("$kind $type: no type in $mod@$ver metadata.yaml; taken from Go source")
    echo "warning: ${notes[-1]}" >&2
  fi
  if [[ -z $alias ]] && grep -qs 'WithDeprecatedTypeAlias(' "$pkgdir"/*.go; then
    echo "warning: $mod@$ver uses WithDeprecatedTypeAlias but metadata.yaml has no deprecated_type; check by hand" >&2
  fi

  for t in $type $alias; do
    if [[ ! $t =~ ^[a-zA-Z][0-9a-zA-Z_]*$ ]]; then
      echo "error: invalid component type '$t' for $mod@$ver" >&2
      exit 1
    fi
  done
  printf '%s\t%s\n' "$kind" "$type" >>"$workdir/lines"
  if [[ -n $alias ]]; then
    printf '%s\t%s\n' "$kind" "$alias" >>"$workdir/lines"
    notes+=("$kind $alias: deprecated alias of $kind $type ($mod)")
  fi
done <"$workdir/entries"

# Two modules of the same kind must not claim the same type.
dups=$(LC_ALL=C sort "$workdir/lines" | uniq -d)
if [[ -n $dups ]]; then
  echo "error: duplicate component types in $manifest:" >&2
  echo "$dups" >&2
  exit 1
fi

# --- write the output ---------------------------------------------------------
mkdir -p "$(dirname "$output")"
{
  echo "# OpenTelemetry Collector component types shipped by distribution $dist, version $version."
  echo "# Source: $source_desc"
  echo "# Types read from each component module's metadata.yaml (module zips from the Go module proxy)."
  echo "# Format: <kind><TAB><type>, sorted by kind then type."
  for n in ${notes[@]+"${notes[@]}"}; do echo "# Note: $n"; done
  echo "# Do not edit: generated by tools/collector-components/generate.sh"
  LC_ALL=C sort -u "$workdir/lines"
} >"$workdir/out"
mv "$workdir/out" "$output"

echo "wrote $output: $(grep -vc '^#' "$output") component types" >&2
