package dev.instrumentor.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;

import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.Propagator;
import dev.instrumentor.api.v1alpha1.Resource;
import dev.instrumentor.api.v1alpha1.Sampler;
import dev.instrumentor.api.v1alpha1.SamplerType;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;

/**
 * What the scenarios create, shared by the e2e classes: Instrumentations, annotated Deployments of
 * placeholder apps, TelemetryCollectors and their configs (no test class is another's library).
 */
public final class Scenario {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private Scenario() {
  }

  public static Instrumentation createInstrumentation(String namespace, String name, String endpoint) {
    Instrumentation instrumentation = Fixtures.instrumentation(namespace, name, endpoint);
    instrumentation.getMetadata().setGeneration(null);
    return E2eCluster.fromEnvironment().client().resource(instrumentation).create();
  }

  public static Deployment deployment(String namespace, String name, Map<String, String> annotations, Container... containers) {
    return new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withReplicas(1)
          .withNewSelector().addToMatchLabels("app", name).endSelector()
          .withNewTemplate()
            .withNewMetadata().addToLabels("app", name).withAnnotations(annotations).endMetadata()
            .withNewSpec().withContainers(containers).endSpec()
          .endTemplate()
        .endSpec().build();
  }

  public static Container app(String name, EnvVar... env) {
    Container container = new Container();
    container.setName(name);
    container.setImage("registry.example.com/shop/" + name + ":1.0.0");
    container.setEnv(List.of(env));
    return container;
  }

  public static TelemetryCollector createCollector(String ns, String name, CollectorMode mode, String config) {
    return E2eCluster.fromEnvironment().client().resource(collector(ns, name, mode, config)).create();
  }

  /** A collector not yet created, for a test to set more fields. */
  public static TelemetryCollector collector(String ns, String name, CollectorMode mode, String config) {
    TelemetryCollector collector = new TelemetryCollector();
    collector.getMetadata().setName(name);
    collector.getMetadata().setNamespace(ns);
    TelemetryCollectorSpec spec = new TelemetryCollectorSpec();
    spec.setMode(mode);
    spec.setConfig(YAML.unmarshal(config, JsonNode.class));
    collector.setSpec(spec);
    return collector;
  }

  public static final String CONFIG = """
      receivers:
        otlp:
          protocols: {grpc: {}, http: {}}
      exporters: {debug: {}}
      service:
        pipelines:
          traces: {receivers: [otlp], exporters: [debug]}
      """;

  public static final String ENRICHING = """
      receivers:
        otlp: {protocols: {grpc: {}}}
      processors:
        k8sattributes: {}
      exporters: {debug: {}}
      service:
        pipelines:
          traces: {receivers: [otlp], processors: [k8sattributes], exporters: [debug]}
      """;

  /** An Instrumentation as the real-agent proofs use it: b3 among the propagators, a resource attribute, {@code env}. */
  public static Instrumentation proofInstrumentation(String namespace, String name, String endpoint, SamplerType samplerType,
      String argument, List<EnvVar> env) {
    Instrumentation instrumentation = Fixtures.instrumentation(namespace, name, endpoint);
    instrumentation.getMetadata().setGeneration(null);
    instrumentation.getSpec().setPropagators(List.of(Propagator.TRACECONTEXT, Propagator.BAGGAGE, Propagator.B3));
    Sampler sampler = new Sampler();
    sampler.setType(samplerType);
    sampler.setArgument(argument);
    instrumentation.getSpec().setSampler(sampler);
    Resource resource = new Resource();
    resource.setResourceAttributes(Map.of("deployment.environment.name", "e2e"));
    instrumentation.getSpec().setResource(resource);
    instrumentation.getSpec().setEnv(env);
    return instrumentation;
  }
}
