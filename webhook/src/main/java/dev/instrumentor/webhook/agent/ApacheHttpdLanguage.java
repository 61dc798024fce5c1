package dev.instrumentor.webhook.agent;

import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.AgentSpec;
import dev.instrumentor.api.v1alpha1.ApacheHttpdSpec;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import java.util.List;
import java.util.Map;

/**
 * Apache HTTPD's OpenTelemetry module ({@link WebServerLanguage}): the clone copies the configuration directory
 * ({@code spec.apacheHttpd.configPath}, default {@code /usr/local/apache2/conf}, the official image's); the module's
 * init container writes {@code opentemetry_agent.conf} (upstream's spelling, kept so that configurations written for
 * it still apply) with the SDK's libraries, the module for the server's version (2.4, or 2.2) and its settings, and
 * appends an {@code Include} of it to the copy of {@code httpd.conf} (the official image's), or of
 * {@code apache2.conf} where there is no httpd.conf (Debian's and Ubuntu's layout, which upstream does not know).
 */
final class ApacheHttpdLanguage extends WebServerLanguage {

  static final String NAME = Language.APACHE_HTTPD.key();
  static final String DEFAULT_CONF_DIR = "/usr/local/apache2/conf";
  static final String MODULE_CONFIG = "opentemetry_agent.conf";
  static final String CONFIG_VARIABLE = "OTEL_APACHE_AGENT_CONF";
  static final String INSTANCE_VARIABLE = "APACHE_SERVICE_INSTANCE_ID";
  /** The SDK's libraries the module needs, loaded before it, in this order. */
  private static final List<String> LIBRARIES = List.of("libopentelemetry_common.so", "libopentelemetry_resources.so",
      "libopentelemetry_trace.so", "libopentelemetry_otlp_recordable.so", "libopentelemetry_exporter_ostream_span.so",
      "libopentelemetry_exporter_otlp_grpc.so", "libopentelemetry_webserver_sdk.so");

  /** $1: the configuration directory; a directory the image does not have leaves the copy empty. */
  private static final String CLONE = """
      cp -r "$1"/. %1$s || echo "instrumentor: the image has no $1" >&2
      """.formatted(SOURCE_CONF);

  /**
   * $1: the configuration directory as the server sees it (where the Include points). Every value from a user comes
   * as an argument or a variable, never inside the script.
   */
  private static final String ATTACH = SKIP + """
      main=%2$s/httpd.conf
      if [ ! -f "$main" ] && [ -f %2$s/apache2.conf ]; then main=%2$s/apache2.conf; fi
      [ -f "$main" ] || skip "$1 has neither httpd.conf nor apache2.conf"
      cp -r /opt/opentelemetry/. %1$s
      """.formatted(AGENT_DIR, SOURCE_CONF) + PERMISSIONS + """
      sed "s,__agent_log_dir__,%1$s/logs,g" %1$s/conf/opentelemetry_sdk_log4cxx.xml.template \\
        > %1$s/conf/opentelemetry_sdk_log4cxx.xml
      printf '%%s\\n' "$%3$s" | sed "s,%4$s,$%5$s,g" > %2$s/%6$s
      printf '\\nInclude "%%s/%6$s"\\n' "$1" >> "$main"
      """.formatted(AGENT_DIR, SOURCE_CONF, CONFIG_VARIABLE, INSTANCE_PLACEHOLDER, INSTANCE_VARIABLE, MODULE_CONFIG);

  ApacheHttpdLanguage() {
    super(Language.APACHE_HTTPD, "Apache HTTPD OpenTelemetry module attached", "ApacheModule", CONFIG_VARIABLE,
        INSTANCE_VARIABLE);
  }

  @Override
  AgentSpec block(InstrumentationSpec spec) {
    return spec.getApacheHttpd();
  }

  @Override
  String confDir(AgentSpec block) {
    String configured = block instanceof ApacheHttpdSpec apache ? apache.getConfigPath() : null;
    if (configured == null || configured.isBlank()) {
      return DEFAULT_CONF_DIR;
    }
    String dir = configured.trim();
    return dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
  }

  @Override
  List<String> cloneCommand(String confDir) {
    return List.of("/bin/sh", "-c", CLONE, "--", confDir);
  }

  @Override
  List<String> attachCommand(AgentSpec block, String confDir) {
    return List.of("/bin/sh", "-c", ATTACH, "--", confDir);
  }

  /** The libraries, the module of the server's version ({@code 2.2}: {@code libmod_apache_otel22.so}), the settings. */
  @Override
  String moduleConfig(Map<String, String> settings, AgentSpec block) {
    String version = block instanceof ApacheHttpdSpec apache && "2.2".equals(apache.getVersion()) ? "22" : "";
    StringBuilder config = new StringBuilder("# the OpenTelemetry web server SDK\n");
    for (String library : LIBRARIES) {
      config.append("LoadFile ").append(AGENT_DIR).append("/sdk_lib/lib/").append(library).append('\n');
    }
    config.append("# the OpenTelemetry Apache module\n");
    config.append("LoadModule otel_apache_module ").append(AGENT_DIR).append("/WebServerModule/Apache/libmod_apache_otel")
        .append(version).append(".so\n");
    settings.forEach((key, value) -> config.append(key).append(' ').append(value).append('\n'));
    return config.toString();
  }
}
