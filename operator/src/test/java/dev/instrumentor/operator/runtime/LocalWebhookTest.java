package dev.instrumentor.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.webhook.testing.TestTls;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --local-webhook}: registers a webhook by URL with its own CA, and removes it on exit. */
@EnableKubernetesMockClient(crud = true)
class LocalWebhookTest {

  KubernetesClient client;

  @Test
  void registersAWebhookByUrlThatTrustsItsOwnCaAndRemovesItOnClose(@TempDir Path directory) throws Exception {
    InstrumentorOperator operator = new InstrumentorOperator(OperatorHarness.config(new TestTls(directory), true), client,
        Clock.systemUTC()).start();
    MutatingWebhookConfiguration configuration;
    try {
      configuration = client.admissionRegistration().v1().mutatingWebhookConfigurations()
          .withName("instrumentor-local-test-replica").get();
      assertThat(configuration).isNotNull();
      MutatingWebhook webhook = configuration.getWebhooks().get(0);
      assertThat(webhook.getClientConfig().getUrl()).isEqualTo("https://127.0.0.1:" + operator.webhookPort() + "/mutate-pod");
      assertThat(webhook.getFailurePolicy()).isEqualTo("Ignore");
      assertThat(webhook.getSideEffects()).isEqualTo("None");
      assertThat(webhook.getTimeoutSeconds()).isLessThanOrEqualTo(5);
      assertThat(webhook.getReinvocationPolicy()).isEqualTo("IfNeeded");
      assertThat(webhook.getRules()).singleElement().satisfies(rule -> {
        assertThat(rule.getOperations()).containsExactly("CREATE");
        assertThat(rule.getResources()).containsExactly("pods");
      });
      assertThat(webhook.getNamespaceSelector().getMatchExpressions()).singleElement().satisfies(expression -> {
        assertThat(expression.getOperator()).isEqualTo("NotIn");
        assertThat(expression.getValues()).containsExactlyInAnyOrder("kube-system", "instrumentor-system");
      });

      // the caBundle is what the API server trusts: a client trusting only it reaches the webhook
      X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
          new ByteArrayInputStream(Base64.getDecoder().decode(webhook.getClientConfig().getCaBundle())));
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, factory.getTrustManagers(), null);
      HttpResponse<String> health = HttpClient.newBuilder().sslContext(ssl).build().send(HttpRequest.newBuilder(
          URI.create(webhook.getClientConfig().getUrl().replace("/mutate-pod", "/healthz"))).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertThat(health.statusCode()).isEqualTo(200);
    } finally {
      operator.close();
    }
    assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName("instrumentor-local-test-replica").get()).isNull();
  }
}
