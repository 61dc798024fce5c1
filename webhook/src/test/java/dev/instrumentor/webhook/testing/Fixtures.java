package dev.instrumentor.webhook.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.Exporter;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.webhook.agent.AgentInjector;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodMutator;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pods and Instrumentations for tests; shared with the operator and e2e modules. */
public final class Fixtures {

  public static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Fixtures() {
  }

  /** A mutator with the Java injection only: what most tests use. */
  public static PodMutator javaMutator(InstrumentationSource instrumentations, InjectorSettings settings) {
    return new PodMutator(List.of(AgentInjector.of(Language.JAVA, instrumentations, settings)));
  }

  /** An Instrumentation {@code namespace/name} (generation 1) sending to {@code endpoint}. */
  public static Instrumentation instrumentation(String namespace, String name, String endpoint) {
    Instrumentation instrumentation = new Instrumentation();
    instrumentation.getMetadata().setNamespace(namespace);
    instrumentation.getMetadata().setName(name);
    instrumentation.getMetadata().setGeneration(1L);
    InstrumentationSpec spec = new InstrumentationSpec();
    Exporter exporter = new Exporter();
    exporter.setEndpoint(endpoint);
    spec.setExporter(exporter);
    instrumentation.setSpec(spec);
    return instrumentation;
  }

  /** A pod as a Deployment's ReplicaSet creates it: no name yet, owner reference, template hash. */
  public static PodBuilder deploymentPod(String deployment, Map<String, String> annotations) {
    String hash = "7d4b9c8f6d";
    return new PodBuilder()
        .withNewMetadata()
          .withGenerateName(deployment + "-" + hash + "-")
          .withNamespace("demo")
          .addToLabels("app", deployment)
          .addToLabels("pod-template-hash", hash)
          .withAnnotations(annotations)
          .addNewOwnerReference()
            .withApiVersion("apps/v1").withKind("ReplicaSet").withName(deployment + "-" + hash)
            .withUid("6f9a2c1e-0000-4000-8000-000000000001").withController(true)
          .endOwnerReference()
        .endMetadata()
        .withNewSpec()
          .addNewContainer()
            .withName("app").withImage("registry.example.com/shop/" + deployment + ":1.4.2")
            .withEnv(List.of(new EnvVar("SPRING_PROFILES_ACTIVE", "prod", null)))
          .endContainer()
        .endSpec();
  }

  public static Pod deploymentPod(String deployment) {
    return deploymentPod(deployment, Map.of("instrumentor.dev/inject-java", "true")).build();
  }

  /** The container or init container {@code name} of {@code pod}. */
  public static Container container(Pod pod, String name) {
    List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    return all.stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  /** A container's variables by name (a valueFrom one as {@code valueFrom}); fails when one is defined twice. */
  public static Map<String, String> env(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      if (env.containsKey(var.getName())) {
        throw new AssertionError(var.getName() + " defined twice in " + container.getName());
      }
      env.put(var.getName(), var.getValue() != null ? var.getValue() : "valueFrom");
    }
    return env;
  }

  /** A container of {@code registry.example.com/shop/<name>:3.1} with {@code env}. */
  public static Container app(String name, EnvVar... env) {
    return new ContainerBuilder().withName(name)
        .withImage("registry.example.com/shop/" + name + ":3.1").withEnv(env).build();
  }

  /** A classpath resource as text. */
  public static String resource(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Mutates {@code pod} and checks the result's JSON patch against an independent implementation
   * (zjsonpatch): applied to the pod as the API server would send it, it must give the mutated tree;
   * and mutating the pod's {@link PodJson#PROJECTION} must give the same patch.
   */
  public static PodMutator.Result mutateChecked(PodMutator mutator, Pod pod, PodContext context) {
    JsonNode original = PodJson.tree(pod);
    PodMutator.Result result = mutator.mutate(pod, context);
    JsonNode patched = JsonPatch.apply(result.patch(), original);
    if (!patched.equals(result.tree())) {
      throw new AssertionError("the patch does not yield the mutated pod:\npatch   " + result.patch()
          + "\npatched " + patched + "\nmutated " + result.tree());
    }
    // the admission path mutates the pod's projection: it must give the very same patch
    PodMutator.Result projected = mutator.mutate(PodJson.of(projection(original)), context);
    if (!projected.patch().equals(result.patch()) || !projected.outcomes().equals(result.outcomes())) {
      throw new AssertionError("the projection gives another patch:\nwhole     " + result.patch()
          + "\nprojected " + projected.patch());
    }
    if (result.changed() != !result.patch().isEmpty()) {
      throw new AssertionError("changed is " + result.changed() + " with patch " + result.patch());
    }
    return result;
  }

  /** The pod as the admission path reads it. */
  public static ObjectNode projection(JsonNode pod) {
    try {
      return (ObjectNode) PodJson.PROJECTION.read(pod.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
