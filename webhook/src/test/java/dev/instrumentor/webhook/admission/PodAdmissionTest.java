package dev.instrumentor.webhook.admission;

import static dev.instrumentor.webhook.testing.AdmissionReviews.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.testing.AdmissionReviews;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodAdmissionTest {

  private static final String UID = "8d3c7b0e-3f4a-4c55-9b8e-2a1f6e0c9d11";
  private final List<Instrumentation> instrumentations = new ArrayList<>(
      List.of(Fixtures.instrumentation("demo", "java", "http://collector.observability:4317")));
  private final Map<String, Map<String, String>> namespaceAnnotations = new HashMap<>();
  private final List<String> outcomes = new ArrayList<>();
  /** Reads the list on every call, so a test can change it. */
  private final InstrumentationSource live = new InstrumentationSource() {
    @Override
    public List<Instrumentation> list(String namespace) {
      return InstrumentationSource.of(instrumentations).list(namespace);
    }

    @Override
    public Optional<Instrumentation> get(String namespace, String name) {
      return InstrumentationSource.of(instrumentations).get(namespace, name);
    }
  };
  private final PodMutator mutator = Fixtures.javaMutator(live, InjectorSettings.defaults());
  private final PodAdmission admission = new PodAdmission(mutator,
      ns -> namespaceAnnotations.getOrDefault(ns, Map.of()), new AdmissionObserver() {
        @Override
        public void requestCompleted(String outcome, long nanos) {
          outcomes.add(outcome);
        }
      });

  private JsonNode answer(JsonNode review) {
    return answer("application/json", bytes(review));
  }

  private JsonNode answer(String contentType, byte[] body) {
    AdmissionResponse response = admission.handle(contentType, body, body.length, false, 4096 * 1024);
    assertThat(response.status()).isEqualTo(200);
    return AdmissionReviews.read(response.bodyText());
  }

  private static void assertAllowed(JsonNode answer, String uid) {
    assertThat(answer.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(answer.path("kind").asText()).isEqualTo("AdmissionReview");
    assertThat(answer.path("response").path("uid").asText()).isEqualTo(uid);
    assertThat(answer.path("response").path("allowed").asBoolean()).isTrue();
  }

  @Test
  void mutatesARealDeploymentPodWithAJsonPatchThatYieldsTheMutatedPod() {
    ObjectNode review = AdmissionReviews.deploymentPodCreate();

    JsonNode answer = answer(review);

    assertAllowed(answer, UID);
    assertThat(answer.path("response").path("patchType").asText()).isEqualTo("JSONPatch");
    assertThat(answer.path("response").has("warnings")).isFalse();
    Pod original = Fixtures.SERIALIZATION.convertValue(review.path("request").path("object"), Pod.class);
    Pod expected = mutator.mutate(original, PodContext.forPod(original, "demo", Map.of())).pod();
    JsonNode patched = AdmissionReviews.patchedObject(review, answer);
    assertThat(Fixtures.SERIALIZATION.convertValue(patched, Pod.class)).isEqualTo(expected);
    // the patch touches only what injection changes: fields the fabric8 model does not know survive
    assertThat(patched.path("metadata").path("managedFields")).isEqualTo(review.path("request").path("object").path("metadata").path("managedFields"));
    assertThat(patched.path("spec").path("containers").get(0).path("env").get(0).path("value").asText())
        .isEqualTo("-Xmx512m -javaagent:/instrumentor/java/javaagent.jar");
    assertThat(outcomes).containsExactly("mutated");
  }

  @Test
  void patchOpsAreOnlyAddAndReplace() {
    JsonNode patch = AdmissionReviews.patch(answer(AdmissionReviews.deploymentPodCreate()));
    assertThat(patch).isNotEmpty();
    patch.forEach(op -> assertThat(op.path("op").asText()).isIn("add", "replace"));
  }

  @Test
  void aPodThatDoesNotAskGetsNoPatchAndNoWarning() {
    ObjectNode review = AdmissionReviews.deploymentPodCreate();
    ((ObjectNode) review.path("request").path("object").path("metadata")).remove("annotations");

    JsonNode answer = answer(review);

    assertAllowed(answer, UID);
    assertThat(answer.path("response").has("patch")).isFalse();
    assertThat(answer.path("response").has("warnings")).isFalse();
    assertThat(outcomes).containsExactly("unchanged");
  }

  @Test
  void aPodThatAskedAndWasSkippedGetsAWarningAndTheStatusAnnotation() {
    instrumentations.clear();

    JsonNode answer = answer(AdmissionReviews.deploymentPodCreate());

    assertAllowed(answer, UID);
    assertThat(answer.path("response").path("warnings")).hasSize(1);
    assertThat(answer.path("response").path("warnings").get(0).asText())
        .isEqualTo("instrumentor: java skipped: no Instrumentation in namespace demo: create one, or name one in the"
            + " annotation as <namespace>/<name>");
    JsonNode patch = AdmissionReviews.patch(answer);
    assertThat(patch).hasSize(2);
    assertThat(patch.get(0).path("path").asText()).isEqualTo("/metadata/annotations/instrumentor.dev~1injection-status");
    assertThat(patch.get(1).path("path").asText()).as("kubectl get pods -l instrumentor.dev/instrumented=false finds it")
        .isEqualTo("/metadata/labels/instrumentor.dev~1instrumented");
    assertThat(patch.get(1).path("value").asText()).isEqualTo("false");
  }

  @Test
  void namespaceAnnotationsComeFromTheSource() {
    ObjectNode review = AdmissionReviews.deploymentPodCreate();
    ((ObjectNode) review.path("request").path("object").path("metadata")).remove("annotations");
    namespaceAnnotations.put("demo", Map.of("instrumentor.dev/inject-java", "true"));

    assertThat(answer(review).path("response").has("patch")).isTrue();
  }

  @Test
  void theNamespaceComesFromTheRequestWhenThePodHasNone() {
    ObjectNode review = AdmissionReviews.deploymentPodCreate();
    ((ObjectNode) review.path("request").path("object").path("metadata")).remove("namespace");
    JsonNode patched = AdmissionReviews.patchedObject(review, answer(review));
    assertThat(patched.toString()).contains("k8s.namespace.name=demo");
  }

  @Test
  void updatesAreAllowedWithoutAnythingElse() {
    ObjectNode review = AdmissionReviews.deploymentPodCreate();
    ((ObjectNode) review.path("request")).put("operation", "UPDATE");
    JsonNode answer = answer(review);
    assertAllowed(answer, UID);
    assertThat(answer.path("response").size()).isEqualTo(2); // uid, allowed
  }

  @Test
  void aWrongKindIsAllowedWithAWarning() {
    ObjectNode review = AdmissionReviews.deploymentPodCreate();
    ((ObjectNode) review.path("request").path("kind")).put("group", "apps").put("kind", "Deployment");
    JsonNode answer = answer(review);
    assertAllowed(answer, UID);
    assertThat(answer.path("response").has("patch")).isFalse();
    assertThat(answer.path("response").path("warnings").get(0).asText()).startsWith("instrumentor: mutates only v1 Pods");
  }

  @Test
  void aReviewOfAnotherKindIsAllowedWithAWarning() {
    ObjectNode review = AdmissionReviews.deploymentPodCreate();
    review.put("kind", "TokenReview");
    JsonNode answer = answer(review);
    assertAllowed(answer, UID);
    assertThat(answer.path("response").path("warnings").get(0).asText()).contains("TokenReview");
  }

  @Test
  void missingObjectIsAllowedWithAWarning() {
    ObjectNode review = AdmissionReviews.deploymentPodCreate();
    ((ObjectNode) review.path("request")).remove("object");
    JsonNode answer = answer(review);
    assertAllowed(answer, UID);
    assertThat(answer.path("response").path("warnings").get(0).asText()).contains("no pod object");
  }

  @Test
  void anUnreadablePodIsAllowedWithAWarning() {
    ObjectNode review = AdmissionReviews.deploymentPodCreate();
    ((ObjectNode) review.path("request").path("object").path("spec")).put("containers", "not a list");
    JsonNode answer = answer(review);
    assertAllowed(answer, UID);
    assertThat(answer.path("response").path("warnings").get(0).asText()).startsWith("instrumentor: unreadable pod");
  }

  @Test
  void malformedJsonWithAReadableUidIsAllowedWithAWarning() {
    String json = AdmissionReviews.deploymentPodCreate().toString();
    byte[] broken = json.substring(0, json.length() / 2).getBytes(StandardCharsets.UTF_8);
    JsonNode answer = answer("application/json", broken);
    assertAllowed(answer, UID);
    assertThat(answer.path("response").path("warnings").get(0).asText()).contains("malformed");
  }

  @Test
  void contentAfterTheReviewOrBrokenJsonInPartsNotReadIsMalformed() {
    String json = AdmissionReviews.deploymentPodCreate().toString();
    String brokenUserInfo = json.replace("\"userInfo\":{", "\"userInfo\":{,");
    assertThat(brokenUserInfo).isNotEqualTo(json);
    for (String body : List.of(json + " {}", brokenUserInfo)) {
      JsonNode answer = answer("application/json", body.getBytes(StandardCharsets.UTF_8));
      assertAllowed(answer, UID);
      assertThat(answer.path("response").has("patch")).isFalse();
      assertThat(answer.path("response").path("warnings").get(0).asText()).contains("malformed");
    }
  }

  @Test
  void notAnAdmissionReviewAtAllIsA400() {
    for (String body : List.of("", "not json", "[]", "{}", "{\"request\":{}}", "{\"kind\":\"AdmissionReview\"}")) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      AdmissionResponse response = admission.handle("application/json", bytes, bytes.length, false, 4096);
      assertThat(response.status()).as(body).isEqualTo(400);
      assertThat(AdmissionReviews.read(response.bodyText()).path("error").asText()).as(body).isNotEmpty();
    }
  }

  @Test
  void aWrongContentTypeIsAllowedWithAWarningOrA415() {
    JsonNode answer = answer("text/plain", bytes(AdmissionReviews.deploymentPodCreate()));
    assertAllowed(answer, UID);
    assertThat(answer.path("response").path("warnings").get(0).asText()).contains("unsupported content type text/plain");
    AdmissionResponse notReview = admission.handle(null, new byte[] {1, 2}, 2, false, 4096);
    assertThat(notReview.status()).isEqualTo(415);
  }

  @Test
  void anOversizedBodyIsAnsweredFromItsFirstBytes() {
    byte[] body = bytes(AdmissionReviews.deploymentPodCreate());
    AdmissionResponse response = admission.handle("application/json", body, 1024, true, 1024);
    assertThat(response.status()).isEqualTo(200);
    JsonNode answer = AdmissionReviews.read(response.bodyText());
    assertAllowed(answer, UID);
    assertThat(answer.path("response").path("warnings").get(0).asText())
        .isEqualTo("instrumentor: request body larger than 1024 bytes, pod admitted unchanged");
    assertThat(admission.handle("application/json", new byte[2048], 1024, true, 1024).status()).isEqualTo(413);
  }

  @Test
  void theRequestApiVersionIsEchoed() {
    ObjectNode review = AdmissionReviews.deploymentPodCreate();
    review.put("apiVersion", "admission.k8s.io/v1beta1");
    assertThat(answer(review).path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1beta1");
  }

  @Test
  void anObserverFailureNeverBlocksThePod() {
    PodAdmission failing = new PodAdmission(mutator, ns -> Map.of(), new AdmissionObserver() {
      @Override
      public void podAdmitted(String namespace, PodJson pod, PodMutator.Result result, boolean dryRun) {
        throw new IllegalStateException("metrics broke");
      }
    });
    byte[] body = bytes(AdmissionReviews.deploymentPodCreate());
    AdmissionResponse response = failing.handle("application/json", body, body.length, false, 1 << 22);
    JsonNode answer = AdmissionReviews.read(response.bodyText());
    assertThat(response.status()).isEqualTo(200);
    assertAllowed(answer, UID);
    assertThat(answer.path("response").path("warnings").get(0).asText())
        .startsWith("instrumentor: internal error, pod admitted unchanged");
  }
}
