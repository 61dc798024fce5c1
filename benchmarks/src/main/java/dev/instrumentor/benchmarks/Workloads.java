package dev.instrumentor.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.webhook.testing.AdmissionReviews;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The workload every webhook benchmark uses: a typical Deployment pod, 2 containers, 10 env vars. */
final class Workloads {

  private Workloads() {
  }

  static Instrumentation instrumentation() {
    return Fixtures.instrumentation("demo", "java", "http://collector.observability:4317");
  }

  static Pod typicalPod() {
    List<EnvVar> appEnv = new ArrayList<>();
    List<EnvVar> workerEnv = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      appEnv.add(new EnvVar("APP_SETTING_" + i, "value-" + i, null));
      workerEnv.add(new EnvVar("WORKER_SETTING_" + i, "value-" + i, null));
    }
    return Fixtures.deploymentPod("checkout", Map.of("instrumentor.dev/inject-java", "true"))
        .editSpec()
          .editFirstContainer().withEnv(appEnv).endContainer()
          .addNewContainer().withName("worker").withImage("registry.example.com/shop/worker:2.0").withEnv(workerEnv)
          .endContainer()
        .endSpec().build();
  }

  /**
   * The AdmissionReview kube-apiserver sends when a Deployment's ReplicaSet creates a pod of two
   * containers with five variables each: the pod as the API server has it at mutating admission
   * (defaults applied, the service-account token volume mounted, the controller's managed fields,
   * an empty status) and the request's user and options (7.2 KB).
   */
  static byte[] typicalReview() {
    try (InputStream in = Workloads.class.getResourceAsStream("/typical-review.json")) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The same two containers and ten variables with nothing else (no defaults, volumes, probes,
   * resources or managed fields): a review no API server sends, the input of the first runs (1.7 KB).
   */
  static byte[] minimalReview() {
    ObjectNode review = AdmissionReviews.forPod(typicalPod());
    ((ObjectNode) review.path("request")).put("uid", "8d3c7b0e-3f4a-4c55-9b8e-2a1f6e0c9d11");
    return AdmissionReviews.bytes(review);
  }

  static byte[] review(String name) {
    return switch (name) {
      case "typical" -> typicalReview();
      case "minimal" -> minimalReview();
      default -> throw new IllegalArgumentException("no review " + name);
    };
  }

  static JsonNode read(byte[] json) {
    return AdmissionReviews.read(new String(json, StandardCharsets.UTF_8));
  }
}
