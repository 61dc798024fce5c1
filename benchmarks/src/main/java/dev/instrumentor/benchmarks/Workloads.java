package dev.instrumentor.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.webhook.testing.AdmissionReviews;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
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

  /**
   * Pod {@code i} of a cluster: ReplicaSet pods of 50 workloads over 20 namespaces, every other one asking for
   * Java in {@code demo} and carrying the webhook's outcome, as the fleet view's cache sees them.
   */
  static Pod fleetPod(int i) {
    String workload = "shop-" + (i % 50);
    String hash = Integer.toHexString(0x7d9f8c6 + i % 50);
    boolean asks = i % 2 == 0;
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(workload + "-" + hash + "-" + Integer.toString(i, 36))
        .withNamespace(asks ? "demo" : "apps-" + i % 20).withUid(java.util.UUID.randomUUID().toString())
        .addToLabels("app", workload).addToLabels("pod-template-hash", hash)
        .addToAnnotations("prometheus.io/scrape", "true")
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName(workload + "-" + hash)
        .withUid(java.util.UUID.nameUUIDFromBytes(workload.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString())
        .withController(true).withBlockOwnerDeletion(true).endOwnerReference().endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("registry.example.com/shop/" + workload + ":1.0")
        .endContainer().endSpec();
    if (asks) {
      pod.editMetadata().addToAnnotations("instrumentor.dev/inject-java", "true")
          .addToAnnotations("instrumentor.dev/injection-status", "{\"java\":{\"status\":\"injected\",\"reason\":"
              + "\"Injected\",\"message\":\"java agent into app\",\"instrumentation\":\"demo/java@1\"}}")
          .endMetadata();
    }
    return pod.build();
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
