package dev.instrumentor.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.instrumentor.webhook.admission.AdmissionObserver;
import dev.instrumentor.webhook.admission.AdmissionResponse;
import dev.instrumentor.webhook.admission.NamespaceAnnotations;
import dev.instrumentor.webhook.admission.PodAdmission;
import dev.instrumentor.webhook.agent.Agents;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdsTrainingTest {

  private static final Path EXAMPLES = Path.of("../examples");

  /** The training run's review is the one the hot path sees: the example pod injected by the example Instrumentation. */
  @Test
  void theTrainingReviewIsInjectedAsTheApiServersWouldBe() throws Exception {
    PodAdmission admission = new PodAdmission(Agents.mutator(
        InstrumentationSource.of(CdsTraining.instrumentations(EXAMPLES.resolve("instrumentation.yaml"))),
        InjectorSettings.defaults()),
        NamespaceAnnotations.none(), AdmissionObserver.NONE);
    byte[] review = CdsTraining.review(EXAMPLES.resolve("java-deployment.yaml"));

    AdmissionResponse answer = admission.handle("application/json", review, review.length, false, 1 << 20);

    assertThat(answer.status()).isEqualTo(200);
    JsonNode response = new ObjectMapper().readTree(answer.body()).path("response");
    assertThat(response.path("uid").asText()).isEqualTo("00000000-0000-0000-0000-000000000001");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    String patch = new String(Base64.getDecoder().decode(response.path("patch").asText()), StandardCharsets.UTF_8);
    assertThat(patch).contains("JAVA_TOOL_OPTIONS", "-javaagent:");
  }

  /** The run reviews over HTTPS and gets every answer injected; its certificate and key do not outlive it. */
  @Test
  void theTrainingRunServesEveryReviewAndLeavesNoKeyBehind(@TempDir Path scratch) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("training-test", Duration.ofHours(1));

    assertThat(CdsTraining.serveOnce(ca, EXAMPLES, scratch)).isTrue();

    try (var left = Files.list(scratch)) {
      assertThat(left).isEmpty();
    }
  }

  /** Without the examples there is nothing to train on: the run says so (and the image build fails). */
  @Test
  void aRunWithoutTheExamplesIsNotTrained(@TempDir Path scratch) {
    CertificateAuthority ca = CertificateAuthority.create("training-test", Duration.ofHours(1));

    assertThat(CdsTraining.serveOnce(ca, scratch.resolve("missing"), scratch)).isFalse();
  }
}
