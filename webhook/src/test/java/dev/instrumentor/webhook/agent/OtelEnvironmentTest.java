package dev.instrumentor.webhook.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.v1alpha1.Exporter;
import dev.instrumentor.api.v1alpha1.ExporterProtocol;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.webhook.mutation.Owners;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodJson;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The OTEL_* environment an Instrumentation gives a container, whatever the language. */
class OtelEnvironmentTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Exporter exporter(String endpoint, ExporterProtocol protocol) {
    Exporter exporter = new Exporter();
    exporter.setEndpoint(endpoint);
    exporter.setProtocol(protocol);
    return exporter;
  }

  @ParameterizedTest
  @CsvSource(nullValues = "none", value = {
      "http://collector:4317, 4317",
      "https://user@collector.observability.svc:4318/v1, 4318",
      "http://$(OTEL_NODE_IP):4317, 4317",
      "http://[::1]:4318, 4318",
      "http://[::1], none",
      "http://collector, none",
      "collector:4317, 4317",
  })
  void thePortOfAnEndpoint(String endpoint, String port) {
    assertThat(OtelEnvironment.port(endpoint)).isEqualTo(port);
  }

  @Test
  void theProtocolIsGrpcOnlyWhenAskedOrOnThePortThatMeansIt() throws Exception {
    assertThat(OtelEnvironment.protocol(exporter("http://c:4317", null))).isEqualTo(ExporterProtocol.GRPC);
    assertThat(OtelEnvironment.protocol(exporter("http://c:4318", null))).isEqualTo(ExporterProtocol.HTTP_PROTOBUF);
    assertThat(OtelEnvironment.protocol(exporter("http://c:4318", ExporterProtocol.GRPC))).isEqualTo(ExporterProtocol.GRPC);
    // a user's endpoint variable wins over the Instrumentation's, and its port decides
    assertThat(OtelEnvironment.protocol(exporter("http://c:4318", null), PodJson.envVar("OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://other:4317"))).isEqualTo("grpc");
    assertThat(OtelEnvironment.protocol(exporter("http://c:4317", null), PodJson.envVar("OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://other:4318"))).isEqualTo("http/protobuf");
    // a value read from a Secret cannot be judged: the protocol is left to the agent
    assertThat(OtelEnvironment.protocol(exporter("http://c:4317", null), JSON.readTree(
        "{\"name\": \"OTEL_EXPORTER_OTLP_ENDPOINT\", \"valueFrom\": {\"secretKeyRef\": {\"name\": \"s\", \"key\": \"k\"}}}")))
        .isNull();
    assertThat(OtelEnvironment.protocol(null, null)).isNull();
  }

  @ParameterizedTest
  @CsvSource(nullValues = "none", value = {
      "shop/app:1.2.3, 1.2.3",
      "registry.example.com:5000/shop/app:1.2.3, 1.2.3",
      "registry.example.com:5000/shop/app, none",
      "shop/app:1.2.3@sha256:abc, 1.2.3@sha256:abc",
      "shop/app@sha256:abc, sha256:abc",
      "shop/app, none",
  })
  void theVersionAnImageSays(String image, String version) {
    assertThat(OtelEnvironment.imageVersion(image)).isEqualTo(version);
  }

  @Test
  void theServiceNameAndTheResourceAttributesBelowTheUsers() throws Exception {
    ObjectNode node = (ObjectNode) JSON.readTree("""
        {"metadata": {"name": "checkout-7d9f-abcde", "annotations": {"resource.opentelemetry.io/team": "payments"}},
         "spec": {"containers": [{"name": "app", "image": "shop/checkout:2.4.1"}]}}
        """);
    PodJson pod = PodJson.of(node);
    InstrumentationSpec spec = new InstrumentationSpec();
    OtelEnvironment otel = new OtelEnvironment(spec, pod,
        new PodContext("shop", Map.of(), Owners.ofWorkload("Deployment", "checkout")), false);
    PodJson.PodContainer app = pod.containers().get(0);
    assertThat(otel.serviceName(app)).as("the owning workload").isEqualTo("checkout");
    Map<String, String> attributes = otel.attributesBelowUsers(app);
    assertThat(attributes).containsEntry("k8s.namespace.name", "shop").containsEntry("k8s.container.name", "app")
        .containsEntry("k8s.deployment.name", "checkout").containsEntry("service.version", "2.4.1")
        .containsEntry("service.namespace", "shop").containsEntry("team", "payments")
        .containsEntry("k8s.pod.name", "$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME)");
    // the annotation names the service explicitly
    node.with("metadata").with("annotations").put("resource.opentelemetry.io/service.name", "payments-api");
    assertThat(new OtelEnvironment(spec, PodJson.of(node), new PodContext("shop", Map.of(), Owners.none()), false)
        .serviceName(PodJson.of(node).containers().get(0))).isEqualTo("payments-api");
  }
}
