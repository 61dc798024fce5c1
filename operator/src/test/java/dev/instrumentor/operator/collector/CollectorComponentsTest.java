package dev.instrumentor.operator.collector;

import static dev.instrumentor.operator.collector.CollectorConfigTest.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CollectorComponentsTest {

  private static final String CONTRIB = "otel/opentelemetry-collector-contrib:0.139.0";

  @Test
  void officialImagesAtAListedVersionAreKnownWhateverTheRegistrySpelling() {
    for (String image : List.of(CONTRIB, "docker.io/otel/opentelemetry-collector-contrib:0.139.0",
        "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib:0.139.0",
        "otel/opentelemetry-collector-contrib:0.139.0@sha256:" + "a".repeat(64))) {
      assertThat(CollectorComponents.forImage(image)).as(image).hasValueSatisfying(
          components -> assertThat(components.describe()).isEqualTo("otelcol-contrib 0.139.0"));
    }
    assertThat(CollectorComponents.forImage("otel/opentelemetry-collector:0.139.0")).hasValueSatisfying(
        components -> assertThat(components.describe()).isEqualTo("otelcol 0.139.0"));
    assertThat(CollectorComponents.forImage("otel/opentelemetry-collector-k8s:0.139.0")).isPresent();
    for (String unknown : List.of("otel/opentelemetry-collector-contrib:0.1.0", "registry.example.com/our-collector:1.2.3",
        "otel/opentelemetry-collector-contrib@sha256:" + "a".repeat(64), "otel/opentelemetry-collector-contrib:latest", "")) {
      assertThat(CollectorComponents.forImage(unknown)).as(unknown).isEmpty();
    }
  }

  @Test
  void aTypoIsRefusedNamingTheComponentAndTheClosestType() {
    CollectorConfig config = CollectorConfig.of(yaml("""
        receivers: {otlp: {protocols: {grpc: {}}}}
        processors: {batch: {}, tail_sampling: {}}
        exporters: {otlpp/jaeger: {}, otlphttps: {}, debug: {}}
        extensions: {healthcheck: {}}
        service:
          pipelines:
            traces: {receivers: [otlp], processors: [batch, tail_sampling], exporters: [otlpp/jaeger, debug]}
        """));
    assertThat(config.valid()).as("structurally fine").isTrue();
    assertThat(CollectorComponents.problems(config, CONTRIB)).containsExactly(
        "exporters.otlphttps: otelcol-contrib 0.139.0 has no exporter of type \"otlphttps\" (did you mean \"otlphttp\"?)",
        "exporters.otlpp/jaeger: otelcol-contrib 0.139.0 has no exporter of type \"otlpp\" (did you mean \"otlp\"?)",
        "extensions.healthcheck: otelcol-contrib 0.139.0 has no extension of type \"healthcheck\" (did you mean \"health_check\"?)");
    // the core distribution does not ship tail_sampling
    assertThat(CollectorComponents.problems(config, "otel/opentelemetry-collector:0.139.0"))
        .anyMatch(problem -> problem.startsWith("processors.tail_sampling: otelcol 0.139.0 has no processor"));
    // a custom image: not checked
    assertThat(CollectorComponents.problems(config, "registry.example.com/our-collector:1.0.0")).isEmpty();
  }

  @Test
  void theContribListHasWhatTheseTeamsUse() {
    CollectorConfig config = CollectorConfig.of(yaml("""
        receivers: {otlp: {protocols: {grpc: {}}}, prometheus: {}, k8s_cluster: {}, kubeletstats: {}, k8sobjects: {},
          filelog: {}, hostmetrics: {}, jaeger: {protocols: {grpc: {}}}, zipkin: {}}
        processors: {k8sattributes: {}, tail_sampling: {}, batch: {}, memory_limiter: {}, resourcedetection: {},
          filter: {}, transform: {}, attributes: {}, resource: {}}
        exporters: {otlp: {}, otlphttp: {}, loadbalancing: {}, prometheus: {}, prometheusremotewrite: {}, debug: {},
          kafka: {}}
        connectors: {spanmetrics: {}, forward: {}, count: {}}
        extensions: {basicauth: {}, health_check: {}, pprof: {}, zpages: {}, bearertokenauth: {}}
        service:
          pipelines:
            traces: {receivers: [otlp], exporters: [debug]}
        """));
    assertThat(CollectorComponents.problems(config, CONTRIB)).isEmpty();
  }
}
