package dev.instrumentor.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SchemaValidatorTest {

  private final KubernetesSerialization yaml = new KubernetesSerialization();
  private final SchemaValidator instrumentations = SchemaValidator.forResource("instrumentations");
  private final SchemaValidator collectors = SchemaValidator.forResource("telemetrycollectors");

  private JsonNode read(String text) {
    return yaml.unmarshal(text, JsonNode.class);
  }

  @Test
  void theShippedExamplesAreValid() throws IOException {
    Path examples = Path.of("").toAbsolutePath().resolveSibling("examples");
    assertThat(instrumentations.validate(read(Files.readString(examples.resolve("instrumentation.yaml"))))).isEmpty();
    assertThat(collectors.validate(read(Files.readString(examples.resolve("collector.yaml"))))).isEmpty();
  }

  @Test
  void namesEachProblemByItsPath() {
    JsonNode bad = read("""
        apiVersion: instrumentor.dev/v1alpha1
        kind: Instrumentation
        metadata: {name: x}
        spec:
          exporter:
            endpoint: collector:4317
          samplr: {type: always_on}
          sampler: {type: sometimes}
          propagators: [tracecontext, w3c]
          resource:
            addK8sUIDAttributes: "yes"
          java:
            extensions:
              - image: ext:1
            resources:
              limits: {memory: 128Mi, cpu: 1}
            env:
              - name: A
                valu: typo
        """);

    assertThat(instrumentations.validate(bad)).containsExactlyInAnyOrder(
        "spec.samplr: unknown field",
        "spec.sampler.type: \"sometimes\" is not one of [always_off, always_on, jaeger_remote, parentbased_always_off,"
            + " parentbased_always_on, parentbased_jaeger_remote, parentbased_traceidratio, traceidratio, xray]",
        "spec.propagators[1]: \"w3c\" is not one of [b3, b3multi, baggage, jaeger, none, ottrace, tracecontext, xray]",
        "spec.resource.addK8sUIDAttributes: must be true or false",
        "spec.java.extensions[0].dir: required",
        "spec.java.env[0].valu: unknown field");
  }

  @Test
  void collectorConfigIsFreeFormButMustBeAnObject() {
    assertThat(collectors.validate(read("spec: {config: {anything: {goes: [1, 2]}}}"))).isEmpty();
    assertThat(collectors.validate(read("spec: {config: 'receivers: {}'}"))).containsExactly("spec.config: must be an object");
    assertThat(collectors.validate(read("spec: {replicas: -1, config: {}}"))).containsExactly("spec.replicas: must be at least 0");
    assertThat(collectors.validate(read("spec: {}"))).containsExactly("spec.config: required");
    assertThat(collectors.validate(read("kind: TelemetryCollector"))).containsExactly("spec: required");
  }
}
