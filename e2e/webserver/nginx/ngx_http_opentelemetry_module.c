/*
 * Stand-in for the OpenTelemetry web server module for nginx (ngx_http_opentelemetry_module of the
 * autoinstrumentation-apache-httpd image, WebServerModule/Nginx/<version>/), for the e2e tests, where the real module
 * can be neither pulled nor built. It keeps the real module's contract with the configuration the operator writes:
 *
 *  - it is a dynamic http module for the nginx it is built against (version and signature checked by load_module);
 *  - it links against libopentelemetry_webserver_sdk.so without an rpath, so nginx loads it only where
 *    LD_LIBRARY_PATH names the SDK's directory, as the injection sets it;
 *  - it accepts the real module's directives (names, contexts, argument counts and value checks: NginxModuleEnabled
 *    takes on/off, NginxModuleOtelMaxQueueSize a size ...), so a configuration the real module would reject fails
 *    here too;
 *
 * and shows what reached it: when NginxModuleEnabled is on, every response carries
 *   X-OpenTelemetry-Standin: service=<ServiceName>; namespace=<ServiceNamespace>; instance=<ServiceInstanceId>;
 *                            endpoint=<OtelExporterEndpoint>; sdk=<otel_webserver_sdk_standin()>
 * and, when the worker sees OTEL_RESOURCE_ATTRIBUTES (nginx passes a variable to its workers only when an `env`
 * directive names it), X-OpenTelemetry-Standin-Resource: <its value>. It exports no span.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <stdlib.h>

/* The stand-in SDK (e2e/webserver/sdk/webserver_sdk.c). */
extern const char *otel_webserver_sdk_standin(void);

/* Every setting of the real module, stored where the real module's type of value needs it. */
typedef struct {
    ngx_flag_t  enabled;
    ngx_str_t   span_exporter;
    ngx_flag_t  ssl_enabled;
    ngx_str_t   ssl_certificate_path;
    ngx_str_t   exporter_endpoint;
    ngx_str_t   exporter_otlp_headers;
    ngx_str_t   span_processor;
    ngx_str_t   sampler;
    ngx_str_t   service_name;
    ngx_str_t   service_namespace;
    ngx_str_t   service_instance_id;
    size_t      max_queue_size;
    ngx_msec_t  scheduled_delay_millis;
    ngx_msec_t  export_timeout_millis;
    size_t      max_export_batch_size;
    ngx_flag_t  resolve_backends;
    ngx_flag_t  trace_as_error;
    ngx_flag_t  report_all_instrumented_modules;
    ngx_flag_t  mask_cookie;
    ngx_str_t   cookie_match_pattern;
    ngx_flag_t  mask_sm_user;
    ngx_str_t   delimiter;
    ngx_str_t   segment;
    ngx_str_t   match_filter;
    ngx_str_t   match_pattern;
    ngx_str_t   segment_type;
    ngx_str_t   segment_parameter;
    ngx_str_t   request_headers;
    ngx_str_t   response_headers;
    ngx_flag_t  trust_incoming_spans;
} ngx_http_opentelemetry_loc_conf_t;

static void *ngx_http_opentelemetry_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_opentelemetry_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child);
static ngx_int_t ngx_http_opentelemetry_init(ngx_conf_t *cf);
static char *ngx_http_opentelemetry_accept(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

#define OTEL_CONTEXTS  (NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF)
#define OTEL_SETTING(name, args, set, field)                                                  \
    { ngx_string(name), OTEL_CONTEXTS|(args), set, NGX_HTTP_LOC_CONF_OFFSET,                 \
      offsetof(ngx_http_opentelemetry_loc_conf_t, field), NULL }

/* The real module's directives, with its argument counts and value types. */
static ngx_command_t ngx_http_opentelemetry_commands[] = {
    OTEL_SETTING("NginxModuleEnabled", NGX_CONF_FLAG, ngx_conf_set_flag_slot, enabled),
    OTEL_SETTING("NginxModuleOtelSpanExporter", NGX_CONF_TAKE1, ngx_conf_set_str_slot, span_exporter),
    OTEL_SETTING("NginxModuleOtelSslEnabled", NGX_CONF_FLAG, ngx_conf_set_flag_slot, ssl_enabled),
    OTEL_SETTING("NginxModuleOtelSslCertificatePath", NGX_CONF_TAKE1, ngx_conf_set_str_slot, ssl_certificate_path),
    OTEL_SETTING("NginxModuleOtelExporterEndpoint", NGX_CONF_TAKE1, ngx_conf_set_str_slot, exporter_endpoint),
    OTEL_SETTING("NginxModuleOtelExporterOtlpHeaders", NGX_CONF_TAKE1, ngx_conf_set_str_slot, exporter_otlp_headers),
    OTEL_SETTING("NginxModuleOtelSpanProcessor", NGX_CONF_TAKE1, ngx_conf_set_str_slot, span_processor),
    OTEL_SETTING("NginxModuleOtelSampler", NGX_CONF_TAKE1, ngx_conf_set_str_slot, sampler),
    OTEL_SETTING("NginxModuleServiceName", NGX_CONF_TAKE1, ngx_conf_set_str_slot, service_name),
    OTEL_SETTING("NginxModuleServiceNamespace", NGX_CONF_TAKE1, ngx_conf_set_str_slot, service_namespace),
    OTEL_SETTING("NginxModuleServiceInstanceId", NGX_CONF_TAKE1, ngx_conf_set_str_slot, service_instance_id),
    OTEL_SETTING("NginxModuleOtelMaxQueueSize", NGX_CONF_TAKE1, ngx_conf_set_size_slot, max_queue_size),
    OTEL_SETTING("NginxModuleOtelScheduledDelayMillis", NGX_CONF_TAKE1, ngx_conf_set_msec_slot,
                 scheduled_delay_millis),
    OTEL_SETTING("NginxModuleOtelExportTimeoutMillis", NGX_CONF_TAKE1, ngx_conf_set_msec_slot,
                 export_timeout_millis),
    OTEL_SETTING("NginxModuleOtelMaxExportBatchSize", NGX_CONF_TAKE1, ngx_conf_set_size_slot,
                 max_export_batch_size),
    OTEL_SETTING("NginxModuleResolveBackends", NGX_CONF_TAKE1, ngx_conf_set_flag_slot, resolve_backends),
    OTEL_SETTING("NginxModuleTraceAsError", NGX_CONF_TAKE1, ngx_conf_set_flag_slot, trace_as_error),
    OTEL_SETTING("NginxModuleReportAllInstrumentedModules", NGX_CONF_TAKE1, ngx_conf_set_flag_slot,
                 report_all_instrumented_modules),
    OTEL_SETTING("NginxModuleMaskCookie", NGX_CONF_TAKE1, ngx_conf_set_flag_slot, mask_cookie),
    OTEL_SETTING("NginxModuleCookieMatchPattern", NGX_CONF_TAKE1, ngx_conf_set_str_slot, cookie_match_pattern),
    OTEL_SETTING("NginxModuleMaskSmUser", NGX_CONF_TAKE1, ngx_conf_set_flag_slot, mask_sm_user),
    OTEL_SETTING("NginxModuleDelimiter", NGX_CONF_TAKE1, ngx_conf_set_str_slot, delimiter),
    OTEL_SETTING("NginxModuleSegment", NGX_CONF_TAKE1, ngx_conf_set_str_slot, segment),
    OTEL_SETTING("NginxModuleMatchfilter", NGX_CONF_TAKE1, ngx_conf_set_str_slot, match_filter),
    OTEL_SETTING("NginxModuleMatchpattern", NGX_CONF_TAKE1, ngx_conf_set_str_slot, match_pattern),
    OTEL_SETTING("NginxModuleSegmentType", NGX_CONF_TAKE1, ngx_conf_set_str_slot, segment_type),
    OTEL_SETTING("NginxModuleSegmentParameter", NGX_CONF_TAKE1, ngx_conf_set_str_slot, segment_parameter),
    OTEL_SETTING("NginxModuleRequestHeaders", NGX_CONF_TAKE1, ngx_conf_set_str_slot, request_headers),
    OTEL_SETTING("NginxModuleResponseHeaders", NGX_CONF_TAKE1, ngx_conf_set_str_slot, response_headers),
    OTEL_SETTING("NginxModuleTrustIncomingSpans", NGX_CONF_FLAG, ngx_conf_set_flag_slot, trust_incoming_spans),
    /* Several arguments: accepted, not kept. */
    { ngx_string("NginxModuleWebserverContext"), OTEL_CONTEXTS|NGX_CONF_TAKE3, ngx_http_opentelemetry_accept,
      NGX_HTTP_LOC_CONF_OFFSET, 0, NULL },
    { ngx_string("NginxModuleAttributes"), OTEL_CONTEXTS|NGX_CONF_1MORE, ngx_http_opentelemetry_accept,
      NGX_HTTP_LOC_CONF_OFFSET, 0, NULL },
    { ngx_string("NginxModuleIgnorePaths"), OTEL_CONTEXTS|NGX_CONF_1MORE, ngx_http_opentelemetry_accept,
      NGX_HTTP_LOC_CONF_OFFSET, 0, NULL },
    ngx_null_command
};

static ngx_http_module_t ngx_http_opentelemetry_module_ctx = {
    NULL,                                   /* preconfiguration */
    ngx_http_opentelemetry_init,            /* postconfiguration: installs the header filter */
    NULL, NULL,                             /* main configuration */
    NULL, NULL,                             /* server configuration */
    ngx_http_opentelemetry_create_loc_conf, /* location configuration (also holds http's and server's values) */
    ngx_http_opentelemetry_merge_loc_conf
};

ngx_module_t ngx_http_opentelemetry_module = {
    NGX_MODULE_V1,                          /* nginx's version and the signature of its build options */
    &ngx_http_opentelemetry_module_ctx,
    ngx_http_opentelemetry_commands,
    NGX_HTTP_MODULE,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NGX_MODULE_V1_PADDING
};

static ngx_http_output_header_filter_pt ngx_http_next_header_filter;

static char *
ngx_http_opentelemetry_accept(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    return NGX_CONF_OK;
}

static void *
ngx_http_opentelemetry_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_opentelemetry_loc_conf_t  *conf;

    /* ngx_pcalloc: every string empty; numbers and flags must start unset for their slots */
    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_opentelemetry_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }
    conf->enabled = NGX_CONF_UNSET;
    conf->ssl_enabled = NGX_CONF_UNSET;
    conf->max_queue_size = NGX_CONF_UNSET_SIZE;
    conf->scheduled_delay_millis = NGX_CONF_UNSET_MSEC;
    conf->export_timeout_millis = NGX_CONF_UNSET_MSEC;
    conf->max_export_batch_size = NGX_CONF_UNSET_SIZE;
    conf->resolve_backends = NGX_CONF_UNSET;
    conf->trace_as_error = NGX_CONF_UNSET;
    conf->report_all_instrumented_modules = NGX_CONF_UNSET;
    conf->mask_cookie = NGX_CONF_UNSET;
    conf->mask_sm_user = NGX_CONF_UNSET;
    conf->trust_incoming_spans = NGX_CONF_UNSET;
    return conf;
}

/* Only what the header shows is inherited from http to server to location. */
static char *
ngx_http_opentelemetry_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_opentelemetry_loc_conf_t  *prev = parent;
    ngx_http_opentelemetry_loc_conf_t  *conf = child;

    ngx_conf_merge_value(conf->enabled, prev->enabled, 0);
    ngx_conf_merge_str_value(conf->service_name, prev->service_name, "");
    ngx_conf_merge_str_value(conf->service_namespace, prev->service_namespace, "");
    ngx_conf_merge_str_value(conf->service_instance_id, prev->service_instance_id, "");
    ngx_conf_merge_str_value(conf->exporter_endpoint, prev->exporter_endpoint, "");
    return NGX_CONF_OK;
}

/* Adds a header to the response's headers; NGX_ERROR when out of memory. */
static ngx_int_t
ngx_http_opentelemetry_add_header(ngx_http_request_t *r, const char *name, u_char *value, size_t len)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }
    h->hash = 1;
    h->key.data = (u_char *) name;
    h->key.len = ngx_strlen(name);
    h->value.data = value;
    h->value.len = len;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif
    return NGX_OK;
}

static ngx_int_t
ngx_http_opentelemetry_header_filter(ngx_http_request_t *r)
{
    static const char                   format[] = "service=; namespace=; instance=; endpoint=; sdk=";
    ngx_http_opentelemetry_loc_conf_t  *conf;
    const char                         *sdk, *resource;
    u_char                             *value, *last;
    size_t                              len;

    conf = ngx_http_get_module_loc_conf(r, ngx_http_opentelemetry_module);
    if (r != r->main || conf == NULL || conf->enabled != 1) {
        return ngx_http_next_header_filter(r);
    }

    sdk = otel_webserver_sdk_standin(); /* resolved in the SDK library when nginx loaded this module */
    len = sizeof(format) - 1 + conf->service_name.len + conf->service_namespace.len
          + conf->service_instance_id.len + conf->exporter_endpoint.len + ngx_strlen(sdk);
    value = ngx_pnalloc(r->pool, len);
    if (value == NULL) {
        return NGX_ERROR;
    }
    last = ngx_snprintf(value, len, "service=%V; namespace=%V; instance=%V; endpoint=%V; sdk=%s",
                        &conf->service_name, &conf->service_namespace, &conf->service_instance_id,
                        &conf->exporter_endpoint, sdk);
    if (ngx_http_opentelemetry_add_header(r, "X-OpenTelemetry-Standin", value, last - value) != NGX_OK) {
        return NGX_ERROR;
    }

    resource = getenv("OTEL_RESOURCE_ATTRIBUTES");
    if (resource != NULL && ngx_http_opentelemetry_add_header(r, "X-OpenTelemetry-Standin-Resource",
            (u_char *) resource, ngx_strlen(resource)) != NGX_OK) {
        return NGX_ERROR;
    }
    return ngx_http_next_header_filter(r);
}

static ngx_int_t
ngx_http_opentelemetry_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_opentelemetry_header_filter;
    return NGX_OK;
}
