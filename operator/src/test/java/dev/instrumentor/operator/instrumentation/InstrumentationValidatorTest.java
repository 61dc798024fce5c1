package dev.instrumentor.operator.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstrumentationValidatorTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://collector.observability:4317 |",
      "https://collector:4318/ |",
      // Kubernetes expands the reference in the pod: a node-local collector
      "http://$(OTEL_NODE_IP):4318 |",
      "http://$(COLLECTOR_HOST):$(COLLECTOR_PORT) |",
      "http://collector:99999 | above 65535",
      "grpc://collector:4317 | write http:// (or https://) and set spec.exporter.protocol: grpc",
      "ftp://collector:4317 | must start with http:// or https://",
      "http://:4317 | has no host",
  })
  void endpoints(String endpoint, String problem) {
    String found = InstrumentationValidator.endpointProblem(endpoint);
    if (problem == null) {
      assertThat(found).isNull();
    } else {
      assertThat(found).contains(problem);
    }
  }
}
