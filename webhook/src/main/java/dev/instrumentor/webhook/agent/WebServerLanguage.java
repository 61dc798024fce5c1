package dev.instrumentor.webhook.agent;

import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.AgentSpec;
import dev.instrumentor.api.v1alpha1.WebServerSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A web server's OpenTelemetry module (Apache HTTPD, nginx), with the contract of the OpenTelemetry Operator's
 * {@code internal/instrumentation/apachehttpd.go} and {@code nginx.go} and its autoinstrumentation-apache-httpd image
 * (the module and its SDK libraries under {@code /opt/opentelemetry}). The module is configured by the server's
 * configuration, not by the environment, and the image's configuration must be kept; so, in the first target
 * container:
 * <ol>
 *   <li>an init container cloned from it (its image, environment, mounts and security context) copies the server's
 *       configuration directory into an emptyDir;</li>
 *   <li>an init container of the module's image copies the module into the agent volume, writes the module's
 *       configuration (service name, namespace, endpoint, the pod's name as service instance) beside the copied
 *       configuration, and makes the server's configuration load it;</li>
 *   <li>the container mounts the agent at {@code /opt/opentelemetry-webserver/agent} and the rewritten copy over its
 *       configuration directory, in place of the first mount under it.</li>
 * </ol>
 * Every target container gets the OTEL_* environment, as upstream gives it.
 */
abstract class WebServerLanguage extends AgentLanguage {

  /** Where the module is, in the target container and the init containers: its configuration names this path. */
  static final String AGENT_DIR = "/opt/opentelemetry-webserver/agent";
  /** Where the init containers see the copy of the server's configuration directory. */
  static final String SOURCE_CONF = "/opt/opentelemetry-webserver/source-conf";
  /** Replaced by the pod's name (service.instance.id) in the module's configuration, at the pod's start. */
  static final String INSTANCE_PLACEHOLDER = "<<SID-PLACEHOLDER>>";

  /**
   * The scripts' first lines: {@code skip REASON} ends the init container successfully without touching the copied
   * configuration, so that the server starts as it would without us (fail open), and says why in the container's
   * log and its termination message ({@code kubectl describe pod}).
   */
  static final String SKIP = """
      set -e
      skip() {
        echo "instrumentor: $*: the server runs without the OpenTelemetry module" >&2
        echo "instrumentor: $*: the server runs without the OpenTelemetry module" > /dev/termination-log 2>/dev/null || true
        exit 0
      }
      """;
  /** After the module is copied: its files readable by the server's user, its logs directory writable. */
  static final String PERMISSIONS = "mkdir -p " + AGENT_DIR + "/logs && chmod -R a+rX " + AGENT_DIR + " && chmod a+rwx "
      + AGENT_DIR + "/logs\n";

  private final String confVolume;
  private final String settingsPrefix;
  private final String moduleConfigVariable;
  private final String instanceVariable;

  /**
   * @param settingsPrefix       the module's directives' prefix: {@code ApacheModule}, {@code NginxModule}
   * @param moduleConfigVariable the variable that carries the module's configuration to its init container
   * @param instanceVariable     the variable that carries the pod's name to the module's init container
   */
  WebServerLanguage(Language language, String attached, String settingsPrefix, String moduleConfigVariable,
      String instanceVariable) {
    super(language, "instrumentor-" + language.key() + "-agent", AGENT_DIR, attached);
    this.confVolume = "instrumentor-" + language.key() + "-conf";
    this.settingsPrefix = settingsPrefix;
    this.moduleConfigVariable = moduleConfigVariable;
    this.instanceVariable = instanceVariable;
  }

  /** The volume holding the rewritten copy of the server's configuration, and the init container that copies it. */
  final String confVolume() {
    return confVolume;
  }

  /** The server's configuration directory in the container, without a trailing slash. */
  abstract String confDir(AgentSpec block);

  /** The clone's command: copies {@link #confDir} into {@link #SOURCE_CONF} (and what else the module needs). */
  abstract List<String> cloneCommand(String confDir);

  /**
   * The module's init container's command: copies the module from {@code /opt/opentelemetry} into {@link #AGENT_DIR},
   * writes the module's configuration from {@link #moduleConfigVariable()} with {@link #instanceVariable()} in place
   * of {@link #INSTANCE_PLACEHOLDER}, and makes the server's configuration in {@link #SOURCE_CONF} load it.
   */
  abstract List<String> attachCommand(AgentSpec block, String confDir);

  final String moduleConfigVariable() {
    return moduleConfigVariable;
  }

  final String instanceVariable() {
    return instanceVariable;
  }

  /** The module's directives, in the server's syntax, from its settings, sorted by name. */
  abstract String moduleConfig(Map<String, String> settings, AgentSpec block);

  /** The block's {@code attrs}, which override the module's settings. */
  private static List<EnvVar> attrs(AgentSpec block) {
    return block instanceof WebServerSpec server && server.getAttrs() != null ? server.getAttrs() : List.of();
  }

  /**
   * The module's settings, as upstream computes them (its defaults, then the block's {@code attrs}), sorted: the
   * exporter's endpoint ({@code http://localhost:4317/} when the Instrumentation names none), the service's name and
   * namespace, the pod's name as instance id.
   */
  final Map<String, String> settings(AgentSpec block, String serviceName, String namespace, String endpoint) {
    String prefix = settingsPrefix;
    Map<String, String> settings = new TreeMap<>();
    settings.put(prefix + "Enabled", "ON");
    settings.put(prefix + "OtelSpanExporter", "otlp");
    settings.put(prefix + "OtelExporterEndpoint", endpoint == null || endpoint.isBlank() ? "http://localhost:4317/"
        : endpoint.trim());
    settings.put(prefix + "ServiceName", serviceName);
    settings.put(prefix + "ServiceNamespace", namespace);
    settings.put(prefix + "ServiceInstanceId", INSTANCE_PLACEHOLDER);
    settings.put(prefix + "ResolveBackends", "ON");
    settings.put(prefix + "TraceAsError", "ON");
    for (EnvVar attr : attrs(block)) {
      settings.put(attr.getName(), attr.getValue().trim()); // checked by attrsProblem
    }
    return settings;
  }

  /**
   * Why an {@code attrs} entry cannot be written into the server's configuration, or null: a name that is not a
   * directive's (letters and digits), a blank value (a directive without its argument stops the server), or a value
   * that would end the directive or start another (a line break, {@code ;}, braces, quotes, a backslash).
   */
  final String attrsProblem(AgentSpec block) {
    for (EnvVar attr : attrs(block)) {
      String name = attr.getName() == null ? "" : attr.getName();
      String where = "spec." + (language() == Language.NGINX ? "nginx" : "apacheHttpd") + ".attrs " + name;
      if (!name.matches("[A-Za-z][A-Za-z0-9]*")) {
        return where + ": a module directive's name is letters and digits";
      }
      if (attr.getValue() == null || attr.getValue().isBlank()) {
        return where + " has no value: the server would refuse the directive and not start";
      }
      if (!attr.getValue().matches("[^\\r\\n;{}\"'\\\\#]+")) {
        return where + ": the value \"" + attr.getValue() + "\" has a character that would end the directive or"
            + " start another (a line break, ;, braces, quotes, \\ or #)";
      }
    }
    return null;
  }

  /** Why a configuration directory cannot be copied and replaced, or null: an absolute path, not the root. */
  static String pathProblem(String confDir) {
    return confDir.matches("/[A-Za-z0-9._@+-]+(/[A-Za-z0-9._@+-]+)*") ? null : "the configuration directory \""
        + confDir + "\" is not an absolute path of a directory under / (letters, digits, . _ @ + -): set"
        + " spec.nginx.configFile or spec.apacheHttpd.configPath";
  }

  /**
   * Why a generated setting (the service's name, the namespace, the endpoint) cannot be written into the server's
   * configuration as one directive's argument, or null.
   */
  static String valueProblem(String serviceName, String namespace, String endpoint) {
    for (String[] value : new String[][] {{"the service name", serviceName}, {"the namespace", namespace},
        {"the endpoint", endpoint}}) {
      if (value[1] != null && !value[1].trim().matches("[^\\s;{}\"'\\\\#]*")) {
        return value[0] + " \"" + value[1] + "\" has a space or a character that would end the module's directive"
            + " or start another (;, braces, quotes, \\ or #): the server would not start with it";
      }
    }
    return null;
  }

  @Override
  final List<Copy> copies(AgentSpec block, String agentImage, String variant) {
    return List.of(); // the init containers are the pod's own: built from its container at admission
  }
}
