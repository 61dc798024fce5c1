/*
 * Stand-in for the OpenTelemetry web server module for Apache HTTPD 2.4 (otel_apache_module in
 * WebServerModule/Apache/libmod_apache_otel.so of the autoinstrumentation-apache-httpd image), for the e2e tests,
 * where the real module can be neither pulled nor built. It keeps the real module's contract with the configuration
 * the operator writes (opentemetry_agent.conf):
 *
 *  - the module symbol is otel_apache_module, built with apxs against the Apache it is loaded into (the magic
 *    number is checked by LoadModule);
 *  - it links against libopentelemetry_webserver_sdk.so without an rpath: it loads only after the LoadFile lines
 *    of the SDK's seven libraries;
 *  - it accepts the real module's directives (ApacheModuleEnabled ... in any context, one argument each, three for
 *    ApacheModuleWebserverContext; flags are on when the value is "on" in any case, as in the real module).
 *
 * and shows what reached it: when ApacheModuleEnabled is on, every response carries
 *   X-OpenTelemetry-Standin: service=<ServiceName>; namespace=<ServiceNamespace>; instance=<ServiceInstanceId>;
 *                            endpoint=<OtelExporterEndpoint>; sdk=<otel_webserver_sdk_standin()>
 * and, when the server's environment has OTEL_RESOURCE_ATTRIBUTES, X-OpenTelemetry-Standin-Resource: <its value>.
 * It exports no span.
 */

#include <stdlib.h>
#include <strings.h>
#include "httpd.h"
#include "http_config.h"
#include "http_request.h"
#include "apr_strings.h"

/* The stand-in SDK (e2e/webserver/sdk/webserver_sdk.c). */
extern const char *otel_webserver_sdk_standin(void);

/* The settings the header shows; NULL or -1: not set here, inherited. */
typedef struct {
  int enabled;
  const char *service_name;
  const char *service_namespace;
  const char *service_instance_id;
  const char *exporter_endpoint;
  const char *span_exporter;
  int resolve_backends;
  int trace_as_error;
} otel_cfg;

module AP_MODULE_DECLARE_DATA otel_apache_module;

static void *otel_create_dir_config(apr_pool_t *pool, char *dir) {
  otel_cfg *cfg = apr_pcalloc(pool, sizeof(otel_cfg));
  cfg->enabled = -1;
  cfg->resolve_backends = -1;
  cfg->trace_as_error = -1;
  return cfg;
}

static void *otel_merge_dir_config(apr_pool_t *pool, void *parent_conf, void *child_conf) {
  otel_cfg *parent = parent_conf, *child = child_conf;
  otel_cfg *merged = apr_pcalloc(pool, sizeof(otel_cfg));
  merged->enabled = child->enabled != -1 ? child->enabled : parent->enabled;
  merged->service_name = child->service_name ? child->service_name : parent->service_name;
  merged->service_namespace = child->service_namespace ? child->service_namespace : parent->service_namespace;
  merged->service_instance_id = child->service_instance_id ? child->service_instance_id
      : parent->service_instance_id;
  merged->exporter_endpoint = child->exporter_endpoint ? child->exporter_endpoint : parent->exporter_endpoint;
  merged->span_exporter = child->span_exporter ? child->span_exporter : parent->span_exporter;
  merged->resolve_backends = child->resolve_backends != -1 ? child->resolve_backends : parent->resolve_backends;
  merged->trace_as_error = child->trace_as_error != -1 ? child->trace_as_error : parent->trace_as_error;
  return merged;
}

/* A flag at the offset in cmd->info: on for "on" in any case, off for anything else (the real module's rule). */
static const char *otel_set_on(cmd_parms *cmd, void *conf, const char *arg) {
  *(int *) ((char *) conf + (apr_size_t) cmd->info) = !strcasecmp(arg, "on");
  return NULL;
}

/* A setting the header does not show: accepted, not kept. */
static const char *otel_accept(cmd_parms *cmd, void *conf, const char *arg) {
  return NULL;
}

static const char *otel_accept3(cmd_parms *cmd, void *conf, const char *a, const char *b, const char *c) {
  return NULL;
}

#define OTEL_STRING(name, field) \
  AP_INIT_TAKE1(name, ap_set_string_slot, (void *) APR_OFFSETOF(otel_cfg, field), OR_ALL, name)
#define OTEL_ON(name, field) \
  AP_INIT_TAKE1(name, otel_set_on, (void *) APR_OFFSETOF(otel_cfg, field), OR_ALL, name)
#define OTEL_OTHER(name) AP_INIT_TAKE1(name, otel_accept, NULL, OR_ALL, name)

/* The real module's directives (Apache matches directive names in any case). */
static const command_rec otel_cmds[] = {
  OTEL_ON("ApacheModuleEnabled", enabled),
  OTEL_STRING("ApacheModuleOtelSpanExporter", span_exporter),
  OTEL_STRING("ApacheModuleOtelExporterEndpoint", exporter_endpoint),
  OTEL_OTHER("ApacheModuleOtelExporterHeaders"),
  OTEL_OTHER("ApacheModuleOtelResourceAttributes"),
  OTEL_OTHER("ApacheModuleOtelSslEnabled"),
  OTEL_OTHER("ApacheModuleOtelSslCertificatePath"),
  OTEL_OTHER("ApacheModuleOtelSpanProcessor"),
  OTEL_OTHER("ApacheModuleOtelSampler"),
  OTEL_STRING("ApacheModuleServiceName", service_name),
  OTEL_STRING("ApacheModuleServiceNamespace", service_namespace),
  OTEL_STRING("ApacheModuleServiceInstanceId", service_instance_id),
  OTEL_OTHER("ApacheModuleOtelMaxQueueSize"),
  OTEL_OTHER("ApacheModuleOtelScheduledDelayMillis"),
  OTEL_OTHER("ApacheModuleOtelExportTimeoutMillis"),
  OTEL_OTHER("ApacheModuleOtelMaxExportBatchSize"),
  OTEL_ON("ApacheModuleResolveBackends", resolve_backends),
  OTEL_ON("ApacheModuleTraceAsError", trace_as_error),
  OTEL_OTHER("ApacheModuleReportAllInstrumentedModules"),
  AP_INIT_TAKE3("ApacheModuleWebserverContext", otel_accept3, NULL, OR_ALL, "ApacheModuleWebserverContext"),
  OTEL_OTHER("ApacheModuleMaskCookie"),
  OTEL_OTHER("ApacheModuleCookieMatchPattern"),
  OTEL_OTHER("ApacheModuleMaskSmUser"),
  OTEL_OTHER("ApacheModuleDelimiter"),
  OTEL_OTHER("ApacheModuleSegment"),
  OTEL_OTHER("ApacheModuleMatchfilter"),
  OTEL_OTHER("ApacheModuleMatchpattern"),
  OTEL_OTHER("ApacheModuleSegmentType"),
  OTEL_OTHER("ApacheModuleSegmentParameter"),
  { NULL }
};

static const char *or_empty(const char *value) {
  return value ? value : "";
}

/*
 * Every request but subrequests (an internal redirect runs this again and replaces the header). err_headers_out:
 * kept on error responses too.
 */
static int otel_fixups(request_rec *r) {
  otel_cfg *cfg = ap_get_module_config(r->per_dir_config, &otel_apache_module);
  const char *resource;
  if (r->main != NULL || cfg == NULL || cfg->enabled != 1) {
    return DECLINED;
  }
  apr_table_set(r->err_headers_out, "X-OpenTelemetry-Standin",
      apr_psprintf(r->pool, "service=%s; namespace=%s; instance=%s; endpoint=%s; sdk=%s",
          or_empty(cfg->service_name), or_empty(cfg->service_namespace), or_empty(cfg->service_instance_id),
          or_empty(cfg->exporter_endpoint), otel_webserver_sdk_standin()));
  resource = getenv("OTEL_RESOURCE_ATTRIBUTES");
  if (resource != NULL) {
    apr_table_set(r->err_headers_out, "X-OpenTelemetry-Standin-Resource", resource);
  }
  return DECLINED;
}

static void otel_register_hooks(apr_pool_t *pool) {
  ap_hook_fixups(otel_fixups, NULL, NULL, APR_HOOK_FIRST);
}

module AP_MODULE_DECLARE_DATA otel_apache_module = {
  STANDARD20_MODULE_STUFF,
  otel_create_dir_config,
  otel_merge_dir_config,
  NULL,                 /* server configuration: the settings are per directory, as in the real module */
  NULL,
  otel_cmds,
  otel_register_hooks
};
