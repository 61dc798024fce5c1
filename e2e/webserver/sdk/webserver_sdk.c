/*
 * Stand-in for libopentelemetry_webserver_sdk.so, the OpenTelemetry web server SDK that the real nginx and Apache
 * modules link against (autoinstrumentation-apache-httpd image, sdk_lib/lib/). The stand-in modules link against it
 * too, without an rpath, and call this function: a module loads only where its server finds this library (nginx:
 * LD_LIBRARY_PATH=/opt/opentelemetry-webserver/agent/sdk_lib/lib; Apache: the LoadFile lines before LoadModule), and
 * the response header it adds shows the string returned here.
 *
 * build.sh links this library against the six other stand-in libraries (libopentelemetry_common.so ...), as the real
 * SDK needs its OpenTelemetry C++ libraries: all seven must be where the server looks, the six before this one.
 */

const char *otel_webserver_sdk_standin(void) {
  return "standin";
}
