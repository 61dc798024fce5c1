package dev.instrumentor.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.webhook.mutation.AgentImages;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.tls.PemKeyMaterial;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
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

  /** The CAs in the webhook configuration's caBundle. */
  private List<X509Certificate> caBundle() throws Exception {
    String bundle = new String(Base64.getDecoder().decode(client.admissionRegistration().v1()
        .mutatingWebhookConfigurations().withName("instrumentor").get().getWebhooks().get(0).getClientConfig()
        .getCaBundle()), StandardCharsets.US_ASCII);
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    return factory.generateCertificates(new ByteArrayInputStream(bundle.getBytes(StandardCharsets.US_ASCII)))
        .stream().map(X509Certificate.class::cast).toList();
  }

  /** Whether {@code served} was signed by one of {@code trusted}: what the API server checks. */
  private static boolean trusts(List<X509Certificate> trusted, X509Certificate served) {
    for (X509Certificate ca : trusted) {
      try {
        served.verify(ca.getPublicKey());
        return true;
      } catch (GeneralSecurityException e) {
        // another CA
      }
    }
    return false;
  }

  @Test
  void theCaIsRotatedInStepsAnOverlapApartSoThatTheServedCertificateIsTrustedThroughout() throws Exception {
    client.resource(WebhookRegistration.byUrl("instrumentor", "https://example:9443/mutate-pod", "placeholder",
        "instrumentor-system")).create();
    // a 10-day CA rotated 9 days before its end: due after one day; an hour between the steps
    SelfManagedCertificates.Settings settings = new SelfManagedCertificates.Settings("instrumentor-system",
        "instrumentor-webhook-tls", "instrumentor", List.of("instrumentor-webhook"), Duration.ofDays(5),
        Duration.ofDays(1), directory, Duration.ofDays(10), Duration.ofDays(9), Duration.ofHours(1));
    new SelfManagedCertificates(client, settings, Clock.systemUTC()).bootstrap();
    String firstCa = SelfManagedCertificates.decode(secret(), "ca.crt");
    X509Certificate firstServed = new SelfManagedCertificates(client, settings, Clock.systemUTC()).served();
    List<X509Certificate> before = caBundle();
    assertThat(before).hasSize(1);

    // stage: the new CA is trusted, the old one still signs
    SelfManagedCertificates day2 = new SelfManagedCertificates(client, settings, in(Duration.ofDays(2)));
    assertThat(day2.maintain()).isTrue();
    List<X509Certificate> staged = caBundle();
    assertThat(staged).hasSize(2);
    assertThat(SelfManagedCertificates.decode(secret(), "ca.crt")).isEqualTo(firstCa);
    assertThat(trusts(staged, day2.served())).isTrue();
    assertThat(trusts(before, day2.served())).as("a verifier that has not seen the new bundle yet").isTrue();

    // within the overlap: nothing moves
    assertThat(new SelfManagedCertificates(client, settings, in(Duration.ofDays(2).plusMinutes(30))).maintain()).isFalse();

    // switch: the new CA signs; both stay trusted
    SelfManagedCertificates switched = new SelfManagedCertificates(client, settings, in(Duration.ofDays(2).plusHours(2)));
    assertThat(switched.maintain()).isTrue();
    X509Certificate newServed = switched.served();
    assertThat(SelfManagedCertificates.decode(secret(), "ca.crt")).isNotEqualTo(firstCa);
    assertThat(trusts(List.of(before.get(0)), newServed)).as("the old CA does not sign the new certificate").isFalse();
    assertThat(trusts(staged, newServed)).as("a verifier still holding the staged bundle").isTrue();
    assertThat(trusts(caBundle(), newServed)).isTrue();
    assertThat(trusts(caBundle(), firstServed)).as("a replica still serving the old certificate").isTrue();

    // retire: only the new CA
    SelfManagedCertificates retired = new SelfManagedCertificates(client, settings, in(Duration.ofDays(2).plusHours(4)));
    assertThat(retired.maintain()).isTrue();
    assertThat(caBundle()).hasSize(1);
    assertThat(trusts(caBundle(), retired.served())).isTrue();
    assertThat(trusts(caBundle(), firstServed)).isFalse();
    assertThat(secret().getData()).containsOnlyKeys("ca.crt", "ca.key", "tls.crt", "tls.key");
    // the new CA was made now (certificates take the system's time), so it is due a day from now, not at once
    assertThat(new SelfManagedCertificates(client, settings, in(Duration.ofHours(5))).maintain())
        .as("nothing more to do within the new CA's life").isFalse();
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
