package dev.instrumentor.operator.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class CollectorConfigTest {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  static JsonNode yaml(String text) {
    return YAML.unmarshal(text, JsonNode.class);
  }

  @Test
  void aTypicalGatewayConfigIsValidAndListensOnOtlpPorts() {
    CollectorConfig config = CollectorConfig.of(yaml("""
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: 0.0.0.0:4317}
              http: {}
        processors:
          batch: {}
        exporters:
          otlp/jaeger: {endpoint: "jaeger:4317"}
        service:
          pipelines:
            traces: {receivers: [otlp], processors: [batch], exporters: [otlp/jaeger]}
        """));

    assertThat(config.problems()).isEmpty();
    assertThat(config.ports()).containsExactly(
        new CollectorPort("otlp-grpc", 4317, "TCP", "grpc", "receivers.otlp"),
        new CollectorPort("otlp-http", 4318, "TCP", "http", "receivers.otlp"));
    assertThat(config.monitoringPort()).isEqualTo(8888);
    assertThat(config.healthCheckPort()).isNull();
  }

  @Test
  void portsFromSeveralReceiversAndAListeningExporter() {
    CollectorConfig config = CollectorConfig.of(yaml("""
        receivers:
          otlp/internal:
            protocols: {grpc: {endpoint: ":14317"}}
          jaeger:
            protocols: {grpc: {}, thrift_compact: {}}
          zipkin: {}
          prometheus:
            config: {scrape_configs: []}
          hostmetrics: {collection_interval: 10s}
          unused:
            endpoint: 0.0.0.0:7777
        exporters:
          prometheus: {endpoint: "0.0.0.0:8889"}
          debug: {}
        extensions:
          health_check: {endpoint: "0.0.0.0:13133"}
        service:
          extensions: [health_check]
          telemetry:
            metrics: {address: "0.0.0.0:9999"}
          pipelines:
            traces: {receivers: [otlp/internal, jaeger, zipkin], exporters: [debug]}
            metrics: {receivers: [prometheus, hostmetrics], exporters: [prometheus]}
        """));

    assertThat(config.problems()).isEmpty();
    assertThat(config.ports()).containsExactly(
        new CollectorPort("prometheus", 8889, "TCP", null, "exporters.prometheus"),
        new CollectorPort("jaeger-compact", 6831, "UDP", null, "receivers.jaeger"),
        new CollectorPort("jaeger-grpc", 14250, "TCP", "grpc", "receivers.jaeger"),
        // "otlp-internal-grpc" is longer than the 15 characters a port name may have
        new CollectorPort("port-14317", 14317, "TCP", "grpc", "receivers.otlp/internal"),
        new CollectorPort("zipkin", 9411, "TCP", "http", "receivers.zipkin"));
    assertThat(config.monitoringPort()).isEqualTo(9999);
    assertThat(config.healthCheckPort()).isEqualTo(13133);
  }

  @Test
  void undefinedComponentsAreNamed() {
    CollectorConfig config = CollectorConfig.of(yaml("""
        receivers: {otlp: {protocols: {grpc: {}}}}
        processors: {batch: {}}
        exporters: {debug: {}}
        service:
          extensions: [pprof]
          pipelines:
            traces: {receivers: [otlp, kafka], processors: [batch, memory_limiter], exporters: [otlp/jaeger]}
            events: {receivers: [otlp], exporters: [debug]}
            metrics: {receivers: [otlp]}
        """));

    assertThat(config.problems()).containsExactlyInAnyOrder(
        "service.pipelines.traces: receiver \"kafka\" is not defined in receivers or connectors",
        "service.pipelines.traces: processor \"memory_limiter\" is not defined in processors",
        "service.pipelines.traces: exporter \"otlp/jaeger\" is not defined in exporters or connectors",
        "service.pipelines.events: unknown pipeline type (use traces, metrics, logs or profiles, optionally /name)",
        "service.pipelines.metrics.exporters: at least one is required",
        "service.extensions: extension \"pprof\" is not defined in extensions");
  }

  @Test
  void connectorsMustBeBothExporterAndReceiver() {
    CollectorConfig valid = CollectorConfig.of(yaml("""
        receivers: {otlp: {protocols: {grpc: {}}}}
        connectors: {spanmetrics: {}}
        exporters: {debug: {}}
        service:
          pipelines:
            traces: {receivers: [otlp], exporters: [spanmetrics]}
            metrics/spans: {receivers: [spanmetrics], exporters: [debug]}
        """));
    assertThat(valid.problems()).isEmpty();
    CollectorConfig half = CollectorConfig.of(yaml("""
        receivers: {otlp: {protocols: {grpc: {}}}}
        connectors: {spanmetrics: {}}
        exporters: {debug: {}}
        service:
          pipelines:
            traces: {receivers: [otlp], exporters: [spanmetrics, debug]}
        """));
    assertThat(half.problems()).containsExactly(
        "connectors.spanmetrics: used as an exporter but not as a receiver in any pipeline");
  }

  @Test
  void clashingAndInvalidPortsAreProblems() {
    CollectorConfig config = CollectorConfig.of(yaml("""
        receivers:
          otlp: {protocols: {grpc: {endpoint: "0.0.0.0:9411"}}}
          zipkin: {}
          otlp/bad: {protocols: {http: {endpoint: "0.0.0.0:99999"}}}
        exporters: {debug: {}}
        service:
          pipelines:
            traces: {receivers: [otlp, zipkin, otlp/bad], exporters: [debug]}
        """));
    assertThat(config.problems()).containsExactly(
        "receivers.otlp/bad.protocols.http.endpoint: \"0.0.0.0:99999\" has no valid port (1-65535)",
        "receivers.zipkin: port 9411 is also used by receivers.otlp");
  }

  @Test
  void notAMapOrNoPipelines() {
    assertThat(CollectorConfig.of(yaml("\"just text\"")).problems())
        .containsExactly("config: must be a map with receivers, exporters and service.pipelines");
    assertThat(CollectorConfig.of(yaml("receivers: {otlp: {}}")).problems())
        .containsExactly("service.pipelines: at least one pipeline is required");
    assertThat(CollectorConfig.of(yaml("receivers: [otlp]\nservice: {pipelines: {traces: {receivers: [otlp], exporters: [x]}}}"))
        .problems()).contains("receivers: must be a map of component id to settings");
  }

  @Test
  void portsInEnvironmentVariablesAreNotGuessed() {
    CollectorConfig config = CollectorConfig.of(yaml("""
        receivers: {otlp: {protocols: {grpc: {endpoint: "${env:MY_POD_IP}:4317"}, http: {endpoint: "${env:HTTP_ENDPOINT}"}}}}
        exporters: {debug: {}}
        service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
        """));
    assertThat(config.problems()).isEmpty();
    assertThat(config.ports()).extracting(CollectorPort::port).containsExactly(4317);
  }

  @Test
  void listenersWithoutAnAddressAreBoundToAllInterfacesAndWrittenOnesKept() {
    JsonNode written = yaml("""
        receivers:
          otlp:
            protocols:
              grpc:
              http: {endpoint: "localhost:4318", cors: {allowed_origins: ["*"]}}
          zipkin: {}
          jaeger/unused: {protocols: {grpc: {}}}
        exporters:
          otlp/jaeger: {endpoint: "jaeger:4317"}
        extensions:
          health_check:
        service:
          extensions: [health_check]
          pipelines:
            traces: {receivers: [otlp, zipkin], exporters: [otlp/jaeger]}
        """);
    JsonNode original = written.deepCopy();
    CollectorConfig config = CollectorConfig.of(written);
    assertThat(config.problems()).isEmpty();

    CollectorConfig.Rendered rendered = config.render(true);
    JsonNode out = rendered.config();
    assertThat(out.at("/receivers/otlp/protocols/grpc/endpoint").asText()).isEqualTo("0.0.0.0:4317");
    assertThat(out.at("/receivers/otlp/protocols/http/endpoint").asText()).as("written: kept").isEqualTo("localhost:4318");
    assertThat(out.at("/receivers/otlp/protocols/http/cors/allowed_origins/0").asText()).isEqualTo("*");
    assertThat(out.at("/receivers/zipkin/endpoint").asText()).isEqualTo("0.0.0.0:9411");
    assertThat(out.at("/receivers/jaeger~1unused/protocols/grpc").isEmpty()).as("in no pipeline: not touched").isTrue();
    assertThat(out.at("/extensions/health_check/endpoint").asText()).isEqualTo("0.0.0.0:13133");
    assertThat(out.at("/service/telemetry/metrics/readers/0/pull/exporter/prometheus/host").asText()).isEqualTo("0.0.0.0");
    assertThat(out.at("/service/telemetry/metrics/readers/0/pull/exporter/prometheus/port").asInt()).isEqualTo(8888);
    assertThat(rendered.defaulted()).containsExactly("receivers.otlp.protocols.grpc.endpoint", "receivers.zipkin.endpoint",
        "extensions.health_check.endpoint", "service.telemetry.metrics.readers");
    assertThat(CollectorConfig.of(out).problems()).as("the rendered config is valid too").isEmpty();

    assertThat(written).as("the spec's config is not changed").isEqualTo(original);
    assertThat(config.render(false).config()).as("a sidecar is reached on localhost: as written").isEqualTo(original);
    assertThat(config.render(false).defaulted()).isEmpty();
  }

  @Test
  void ownMetricsWrittenByTheUserAreKept() {
    CollectorConfig config = CollectorConfig.of(yaml("""
        receivers: {otlp: {protocols: {grpc: {endpoint: "0.0.0.0:4317"}}}}
        exporters: {debug: {}}
        service:
          telemetry: {metrics: {level: none}}
          pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
        """));
    assertThat(config.render(true).defaulted()).isEmpty();
  }
}
