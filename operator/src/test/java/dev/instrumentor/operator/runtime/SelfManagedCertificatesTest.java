package dev.instrumentor.operator.runtime;

import dev.instrumentor.webhook.inject.AgentImages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.webhook.inject.InjectorSettings;
import dev.instrumentor.webhook.tls.PemKeyMaterial;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The selfManaged certificate mode against the fabric8 mock API server. */
@EnableKubernetesMockClient(crud = true)
class SelfManagedCertificatesTest {

  KubernetesClient client;

  @TempDir
  Path directory;

  private SelfManagedCertificates.Settings settings(Path dir) {
    return new SelfManagedCertificates.Settings("instrumentor-system", "instrumentor-webhook-tls", "instrumentor",
        List.of("instrumentor-webhook", "instrumentor-webhook.instrumentor-system.svc"), Duration.ofDays(10),
        Duration.ofDays(9), dir);
  }

  private Secret secret() {
    return client.secrets().inNamespace("instrumentor-system").withName("instrumentor-webhook-tls").get();
  }

  private static Clock in(Duration later) {
    return Clock.fixed(Instant.now().plus(later), ZoneOffset.UTC);
  }

  @Test
  void theFirstReplicaCreatesTheSecretAndOthersAdoptIt() throws Exception {
    SelfManagedCertificates first = new SelfManagedCertificates(client, settings(directory.resolve("a")), Clock.systemUTC());
    Secret created = first.bootstrap();

    assertThat(created.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(created.getData()).containsKeys("tls.crt", "tls.key", "ca.crt", "ca.key");
    X509Certificate served = first.served();
    assertThat(served.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList())
        .containsExactly((Object) "instrumentor-webhook", "instrumentor-webhook.instrumentor-system.svc");
    served.verify(PemKeyMaterial.parse(SelfManagedCertificates.decode(created, "ca.crt"),
        SelfManagedCertificates.decode(created, "ca.key")).leaf().getPublicKey());

    SelfManagedCertificates second = new SelfManagedCertificates(client, settings(directory.resolve("b")), Clock.systemUTC());
    second.bootstrap();
    assertThat(second.served()).isEqualTo(served);
    assertThat(secret().getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());
  }

  @Test
  void theLeaderSetsTheCaBundle() {
    client.resource(WebhookRegistration.byUrl("instrumentor", "https://example:9443/mutate-pod", "placeholder",
        "instrumentor-system")).create();
    SelfManagedCertificates certificates = new SelfManagedCertificates(client, settings(directory), Clock.systemUTC());
    certificates.bootstrap();

    certificates.maintain();

    MutatingWebhookConfiguration configuration = client.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName("instrumentor").get();
    assertThat(new String(Base64.getDecoder().decode(configuration.getWebhooks().get(0).getClientConfig().getCaBundle()),
        StandardCharsets.US_ASCII)).isEqualTo(SelfManagedCertificates.decode(secret(), "ca.crt"));
    String version = configuration.getMetadata().getResourceVersion();
    certificates.maintain(); // nothing to change: no write
    assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("instrumentor").get()
        .getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void renewsNearExpiryKeepingTheCa() throws Exception {
    new SelfManagedCertificates(client, settings(directory), Clock.systemUTC()).bootstrap();
    Secret before = secret();
    assertThat(new SelfManagedCertificates(client, settings(directory), Clock.systemUTC()).maintain()).isFalse();

    // two days on, less than the 9 days renewBefore is left of the 10-day certificate
    boolean renewed = new SelfManagedCertificates(client, settings(directory), in(Duration.ofDays(2))).maintain();

    assertThat(renewed).isTrue();
    Secret after = secret();
    assertThat(after.getData().get("tls.crt")).isNotEqualTo(before.getData().get("tls.crt"));
    assertThat(after.getData().get("ca.crt")).isEqualTo(before.getData().get("ca.crt"));
    assertThat(Files.readString(directory.resolve("tls.crt"))).isEqualTo(SelfManagedCertificates.decode(after, "tls.crt"));
  }

  @Test
  void theRunningWebhookServesTheRenewedCertificateWithoutRestart() throws Exception {
    client.resource(WebhookRegistration.byUrl("instrumentor", "https://example:9443/mutate-pod", "placeholder",
        "instrumentor-system")).create();
    OperatorConfig config = new OperatorConfig(Set.of(), "instrumentor-system", "replica-1", false, "lease", "127.0.0.1", 0,
        directory.resolve("tls.crt"), directory.resolve("tls.key"), false, "127.0.0.1", false,
        AgentImages.DEFAULTS, InjectorSettings.DEFAULT_COLLECTOR_IMAGE, InjectorSettings.DEFAULT_RUN_AS_USER, "127.0.0.1", 0, "text", "INFO",
        settings(directory));
    try (InstrumentorOperator operator = new InstrumentorOperator(config, client, Clock.systemUTC()).start()) {
      X509Certificate first = operator.admissionServer().certificate();
      assertThat(first).isEqualTo(PemKeyMaterial.parse(SelfManagedCertificates.decode(secret(), "tls.crt"),
          SelfManagedCertificates.decode(secret(), "tls.key")).leaf());

      // another replica, the leader two days later, renews
      new SelfManagedCertificates(client, settings(directory.resolve("leader")), in(Duration.ofDays(2))).maintain();
      operator.maintainCertificates();

      X509Certificate second = operator.admissionServer().certificate();
      assertThat(second).isNotEqualTo(first);
      assertThat(second).isEqualTo(PemKeyMaterial.parse(SelfManagedCertificates.decode(secret(), "tls.crt"),
          SelfManagedCertificates.decode(secret(), "tls.key")).leaf());
    }
  }
}
