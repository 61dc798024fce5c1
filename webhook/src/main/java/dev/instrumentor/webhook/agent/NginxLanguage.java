package dev.instrumentor.webhook.agent;

import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.AgentSpec;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.api.v1alpha1.NginxSpec;
import java.util.List;
import java.util.Map;

/**
 * nginx's OpenTelemetry module ({@link WebServerLanguage}): the clone copies the directory of the configuration file
 * ({@code spec.nginx.configFile}, default {@code /etc/nginx/nginx.conf}) and records the server's version
 * ({@code nginx -v}), whose build of the module is loaded; the module's init container writes its settings into
 * {@code conf.d/opentelemetry_agent.conf} (nginx's configuration includes {@code conf.d/*.conf} in its http block, as
 * the official images' and Debian's do) and puts {@code load_module} and {@code env OTEL_RESOURCE_ATTRIBUTES} at the
 * top of the configuration file. The first target container's LD_LIBRARY_PATH gains the SDK's libraries.
 */
final class NginxLanguage extends WebServerLanguage {

  static final String NAME = Language.NGINX.key();
  static final String DEFAULT_CONFIG_FILE = "/etc/nginx/nginx.conf";
  static final String MODULE_CONFIG = "opentelemetry_agent.conf";
  static final String CONFIG_VARIABLE = "OTEL_NGINX_AGENT_CONF";
  static final String INSTANCE_VARIABLE = "OTEL_NGINX_SERVICE_INSTANCE_ID";
  static final String LIBRARY_PATH = "LD_LIBRARY_PATH";

  /**
   * $1: the configuration directory. Runs in the server's own image: its nginx tells the version (none: the module
   * init container then finds no build for it and leaves the configuration alone).
   */
  private static final String CLONE = """
      set -e
      cp -r "$1"/. %1$s
      version="$( { nginx -v; } 2>&1 )" || version=unknown
      echo "${version##*/}" > %1$s/version.txt
      """.formatted(SOURCE_CONF);

  /** $1: the configuration file's name in the directory. */
  private static final String ATTACH = SKIP + """
      config="%2$s/$1"
      [ -f "$config" ] || skip "the configuration directory has no $1"
      version=$(cat %2$s/version.txt)
      version=${version%%%% *}
      build="WebServerModule/Nginx/$version/ngx_http_opentelemetry_module.so"
      [ -f "/opt/opentelemetry/$build" ] || skip "the module image has no build for nginx $version"
      cp -r /opt/opentelemetry/. %1$s
      """.formatted(AGENT_DIR, SOURCE_CONF) + PERMISSIONS + """
      sed "s,__agent_log_dir__,%1$s/logs,g" %1$s/conf/opentelemetry_sdk_log4cxx.xml.template \\
        > %1$s/conf/opentelemetry_sdk_log4cxx.xml
      mkdir -p %2$s/conf.d
      printf '%%s\\n' "$%3$s" | sed "s,%4$s,$%5$s,g" > %2$s/conf.d/%6$s
      { printf 'env OTEL_RESOURCE_ATTRIBUTES;\\nload_module %1$s/%%s;\\n' "$build"; cat "$config"; } > "$config.instrumented"
      mv "$config.instrumented" "$config"
      """.formatted(AGENT_DIR, SOURCE_CONF, CONFIG_VARIABLE, INSTANCE_PLACEHOLDER, INSTANCE_VARIABLE, MODULE_CONFIG);

  private static final List<Loader> LOADERS = List.of(new Loader(LIBRARY_PATH, null, AGENT_DIR + "/sdk_lib/lib", ":"));

  NginxLanguage() {
    super(Language.NGINX, "nginx OpenTelemetry module attached", "NginxModule", CONFIG_VARIABLE, INSTANCE_VARIABLE);
  }

  @Override
  AgentSpec block(InstrumentationSpec spec) {
    return spec.getNginx();
  }

  private static String configFile(AgentSpec block) {
    String configured = block instanceof NginxSpec nginx ? nginx.getConfigFile() : null;
    return configured == null || configured.isBlank() ? DEFAULT_CONFIG_FILE : configured.trim();
  }

  @Override
  String confDir(AgentSpec block) {
    String file = configFile(block);
    int slash = file.lastIndexOf('/');
    return slash <= 0 ? "/" : file.substring(0, slash);
  }

  @Override
  List<String> cloneCommand(String confDir) {
    return List.of("/bin/sh", "-c", CLONE, "--", confDir);
  }

  @Override
  List<String> attachCommand(AgentSpec block, String confDir) {
    String file = configFile(block);
    return List.of("/bin/sh", "-c", ATTACH, "--", file.substring(file.lastIndexOf('/') + 1));
  }

  @Override
  List<Loader> loaders(AgentSpec block, String variant) {
    return LOADERS;
  }

  @Override
  String moduleConfig(Map<String, String> settings, AgentSpec block) {
    StringBuilder config = new StringBuilder();
    settings.forEach((key, value) -> config.append(key).append(' ').append(value).append(";\n"));
    return config.toString();
  }
}
