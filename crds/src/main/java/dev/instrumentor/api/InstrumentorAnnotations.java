package dev.instrumentor.api;

/**
 * The annotations users put on pod templates or Namespaces, and the ones Instrumentor writes back.
 * Every key carries the {@value #PREFIX} prefix.
 */
public final class InstrumentorAnnotations {

  public static final String PREFIX = "instrumentor.dev/";

  /** {@code "true"}, {@code "false"}, {@code "<name>"} or {@code "<namespace>/<name>"} of an Instrumentation. */
  public static final String INJECT_JAVA = PREFIX + "inject-java";

  /** Comma-separated container names to instrument, for every language. Default: the first container. */
  public static final String CONTAINER_NAMES = PREFIX + "container-names";

  /** Comma-separated container names to instrument with Java; wins over {@link #CONTAINER_NAMES}. */
  public static final String JAVA_CONTAINER_NAMES = PREFIX + "java-container-names";

  /** As {@link #INJECT_JAVA}, for Python. */
  public static final String INJECT_PYTHON = PREFIX + "inject-python";

  /** Comma-separated container names to instrument with Python; wins over {@link #CONTAINER_NAMES}. */
  public static final String PYTHON_CONTAINER_NAMES = PREFIX + "python-container-names";

  /** The C library of the pod's Python: {@code glibc} (default) or {@code musl} (Alpine images). */
  public static final String PYTHON_PLATFORM = PREFIX + "python-platform";

  /** {@code "true"} or {@code "<name>"} of a sidecar-mode TelemetryCollector to add to the pod. */
  public static final String INJECT_SIDECAR = PREFIX + "inject-sidecar";

  /** Written by the webhook: the outcome of injection per language, as JSON. */
  public static final String STATUS = PREFIX + "injection-status";

  /** The OpenTelemetry semantic-convention annotation that names the service explicitly. */
  public static final String OTEL_SERVICE_NAME = "resource.opentelemetry.io/service.name";

  private InstrumentorAnnotations() {
  }
}
