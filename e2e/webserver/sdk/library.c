/*
 * Stand-in for one of the OpenTelemetry C++ libraries of the web server SDK (libopentelemetry_common.so,
 * libopentelemetry_resources.so, libopentelemetry_trace.so, libopentelemetry_otlp_recordable.so,
 * libopentelemetry_exporter_ostream_span.so, libopentelemetry_exporter_otlp_grpc.so): a loadable shared library with
 * its file name as SONAME, so that the SDK's dependency on it is met by a LoadFile of it (Apache) as well as by
 * LD_LIBRARY_PATH (nginx). build.sh compiles this file once per library with -DSTANDIN_LIBRARY=<name without lib..so>.
 */

#ifndef STANDIN_LIBRARY
#error "compile with -DSTANDIN_LIBRARY=<name>"
#endif

#define STANDIN_SYMBOL2(name) otel_standin_##name
#define STANDIN_SYMBOL(name) STANDIN_SYMBOL2(name)
#define STANDIN_STRING2(name) #name
#define STANDIN_STRING(name) STANDIN_STRING2(name)

/* One exported function per library, named after it (e.g. otel_standin_opentelemetry_common): "which library". */
const char *STANDIN_SYMBOL(STANDIN_LIBRARY)(void) {
  return STANDIN_STRING(STANDIN_LIBRARY);
}
