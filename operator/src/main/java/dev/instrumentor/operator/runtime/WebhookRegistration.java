package dev.instrumentor.operator.runtime;

import dev.instrumentor.webhook.admission.AdmissionServer;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The MutatingWebhookConfiguration for pods, as {@code run --local-webhook} registers it (by URL)
 * and the Helm chart installs it (by Service): CREATE only, failurePolicy Ignore (a pod is never
 * blocked because of us), sideEffects None, a 5 s timeout, reinvocation IfNeeded, and kube-system
 * and the operator's own namespace excluded.
 */
public final class WebhookRegistration {

  public static final String WEBHOOK_NAME = "pods.instrumentor.dev";

  private WebhookRegistration() {
  }

  public static MutatingWebhookConfiguration byUrl(String configurationName, String url, String caBundlePem,
      String operatorNamespace) {
    return new MutatingWebhookConfigurationBuilder()
        .withNewMetadata().withName(configurationName)
          .addToLabels("app.kubernetes.io/managed-by", "instrumentor").endMetadata()
        .addNewWebhook()
          .withName(WEBHOOK_NAME)
          .withAdmissionReviewVersions("v1")
          .withNewClientConfig()
            .withUrl(url)
            .withCaBundle(Base64.getEncoder().encodeToString(caBundlePem.getBytes(StandardCharsets.US_ASCII)))
          .endClientConfig()
          .addNewRule()
            .withApiGroups("").withApiVersions("v1").withOperations("CREATE").withResources("pods").withScope("Namespaced")
          .endRule()
          .withFailurePolicy("Ignore")
          .withSideEffects("None")
          .withTimeoutSeconds(5)
          .withReinvocationPolicy("IfNeeded")
          .withMatchPolicy("Equivalent")
          .withNewNamespaceSelector()
            .withMatchExpressions(new LabelSelectorRequirementBuilder()
                .withKey("kubernetes.io/metadata.name").withOperator("NotIn")
                .withValues("kube-system", operatorNamespace).build())
          .endNamespaceSelector()
        .endWebhook()
        .build();
  }

  /** Creates or replaces the configuration; returns what the API server stored. */
  public static MutatingWebhookConfiguration register(KubernetesClient client, MutatingWebhookConfiguration configuration) {
    return client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(configuration).createOr(
        existing -> existing.update());
  }

  public static void unregister(KubernetesClient client, String configurationName) {
    client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(configurationName).delete();
  }

  public static String localUrl(String host, int port) {
    return "https://" + host + ":" + port + AdmissionServer.MUTATE_POD_PATH;
  }
}
