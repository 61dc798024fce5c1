#!/usr/bin/env bash
# Runs Debian's nginx and Apache HTTPD of this host with the stand-in modules of build.sh, configured as the
# injection configures a pod (the module's init container copies /opt/opentelemetry/. into the agent directory and
# writes the settings; nginx: env and load_module at the top of nginx.conf, conf.d/opentelemetry_agent.conf,
# LD_LIBRARY_PATH; Apache: opentemetry_agent.conf with the LoadFile lines, Include'd by apache2.conf), each in a
# temporary copy of its configuration on a free loopback port; prints the response headers the modules add, and
# shows that nginx does not start without the SDK in LD_LIBRARY_PATH nor Apache without the LoadFile lines. Leaves
# nothing running and nothing behind (the copies are under a temporary directory). Needs root (the servers' users).
#
#   e2e/webserver/check.sh [OUT]     # OUT: what build.sh printed (default: runs build.sh)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$("$HERE/build.sh")}"
T="$(mktemp -d)"
chmod 755 "$T" # the servers' workers (www-data) read their files below it
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 50); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer at $1" >&2; return 1; }
show() { echo "\$ curl -sS -D - -o /dev/null $1"; curl -sS -D - -o /dev/null "$1" | tr -d '\r' | grep -iE '^(HTTP|X-OpenTelemetry)'; }

# The module's init container: the image's files into the agent directory, the log configuration from its template
install_agent() {
  mkdir -p "$1"
  cp -r "$OUT/opt/opentelemetry/." "$1"
  sed "s,__agent_log_dir__,$1/logs,g" "$1/conf/opentelemetry_sdk_log4cxx.xml.template" > "$1/conf/opentelemetry_sdk_log4cxx.xml"
}

echo "=== nginx $(/usr/sbin/nginx -v 2>&1 | sed 's,.*/,,')"
AGENT="$T/nginx-agent"
install_agent "$AGENT"
CONF="$T/nginx"
cp -r /etc/nginx "$CONF"
PORT="$(free_port)"
version="$( { /usr/sbin/nginx -v; } 2>&1 )"
# Debian's configuration names /etc/nginx/... (in a pod, the copy is mounted there), /run and /var/log
sed -i -e "s,/etc/nginx/,$CONF/,g" -e "s,^pid .*,pid $T/nginx.pid;," \
  -e "s,/var/log/nginx/,$T/nginx-,g" "$CONF/nginx.conf"
sed -i -e "s,listen 80 default_server;,listen 127.0.0.1:$PORT default_server;," -e '/listen \[::\]:80/d' \
  "$CONF/sites-available/default"
rm -f "$CONF/sites-enabled/default" && ln -s "$CONF/sites-available/default" "$CONF/sites-enabled/default"
mkdir -p "$CONF/conf.d"
# Test-only: nginx's temporary files under the temporary directory, not /var/lib/nginx
for kind in client_body proxy fastcgi uwsgi scgi; do echo "${kind}_temp_path $T/nginx-$kind;"; done \
  > "$CONF/conf.d/check-temp-paths.conf"
cat > "$CONF/conf.d/opentelemetry_agent.conf" <<'EOF'
NginxModuleEnabled ON;
NginxModuleOtelExporterEndpoint http://otel-collector.observability:4317/;
NginxModuleOtelSpanExporter otlp;
NginxModuleResolveBackends ON;
NginxModuleServiceInstanceId shop-7c9f8d6b5-x2k4q;
NginxModuleServiceName shop;
NginxModuleServiceNamespace store;
NginxModuleTraceAsError ON;
EOF
{ printf 'env OTEL_RESOURCE_ATTRIBUTES;\nload_module %s/WebServerModule/Nginx/%s/ngx_http_opentelemetry_module.so;\n' \
    "$AGENT" "${version##*/}"; cat "$CONF/nginx.conf"; } > "$CONF/nginx.conf.instrumented"
mv "$CONF/nginx.conf.instrumented" "$CONF/nginx.conf"
echo "--- $CONF/nginx.conf (head) and conf.d/opentelemetry_agent.conf"
head -3 "$CONF/nginx.conf"; cat "$CONF/conf.d/opentelemetry_agent.conf"
echo "--- without LD_LIBRARY_PATH:"
if (unset LD_LIBRARY_PATH; timeout 10 /usr/sbin/nginx -p "$T/" -c "$CONF/nginx.conf" -g 'daemon off;') 2>&1; then
  echo "nginx started without the SDK" >&2; exit 1
else
  echo "(nginx exited with $?)"
fi
echo "--- LD_LIBRARY_PATH=$AGENT/sdk_lib/lib:"
LD_LIBRARY_PATH="$AGENT/sdk_lib/lib" /usr/sbin/nginx -t -p "$T/" -c "$CONF/nginx.conf" 2>&1
LD_LIBRARY_PATH="$AGENT/sdk_lib/lib" OTEL_RESOURCE_ATTRIBUTES=k8s.pod.name=shop-7c9f8d6b5-x2k4q \
  /usr/sbin/nginx -p "$T/" -c "$CONF/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
wait_for "http://127.0.0.1:$PORT/"
show "http://127.0.0.1:$PORT/"
show "http://127.0.0.1:$PORT/missing"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" || true

echo
echo "=== Apache $(apxs -q HTTPD_VERSION)"
AGENT="$T/apache-agent"
install_agent "$AGENT"
CONF="$T/apache2"
cp -r /etc/apache2 "$CONF"
PORT="$(free_port)"
sed -i "s,^Listen 80$,Listen 127.0.0.1:$PORT," "$CONF/ports.conf"
sed -i "s,<VirtualHost \*:80>,<VirtualHost *:$PORT>," "$CONF/sites-available/000-default.conf"
{ echo "# the OpenTelemetry web server SDK"
  for library in common resources trace otlp_recordable exporter_ostream_span exporter_otlp_grpc webserver_sdk; do
    echo "LoadFile $AGENT/sdk_lib/lib/libopentelemetry_$library.so"
  done
  echo "# the OpenTelemetry Apache module"
  echo "LoadModule otel_apache_module $AGENT/WebServerModule/Apache/libmod_apache_otel.so"
  cat <<'EOF'
ApacheModuleEnabled ON
ApacheModuleOtelExporterEndpoint http://otel-collector.observability:4317/
ApacheModuleOtelSpanExporter otlp
ApacheModuleResolveBackends ON
ApacheModuleServiceInstanceId shop-5d4b7c8f9-p8r2m
ApacheModuleServiceName shop
ApacheModuleServiceNamespace store
ApacheModuleTraceAsError ON
EOF
} > "$CONF/opentemetry_agent.conf"
printf '\nInclude %s/opentemetry_agent.conf\n' "$CONF" >> "$CONF/apache2.conf"
echo "--- $CONF/opentemetry_agent.conf"
cat "$CONF/opentemetry_agent.conf"
# What apache2ctl takes from /etc/apache2/envvars, into the temporary directory
mkdir -p "$T/apache-run" "$T/apache-lock" "$T/apache-log"
chown www-data "$T/apache-lock"
APACHE_ENV=(APACHE_RUN_USER=www-data APACHE_RUN_GROUP=www-data APACHE_PID_FILE="$T/apache-run/apache2.pid"
  APACHE_RUN_DIR="$T/apache-run" APACHE_LOCK_DIR="$T/apache-lock" APACHE_LOG_DIR="$T/apache-log" LANG=C
  OTEL_RESOURCE_ATTRIBUTES=k8s.pod.name=shop-5d4b7c8f9-p8r2m)
grep -v '^LoadFile' "$CONF/opentemetry_agent.conf" > "$CONF/without-sdk.conf"
sed "s,^Include $CONF/opentemetry_agent.conf,Include $CONF/without-sdk.conf," "$CONF/apache2.conf" > "$CONF/apache2-without-sdk.conf"
echo "--- without the LoadFile lines:"
if env -u LD_LIBRARY_PATH "${APACHE_ENV[@]}" /usr/sbin/apache2 -d "$CONF" -f "$CONF/apache2-without-sdk.conf" -t 2>&1; then
  echo "Apache loaded the module without the SDK" >&2; exit 1
else
  echo "(apache2 exited with $?)"
fi
echo "--- as written:"
env -u LD_LIBRARY_PATH "${APACHE_ENV[@]}" /usr/sbin/apache2 -d "$CONF" -f "$CONF/apache2.conf" -t 2>&1
# env execs apache2: $! is Apache's parent process, which stops its children on SIGTERM
env -u LD_LIBRARY_PATH "${APACHE_ENV[@]}" /usr/sbin/apache2 -d "$CONF" -f "$CONF/apache2.conf" -DFOREGROUND &
PIDS+=($!)
wait_for "http://127.0.0.1:$PORT/"
show "http://127.0.0.1:$PORT/"
show "http://127.0.0.1:$PORT/missing"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" || true
