package dev.instrumentor.webhook.mutation;

import java.util.Objects;

/**
 * Defaults the operator's configuration gives the mutator.
 *
 * @param agentImages      the agent image per language when an Instrumentation names none
 * @param agentRunAsUser   the non-root user of injected init containers when the pod sets none
 * @param collectorImage   the collector image when a sidecar-mode TelemetryCollector names none
 * @param nativeSidecars   whether the API server runs native sidecars (1.29+): init containers with
 *                         {@code restartPolicy: Always}
 */
public record InjectorSettings(AgentImages agentImages, long agentRunAsUser, String collectorImage,
    boolean nativeSidecars) {

  public static final String DEFAULT_COLLECTOR_IMAGE = "otel/opentelemetry-collector-contrib:0.158.0";
  /** The conventional "nonroot" user of distroless images. */
  public static final long DEFAULT_RUN_AS_USER = 65532L;

  public InjectorSettings {
    Objects.requireNonNull(agentImages, "agentImages");
    Objects.requireNonNull(collectorImage, "collectorImage");
    if (agentRunAsUser <= 0) {
      throw new IllegalArgumentException("agentRunAsUser must be a non-root user id, got " + agentRunAsUser);
    }
  }

  public static InjectorSettings defaults() {
    return new InjectorSettings(AgentImages.DEFAULTS, DEFAULT_RUN_AS_USER, DEFAULT_COLLECTOR_IMAGE, true);
  }
}
