package dev.instrumentor.webhook.inject;

import java.util.Objects;

/**
 * Defaults the operator's configuration gives the mutator.
 *
 * @param javaAgentImage   the Java agent image when an Instrumentation names none
 * @param pythonAgentImage the Python auto-instrumentation image when an Instrumentation names none
 * @param agentRunAsUser   the non-root user of injected init containers when the pod sets none
 * @param collectorImage   the collector image when a sidecar-mode TelemetryCollector names none
 * @param nativeSidecars   whether the API server runs native sidecars (1.29+): init containers with
 *                         {@code restartPolicy: Always}
 */
public record InjectorSettings(String javaAgentImage, String pythonAgentImage, long agentRunAsUser,
    String collectorImage, boolean nativeSidecars) {

  /** The public image of the OpenTelemetry Operator's Java agent: {@code /javaagent.jar} inside. */
  public static final String DEFAULT_JAVA_AGENT_IMAGE =
      "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.21.0";
  /**
   * The public image of the OpenTelemetry Operator's Python auto-instrumentation: the distro and the
   * instrumentations under {@code /autoinstrumentation} and {@code /autoinstrumentation-musl}.
   */
  public static final String DEFAULT_PYTHON_AGENT_IMAGE =
      "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-python:0.59b0";
  public static final String DEFAULT_COLLECTOR_IMAGE = "otel/opentelemetry-collector-contrib:0.139.0";
  /** The conventional "nonroot" user of distroless images. */
  public static final long DEFAULT_RUN_AS_USER = 65532L;

  public InjectorSettings {
    Objects.requireNonNull(javaAgentImage, "javaAgentImage");
    Objects.requireNonNull(pythonAgentImage, "pythonAgentImage");
    Objects.requireNonNull(collectorImage, "collectorImage");
    if (agentRunAsUser <= 0) {
      throw new IllegalArgumentException("agentRunAsUser must be a non-root user id, got " + agentRunAsUser);
    }
  }

  public static InjectorSettings defaults() {
    return new InjectorSettings(DEFAULT_JAVA_AGENT_IMAGE, DEFAULT_PYTHON_AGENT_IMAGE, DEFAULT_RUN_AS_USER,
        DEFAULT_COLLECTOR_IMAGE, true);
  }
}
