package dev.instrumentor.webhook.agent;

import static dev.instrumentor.webhook.testing.Fixtures.deploymentPod;
import static dev.instrumentor.webhook.testing.Fixtures.instrumentation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the injection tests share: the Instrumentations the webhook sees, the mutator they run (the Java
 * agent's, the language every injection test uses as its example) and what they read from its pods.
 */
abstract class InjectionTestBase {

  static final String INJECT = "instrumentor.dev/inject-java";

  final List<Instrumentation> instrumentations = new ArrayList<>();

  Instrumentation java() {
    Instrumentation java = instrumentation("demo", "java", "http://collector.observability:4317");
    instrumentations.add(java);
    return java;
  }

  PodMutator.Result mutate(Pod pod) {
    return mutate(pod, Map.of());
  }

  PodMutator.Result mutate(Pod pod, Map<String, String> namespaceAnnotations) {
    PodMutator mutator = Fixtures.javaMutator(InstrumentationSource.of(instrumentations), InjectorSettings.defaults());
    PodMutator.Result result = Fixtures.mutateChecked(mutator, pod, PodContext.forPod(pod, "demo", namespaceAnnotations));
    assertEveryReferenceDefinedBeforeUse(result.pod());
    return result;
  }

  /** A Deployment's pod that asks for Java, with {@code app} as its only container. */
  static Pod podWith(Container app) {
    return deploymentPod("checkout", Map.of(INJECT, "true")).editSpec().withContainers(app).endSpec().build();
  }

  static Container container(Pod pod, String name) {
    List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    return all.stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  static Map<String, String> env(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      assertThat(env).as("%s defined twice in %s", var.getName(), container.getName()).doesNotContainKey(var.getName());
      env.put(var.getName(), var.getValue() != null ? var.getValue()
          : var.getValueFrom().getFieldRef() != null ? "fieldRef:" + var.getValueFrom().getFieldRef().getFieldPath()
          : "valueFrom");
    }
    return env;
  }

  static final Pattern REFERENCE = Pattern.compile("(?<!\\$)\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)"); // $$( is an escaped $

  /** Kubernetes expands $(VAR) only when VAR is defined earlier in the same container. */
  static void assertEveryReferenceDefinedBeforeUse(Pod pod) {
    List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    for (Container container : all) {
      Set<String> defined = new HashSet<>();
      for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
        if (var.getValue() != null) {
          Matcher m = REFERENCE.matcher(var.getValue());
          while (m.find()) {
            if (m.group(1).startsWith("OTEL_") || m.group(1).startsWith("INSTRUMENTOR_")) {
              assertThat(defined).as("%s uses $(%s) in %s", var.getName(), m.group(1), container.getName())
                  .contains(m.group(1));
            }
          }
        }
        defined.add(var.getName());
      }
    }
  }

  // ---- containers

  static Pod twoContainerPod(Map<String, String> annotations) {
    return deploymentPod("checkout", annotations)
        .editSpec()
          .addNewContainer().withName("worker").withImage("registry.example.com/shop/worker:2.0").endContainer()
          .addNewInitContainer().withName("migrate").withImage("registry.example.com/shop/migrate:1").endInitContainer()
        .endSpec().build();
  }

  // ---- JAVA_TOOL_OPTIONS

  Pod podWithEnv(EnvVar... env) {
    return deploymentPod("checkout", Map.of(INJECT, "true"))
        .editSpec().editFirstContainer().withEnv(env).endContainer().endSpec().build();
  }
}
