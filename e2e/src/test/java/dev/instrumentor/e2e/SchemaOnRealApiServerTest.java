package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.instrumentor.e2e.harness.ControlPlane;
import dev.instrumentor.e2e.harness.E2eCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs' schemas and CEL rules as a real kube-apiserver applies them: each invalid object is
 * refused (422) with a message that names the field, before any code of ours runs; the shipped
 * examples are accepted.
 */
class SchemaOnRealApiServerTest {

  static E2eCluster cluster;
  static String namespace;

  @BeforeAll
  static void start() {
    cluster = E2eCluster.fromEnvironment();
    assumeTrue(cluster.real(), "needs a real API server: the mock applies no schema");
    namespace = cluster.namespace("schema", Map.of());
  }

  private static GenericKubernetesResource object(String yaml) {
    GenericKubernetesResource resource = cluster.client().getKubernetesSerialization()
        .unmarshal(yaml, GenericKubernetesResource.class);
    resource.getMetadata().setNamespace(namespace);
    return resource;
  }

  static Stream<Arguments> invalidObjects() {
    String instrumentation = "apiVersion: instrumentor.dev/v1alpha1\nkind: Instrumentation\nmetadata: {name: bad}\n";
    String collector = "apiVersion: instrumentor.dev/v1alpha1\nkind: TelemetryCollector\nmetadata: {name: bad}\n";
    return Stream.of(
        Arguments.of("endpoint without a scheme", instrumentation + "spec: {exporter: {endpoint: 'collector:4317'}}",
            "spec.exporter.endpoint must be a URL with a scheme and a host, e.g. http://otel-collector.observability:4318"),
        Arguments.of("grpc:// endpoint, which the agents refuse (CEL)", instrumentation
            + "spec: {exporter: {endpoint: 'grpc://collector:4317'}}", "exporter.protocol: grpc"),
        Arguments.of("unknown protocol", instrumentation
            + "spec: {exporter: {endpoint: 'http://c:4317', protocol: thrift}}", "spec.exporter.protocol"),
        Arguments.of("unknown sampler", instrumentation + "spec: {sampler: {type: sometimes}}", "spec.sampler.type"),
        Arguments.of("ratio above 1 (CEL)", instrumentation
            + "spec: {sampler: {type: parentbased_traceidratio, argument: '1.5'}}", "spec.sampler.argument"),
        Arguments.of("unknown propagator", instrumentation + "spec: {propagators: [tracecontext, w3c]}",
            "spec.propagators[1]"),
        Arguments.of("boolean as text", instrumentation + "spec: {resource: {addK8sUIDAttributes: 'yes'}}",
            "spec.resource.addK8sUIDAttributes"),
        Arguments.of("extension without dir", instrumentation + "spec: {java: {extensions: [{image: 'ext:1'}]}}",
            "spec.java.extensions[0].dir"),
        Arguments.of("emptyDir size and a volume claim (CEL)", instrumentation
            + "spec: {java: {volumeLimitSize: 200Mi, volumeClaimTemplate: {spec: {accessModes: [ReadWriteOnce]}}}}",
            "spec.java"),
        Arguments.of("python: emptyDir size and a volume claim (CEL)", instrumentation
            + "spec: {python: {volumeLimitSize: 200Mi, volumeClaimTemplate: {spec: {accessModes: [ReadWriteOnce]}}}}",
            "spec.python.volumeLimitSize and spec.python.volumeClaimTemplate"),
        Arguments.of("python: a size that is not a quantity", instrumentation + "spec: {python: {volumeLimitSize: lots}}",
            "spec.python.volumeLimitSize"),
        Arguments.of("nodejs: resources under both names (CEL)", instrumentation
            + "spec: {nodejs: {resources: {limits: {memory: 1Gi}}, resourceRequirements: {limits: {memory: 1Gi}}}}",
            "spec.nodejs.resources and spec.nodejs.resourceRequirements"),
        Arguments.of("unknown sampler of upstream's enum", instrumentation
            + "spec: {sampler: {type: parentbased_jaeger}}", "spec.sampler.type"),
        Arguments.of("collector without config", collector + "spec: {mode: deployment}", "spec.config"),
        Arguments.of("unknown mode", collector + "spec: {mode: serverless, config: {}}", "spec.mode"),
        Arguments.of("negative replicas", collector + "spec: {replicas: -1, config: {}}", "spec.replicas"),
        Arguments.of("replicas of a daemonset (CEL)", collector + "spec: {mode: daemonset, replicas: 3, config: {}}",
            "spec.replicas"),
        Arguments.of("hostPorts outside daemonset mode (CEL)", collector
            + "spec: {mode: deployment, hostPorts: true, config: {}}", "spec.hostPorts"),
        Arguments.of("several ports, one without a name (CEL)", collector
            + "spec: {config: {}, ports: [{name: a, port: 9000}, {port: 9001}]}", "each needs a name"),
        Arguments.of("a nodePort on the ClusterIP Service (CEL)", collector
            + "spec: {config: {}, ports: [{name: a, port: 9000, nodePort: 30000}]}", "nodePort is not allowed"),
        Arguments.of("volume claims outside statefulset mode (CEL)", collector
            + "spec: {mode: deployment, config: {}, volumeClaimTemplates: [{metadata: {name: data}}]}",
            "spec.volumeClaimTemplates"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidObjects")
  void theApiServerRefusesAnInvalidObjectNamingTheField(String problem, String yaml, String field) {
    KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class,
        () -> cluster.client().resource(object(yaml)).create());
    assertThat(refused).as(problem + ": refused").isNotNull();
    assertThat(refused.getCode()).as(refused.getMessage()).isEqualTo(422);
    assertThat(refused.getStatus().getMessage()).as("names the field").contains(field);
  }

  @Test
  void theShippedExamplesAreAccepted() throws IOException {
    KubernetesClient client = cluster.client();
    for (String example : new String[] {"instrumentation.yaml", "collector.yaml"}) {
      String yaml = Files.readString(ControlPlane.projectRoot().resolve("examples").resolve(example));
      GenericKubernetesResource created = client.resource(object(yaml)).create();
      assertThat(created.getMetadata().getUid()).as(example).isNotNull();
    }
  }

  /** The Grafana Cloud example, every document as written (namespaces moved to this run's), strictly validated. */
  @Test
  void theGrafanaCloudExampleIsAccepted() throws IOException {
    String yaml = Files.readString(ControlPlane.projectRoot().resolve("examples/grafana-cloud.yaml"));
    String grafana = cluster.namespace("grafana", Map.of());
    for (String document : yaml.split("(?m)^---$")) {
      GenericKubernetesResource resource = object(document);
      resource.getMetadata().setNamespace(grafana);
      GenericKubernetesResource created = cluster.client().resource(resource)
          .fieldValidation(FieldValidateable.Validation.STRICT).create();
      assertThat(created.getMetadata().getUid()).as(created.getKind()).isNotNull();
    }
  }

  @Test
  void aNodeLocalEndpointIsAccepted() {
    GenericKubernetesResource created = cluster.client().resource(object("""
        apiVersion: instrumentor.dev/v1alpha1
        kind: Instrumentation
        metadata: {name: node-local}
        spec: {exporter: {endpoint: "http://$(OTEL_NODE_IP):4318"}}
        """)).create();
    assertThat(created.getMetadata().getUid()).isNotNull();
  }

  @Test
  void theModeOfACollectorCannotChange() {
    String yaml = "apiVersion: instrumentor.dev/v1alpha1\nkind: TelemetryCollector\nmetadata: {name: fixed}\n"
        + "spec: {mode: deployment, config: {}}";
    cluster.client().resource(object(yaml)).create();
    KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class,
        () -> cluster.client().genericKubernetesResources("instrumentor.dev/v1alpha1", "TelemetryCollector")
            .inNamespace(namespace).withName("fixed")
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"mode\":\"daemonset\"}}"));
    assertThat(refused).isNotNull();
    assertThat(refused.getCode()).isEqualTo(422);
    assertThat(refused.getStatus().getMessage()).contains("spec.mode", "immutable");
  }
}
