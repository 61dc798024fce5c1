package dev.instrumentor.api;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The languages Instrumentor injects, in the order they are injected (their init containers' order in a
 * pod): the one list that the injectors, the default agent images and their flags, the fleet view, the
 * annotation keys (ours and the OpenTelemetry Operator's) and every message naming the languages are
 * built from. A new language is a constant here, its injector's contract and its CRD block.
 */
public enum Language {
  JAVA("java", "Java", InstrumentorAnnotations.INJECT_JAVA, InstrumentorAnnotations.JAVA_CONTAINER_NAMES, true),
  NODEJS("nodejs", "Node.js", InstrumentorAnnotations.INJECT_NODEJS, InstrumentorAnnotations.NODEJS_CONTAINER_NAMES, true),
  PYTHON("python", "Python", InstrumentorAnnotations.INJECT_PYTHON, InstrumentorAnnotations.PYTHON_CONTAINER_NAMES, true),
  DOTNET("dotnet", ".NET", InstrumentorAnnotations.INJECT_DOTNET, InstrumentorAnnotations.DOTNET_CONTAINER_NAMES, true),
  /** eBPF: a sidecar attaches to the application's process; its image is the agent. */
  GO("go", "Go", InstrumentorAnnotations.INJECT_GO, InstrumentorAnnotations.GO_CONTAINER_NAMES, true),
  /** The OpenTelemetry web server module, loaded by the server's configuration (which init containers rewrite). */
  APACHE_HTTPD("apache-httpd", "Apache HTTPD", InstrumentorAnnotations.INJECT_APACHE_HTTPD,
      InstrumentorAnnotations.APACHE_HTTPD_CONTAINER_NAMES, true),
  /** As Apache HTTPD's, for nginx. */
  NGINX("nginx", "nginx", InstrumentorAnnotations.INJECT_NGINX, InstrumentorAnnotations.NGINX_CONTAINER_NAMES, true),
  /** The OTEL_* environment only, for applications that set up the OpenTelemetry SDK themselves. */
  SDK("sdk", "SDK", InstrumentorAnnotations.INJECT_SDK, InstrumentorAnnotations.SDK_CONTAINER_NAMES, false);

  private final String key;
  private final String displayName;
  private final String injectAnnotation;
  private final String containerNamesAnnotation;
  private final boolean agent;

  Language(String key, String displayName, String injectAnnotation, String containerNamesAnnotation, boolean agent) {
    this.key = key;
    this.displayName = displayName;
    this.injectAnnotation = injectAnnotation;
    this.containerNamesAnnotation = containerNamesAnnotation;
    this.agent = agent;
  }

  /** As annotations, status and metrics name it: {@code java}, {@code nodejs}, ... */
  public String key() {
    return key;
  }

  /** As people write it: {@code Java}, {@code Node.js}, ... */
  public String displayName() {
    return displayName;
  }

  /** {@code instrumentor.dev/inject-<key>}. */
  public String injectAnnotation() {
    return injectAnnotation;
  }

  /** {@code instrumentor.dev/<key>-container-names}. */
  public String containerNamesAnnotation() {
    return containerNamesAnnotation;
  }

  /** The OpenTelemetry Operator's {@code instrumentation.opentelemetry.io/inject-<key>}. */
  public String upstreamInjectAnnotation() {
    return InstrumentorAnnotations.Upstream.of(injectAnnotation);
  }

  /** Whether an agent image is copied into the pod (every language but the SDK's environment). */
  public boolean hasAgent() {
    return agent;
  }

  /** The languages with an agent image. */
  public static List<Language> withAgents() {
    return Arrays.stream(values()).filter(Language::hasAgent).toList();
  }

  /** {@code java, nodejs, python, dotnet, go, apache-httpd, nginx and sdk}: for messages. */
  public static String listed() {
    List<String> keys = Arrays.stream(values()).map(Language::key).toList();
    return keys.subList(0, keys.size() - 1).stream().collect(Collectors.joining(", ")) + " and " + keys.get(keys.size() - 1);
  }
}
