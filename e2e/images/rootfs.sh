#!/usr/bin/env bash
# The root filesystem every e2e image that runs a program is layered on: Debian bookworm (minbase) with
# the runtimes of the operator and the test applications (OpenJDK 17 JRE, Python 3.11, Node.js) and CA
# certificates, made by mmdebstrap from Debian's packages with this machine's APT sources. One tar,
# cached outside the clone under ${INSTRUMENTOR_CACHE:-~/.cache/instrumentor}/images/, keyed by the
# package list; prints its path. About 70 s and 530 MB once. Needs root.
#
#   rootfs.sh         the base (the operator's image)
#   rootfs.sh apps    the base with what the test applications' stack runs: uWSGI with its Python 3 plugin,
#                     and the servers a Django app with Celery workers talks to (redis-server, mariadb-server,
#                     memcached), each started by its pod as a non-root user; and Debian's web servers (nginx,
#                     apache2), which the web server modules are injected into
set -euo pipefail
source "$(dirname "$0")/../lib/go-build.sh"
PACKAGES="openjdk-17-jre-headless,python3,nodejs,ca-certificates"
case "${1:-}" in
  "") ;;
  apps) PACKAGES="$PACKAGES,uwsgi-core,uwsgi-plugin-python3,redis-server,mariadb-server,memcached,nginx,apache2" ;;
  *) echo "rootfs.sh: unknown variant '$1' (none, or apps)" >&2; exit 2 ;;
esac
SUITE=bookworm
out="$CACHE/images/rootfs-$SUITE-$(echo "$PACKAGES" | sha256sum | cut -c1-12).tar"
if [[ -f $out ]]; then echo "$out"; exit 0; fi
mkdir -p "$CACHE/images"
exec 9>"$CACHE/images/.build.lock"
flock 9  # two test runs wait for each other
if [[ -f $out ]]; then echo "$out"; exit 0; fi
# the first of these that exists (a machine may have only deb822 .sources, or only the classic list: a missing
# one must not end the script under pipefail, as an ls of it did)
sources=
for candidate in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
  if [[ -f $candidate ]]; then sources=$candidate; break; fi
done
echo "images: mmdebstrap $SUITE with $PACKAGES (about 70 s)" >&2
# man pages stay: openjdk's install scripts need their directories
mmdebstrap --quiet --variant=minbase --include="$PACKAGES" --format=tar "$SUITE" "$out.partial" "${sources:-}" >&2
mv "$out.partial" "$out"
echo "$out"
