#!/usr/bin/env bash
# Builds stand-ins for the OpenTelemetry web server module (the autoinstrumentation-apache-httpd image, which cannot
# be pulled here, nor its module built) in that image's layout, for Debian's nginx and Apache HTTPD:
#
#   opt/opentelemetry/conf/opentelemetry_sdk_log4cxx.xml.template     (holds __agent_log_dir__)
#   opt/opentelemetry/sdk_lib/lib/libopentelemetry_*.so                (the SDK's seven libraries)
#   opt/opentelemetry/WebServerModule/Apache/libmod_apache_otel.so     (otel_apache_module; libmod_apache_otel22.so)
#   opt/opentelemetry/WebServerModule/Nginx/<nginx -v>/ngx_http_opentelemetry_module.so
#   opt/opentelemetry/logs/
#
# The modules accept the real modules' directives, link against libopentelemetry_webserver_sdk.so without an rpath
# (nginx loads the module only with LD_LIBRARY_PATH=.../sdk_lib/lib, Apache only after the LoadFile lines), and add
# X-OpenTelemetry-Standin: service=...; namespace=...; instance=...; endpoint=...; sdk=standin to every response
# (see nginx/ngx_http_opentelemetry_module.c, apache/mod_apache_otel.c). The nginx module is built as Debian builds
# its nginx modules (nginx-dev's /usr/share/nginx/src: conf_flags, configure --add-dynamic-module, make modules), so
# that it loads into Debian's /usr/sbin/nginx; the Apache module with apxs (apache2-dev). Installs gcc, make,
# nginx, nginx-dev, apache2 and apache2-dev from Debian when missing (needs root, else exit 3) and stops the
# services their packages start. Cached outside the clone by this directory's files and the packages' versions; a
# second run costs nothing. About 10-25 s on 2 cores with nothing cached (most of it nginx's configure).
#
#   e2e/webserver/build.sh     # prints the directory that holds opt/opentelemetry
#
# Environment: INSTRUMENTOR_CACHE (default ~/.cache/instrumentor).
set -euo pipefail
source "$(dirname "$0")/../lib/go-build.sh" # CACHE
HERE="$(cd "$(dirname "$0")" && pwd)"
NGINX_SRC=/usr/share/nginx/src
log() { echo "webserver: $*" >&2; }

# Debian's packages: the servers (their module interfaces) and what builds modules for them
install_packages() {
  debian_packages "build the web server module stand-ins" gcc:gcc make:make /usr/sbin/nginx:nginx \
    "$NGINX_SRC/configure:nginx-dev" /usr/sbin/apache2ctl:apache2 apxs:apache2-dev dpkg-buildflags:dpkg-dev
  local need=("${DEBIAN_INSTALLED[@]}")
  [[ ${#need[@]} -eq 0 ]] && return 0
  # Debian starts nginx and Apache (on port 80) where an init system runs; the e2e runs its own, in pods
  local services=()
  [[ " ${need[*]} " == *" nginx "* ]] && services+=(nginx)
  [[ " ${need[*]} " == *" apache2 "* ]] && services+=(apache2 apache-htcacheclean)
  for service in "${services[@]}"; do
    if [[ -d /run/systemd/system ]]; then
      systemctl disable --now "$service" >/dev/null 2>&1 || true
    elif [[ -x /etc/init.d/$service ]]; then
      "/etc/init.d/$service" stop >/dev/null 2>&1 || true
    fi
  done
}

install_packages

# The module directory is named by what `nginx -v` prints after the slash, as the injection names it
NGINX_VERSION="$( { /usr/sbin/nginx -v; } 2>&1 )"
NGINX_VERSION="${NGINX_VERSION##*/}"
NGINX_DEV_VERSION="$(sed -n 's/^#define NGINX_VERSION *"\(.*\)"/\1/p' "$NGINX_SRC/src/core/nginx.h")"
if [[ $NGINX_VERSION != "$NGINX_DEV_VERSION" ]]; then
  log "nginx is $NGINX_VERSION but nginx-dev's sources are $NGINX_DEV_VERSION: install both from Debian"
  exit 1
fi
APACHE_VERSION="$(apxs -q HTTPD_VERSION)"
PACKAGES="$(dpkg-query -W -f='${Package}=${Version}\n' nginx nginx-dev apache2-bin apache2-dev)"
HASH="$( { cd "$HERE" && find . -type f ! -name check.sh | LC_ALL=C sort | xargs sha256sum; echo "$PACKAGES"; } | sha256sum | cut -c1-12)"
OUT="$CACHE/webserver/nginx-$NGINX_VERSION-apache-$APACHE_VERSION-$HASH"
ROOT="$OUT/opt/opentelemetry"
SDK_LIBRARIES=(common resources trace otlp_recordable exporter_ostream_span exporter_otlp_grpc)
built() {
  [[ -f "$ROOT/conf/opentelemetry_sdk_log4cxx.xml.template" && -f "$ROOT/sdk_lib/lib/libopentelemetry_webserver_sdk.so"
    && -f "$ROOT/WebServerModule/Apache/libmod_apache_otel.so" && -f "$ROOT/WebServerModule/Apache/libmod_apache_otel22.so"
    && -f "$ROOT/WebServerModule/Nginx/$NGINX_VERSION/ngx_http_opentelemetry_module.so" ]]
}

# As reuse_or_lock of ../lib/go-build.sh, which also asks for Go
if built; then log "reusing $OUT"; echo "$OUT"; exit 0; fi
mkdir -p "$CACHE/webserver"
exec 9>"$CACHE/webserver/.build.lock"
flock 9
if built; then log "reusing $OUT (built by a concurrent run)"; echo "$OUT"; exit 0; fi

started=$(date +%s)
WORK="$(mktemp -d "$CACHE/webserver/build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
IMAGE="$WORK/out/opt/opentelemetry"
SDK="$IMAGE/sdk_lib/lib"
NGINX_MODULE_DIR="$IMAGE/WebServerModule/Nginx/$NGINX_VERSION"
APACHE_MODULE_DIR="$IMAGE/WebServerModule/Apache"
mkdir -p "$IMAGE/conf" "$IMAGE/logs" "$SDK" "$NGINX_MODULE_DIR" "$APACHE_MODULE_DIR"
# Debian's hardening flags, as its packages' modules have
CFLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS) -fPIC -Wall"
LDFLAGS="$(dpkg-buildflags --get LDFLAGS)"

cp "$HERE/conf/opentelemetry_sdk_log4cxx.xml.template" "$IMAGE/conf/"

log "building the SDK's libraries"
needed=()
for library in "${SDK_LIBRARIES[@]}"; do
  name="opentelemetry_$library"
  # shellcheck disable=SC2086 # flags
  gcc $CFLAGS $LDFLAGS -shared -Wl,-soname,"lib$name.so" -DSTANDIN_LIBRARY="$name" \
    -o "$SDK/lib$name.so" "$HERE/sdk/library.c"
  needed+=("-l$name")
done
# shellcheck disable=SC2086 # flags
gcc $CFLAGS $LDFLAGS -shared -Wl,-soname,libopentelemetry_webserver_sdk.so \
  -o "$SDK/libopentelemetry_webserver_sdk.so" "$HERE/sdk/webserver_sdk.c" -L"$SDK" -Wl,--no-as-needed "${needed[@]}"

# What Debian's debhelper build system for nginx modules (nginx-dev's Debian/Debhelper/Buildsystem/nginx_mod.pm)
# does: nginx's configure in nginx-dev's sources with the flags of Debian's nginx (conf_flags: --with-compat and the
# options that change the module signature), the module as a dynamic module, the objects in a build directory of
# its own; then only the modules' target. Nothing is written under /usr/share/nginx/src.
log "building ngx_http_opentelemetry_module for nginx $NGINX_VERSION (nginx-dev's configure, make modules)"
(
  cd "$NGINX_SRC"
  # shellcheck disable=SC1091 # Debian's nginx configure flags, NGX_CONF_FLAGS
  . ./conf_flags
  OTEL_STANDIN_SDK_DIR="$SDK" ./configure --with-cc-opt="$CFLAGS" --with-ld-opt="$LDFLAGS -fPIC" \
    "${NGX_CONF_FLAGS[@]}" --add-dynamic-module="$HERE/nginx" --builddir="$WORK/nginx"
) >"$WORK/nginx-configure.log" 2>&1 || { cat "$WORK/nginx-configure.log" >&2; exit 1; }
make -f "$WORK/nginx/Makefile" -C "$NGINX_SRC" modules >&2
cp "$WORK/nginx/ngx_http_opentelemetry_module.so" "$NGINX_MODULE_DIR/"

log "building otel_apache_module for Apache $APACHE_VERSION (apxs)"
mkdir -p "$WORK/apache"
cp "$HERE/apache/mod_apache_otel.c" "$WORK/apache/"
(cd "$WORK/apache" && apxs -c -Wc,-Wall -L"$SDK" -lopentelemetry_webserver_sdk mod_apache_otel.c) >&2
cp "$WORK/apache/.libs/mod_apache_otel.so" "$APACHE_MODULE_DIR/libmod_apache_otel.so"
# The module for Apache 2.2: Debian has no 2.2; a copy keeps the image's layout
cp "$APACHE_MODULE_DIR/libmod_apache_otel.so" "$APACHE_MODULE_DIR/libmod_apache_otel22.so"

# The modules must find the SDK where the server is told, not where they were built
for module in "$NGINX_MODULE_DIR/ngx_http_opentelemetry_module.so" "$APACHE_MODULE_DIR/libmod_apache_otel.so"; do
  dynamic="$(readelf -d "$module")"
  if grep -qE 'RPATH|RUNPATH' <<<"$dynamic" || ! grep -q 'NEEDED.*\[libopentelemetry_webserver_sdk.so\]' <<<"$dynamic"; then
    log "$module: expected a dependency on libopentelemetry_webserver_sdk.so and no rpath:"; echo "$dynamic" >&2; exit 1
  fi
done

# Load both into Debian's servers: with the SDK where the injection puts it they load (the version and signature
# match); without it they do not
log "checking that Debian's nginx and Apache load the modules"
mkdir -p "$WORK/check"
cat >"$WORK/check/nginx.conf" <<EOF
load_module $NGINX_MODULE_DIR/ngx_http_opentelemetry_module.so;
events {}
http {
  access_log off;
  client_body_temp_path $WORK/check/body;
  proxy_temp_path $WORK/check/proxy;
  fastcgi_temp_path $WORK/check/fastcgi;
  uwsgi_temp_path $WORK/check/uwsgi;
  scgi_temp_path $WORK/check/scgi;
  NginxModuleEnabled ON;
  NginxModuleOtelExporterEndpoint http://localhost:4317/;
  NginxModuleOtelMaxQueueSize 2048;
  NginxModuleResolveBackends ON;
  NginxModuleServiceName build-check;
}
EOF
nginx_check() { /usr/sbin/nginx -t -q -p "$WORK/check/" -c "$WORK/check/nginx.conf" -g "error_log stderr; pid $WORK/check/nginx.pid;"; }
LD_LIBRARY_PATH="$SDK" nginx_check >&2
if (unset LD_LIBRARY_PATH; nginx_check) >"$WORK/check/nginx-without-sdk.log" 2>&1; then
  log "nginx loaded the module without the SDK's directory in LD_LIBRARY_PATH"; exit 1
fi
{ echo "ServerRoot $WORK/check"; echo "ServerName localhost"; echo "Mutex file:$WORK/check"; echo "ErrorLog /dev/stderr"
  echo "LoadModule mpm_event_module $(apxs -q LIBEXECDIR)/mod_mpm_event.so"
  for library in "${SDK_LIBRARIES[@]}" webserver_sdk; do echo "LoadFile $SDK/libopentelemetry_$library.so"; done
  echo "LoadModule otel_apache_module $APACHE_MODULE_DIR/libmod_apache_otel.so"
  echo "ApacheModuleEnabled ON"; echo "ApacheModuleOtelExporterEndpoint http://localhost:4317/"
  echo "ApacheModuleServiceName build-check"; } >"$WORK/check/apache2.conf"
(unset LD_LIBRARY_PATH; /usr/sbin/apache2 -t -f "$WORK/check/apache2.conf") >&2
grep -v '^LoadFile' "$WORK/check/apache2.conf" >"$WORK/check/apache2-without-sdk.conf"
if (unset LD_LIBRARY_PATH; /usr/sbin/apache2 -t -f "$WORK/check/apache2-without-sdk.conf") >"$WORK/check/apache-without-sdk.log" 2>&1; then
  log "Apache loaded the module without the SDK's LoadFile lines"; exit 1
fi

rm -rf "$OUT"
mv "$WORK/out" "$OUT"
log "built in $(( $(date +%s) - started )) s: $ROOT"
echo "$OUT"
