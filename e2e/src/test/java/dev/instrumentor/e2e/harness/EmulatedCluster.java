package dev.instrumentor.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.operator.runtime.InstrumentorOperator;
import dev.instrumentor.operator.runtime.OperatorConfig;
import dev.instrumentor.webhook.mutation.AgentImages;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.testing.TestTls;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The embedded emulation: the fabric8 mock API server in CRUD mode, plus the two steps of a real
 * control plane that it lacks. Admission: every pod is first sent to the webhook over HTTPS as an
 * AdmissionReview and the returned JSON patch applied, as the API server does. Controllers: a
 * Deployment's template becomes a ReplicaSet and its pods, with the owner references and the
 * {@code pod-template-hash} label the real controllers set.
 */
public final class EmulatedCluster implements E2eCluster {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization(JSON, false);

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final InstrumentorOperator operator;
  private final HttpClient https;
  private int podCounter;

  private EmulatedCluster(KubernetesMockServer server, KubernetesClient client, InstrumentorOperator operator, HttpClient https) {
    this.server = server;
    this.client = client;
    this.operator = operator;
    this.https = https;
  }

  public static EmulatedCluster start() {
    KubernetesMockServer server = new KubernetesMockServer(new Context(),
        new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.setVersionInfo(new VersionInfo.Builder().withMajor("1").withMinor("31").build());
    server.init();
    KubernetesClient client = server.createClient();
    Crds.apply(client, false); // installed from crds/ as a user does (the mock itself would serve them anyway)
    try {
      Path directory = Files.createTempDirectory("instrumentor-e2e");
      TestTls tls = new TestTls(directory);
      OperatorConfig config = new OperatorConfig(Set.of(), "instrumentor-system", "e2e", false, "instrumentor-operator",
          "127.0.0.1", 0, tls.certificateFile, tls.keyFile, false, "127.0.0.1", false,
          AgentImages.DEFAULTS, InjectorSettings.DEFAULT_COLLECTOR_IMAGE, InjectorSettings.DEFAULT_RUN_AS_USER, "127.0.0.1", 0, "text", "INFO",
          null);
      InstrumentorOperator operator = new InstrumentorOperator(config, client, Clock.systemUTC()).start();
      return new EmulatedCluster(server, client, operator, HttpClient.newBuilder().sslContext(tls.clientContext()).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public String namespace(String base, Map<String, String> annotations) {
    client.resource(new NamespaceBuilder().withNewMetadata().withName(base).withAnnotations(annotations).endMetadata().build())
        .create();
    return base;
  }

  @Override
  public List<AdmittedPod> deploy(Deployment deployment) {
    Deployment created = client.resource(deployment).create();
    // the Deployment controller: a ReplicaSet named <deployment>-<pod-template-hash>
    String hash = HexFormat.of().formatHex(Integer.toHexString(SERIALIZATION.asJson(created.getSpec().getTemplate())
        .hashCode()).getBytes(StandardCharsets.US_ASCII)).substring(0, 10);
    ReplicaSet replicaSet = client.resource(new ReplicaSetBuilder()
        .withNewMetadata().withName(created.getMetadata().getName() + "-" + hash)
          .withNamespace(created.getMetadata().getNamespace())
          .addToLabels("pod-template-hash", hash)
          .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
              .withName(created.getMetadata().getName()).withUid(created.getMetadata().getUid())
              .withController(true).withBlockOwnerDeletion(true).build())
        .endMetadata()
        .withNewSpec().withReplicas(created.getSpec().getReplicas()).withTemplate(created.getSpec().getTemplate())
          .withSelector(created.getSpec().getSelector()).endSpec()
        .build()).create();
    // the ReplicaSet controller: pods from the template, owned by the ReplicaSet
    List<AdmittedPod> pods = new ArrayList<>();
    int replicas = created.getSpec().getReplicas() == null ? 1 : created.getSpec().getReplicas();
    for (int i = 0; i < replicas; i++) {
      Pod pod = new PodBuilder()
          .withMetadata(created.getSpec().getTemplate().getMetadata())
          .withSpec(created.getSpec().getTemplate().getSpec())
          .editOrNewMetadata()
            .withName(null)
            .withGenerateName(replicaSet.getMetadata().getName() + "-")
            .withNamespace(created.getMetadata().getNamespace())
            .addToLabels("pod-template-hash", hash)
            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                .withName(replicaSet.getMetadata().getName()).withUid(replicaSet.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build())
          .endMetadata()
          .build();
      pods.add(create(pod));
    }
    return pods;
  }

  @Override
  public AdmittedPod create(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    JsonNode object = SERIALIZATION.convertValue(pod, JsonNode.class);
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", UUID.randomUUID().toString());
    request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
    request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
    request.put("namespace", namespace);
    request.put("operation", "CREATE");
    request.putObject("userInfo").put("username", "system:serviceaccount:kube-system:replicaset-controller");
    request.set("object", object);
    request.put("dryRun", false);
    JsonNode answer;
    try {
      HttpResponse<String> response = https.send(HttpRequest.newBuilder(
              URI.create("https://localhost:" + operator.webhookPort() + "/mutate-pod"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(review))).build(),
          HttpResponse.BodyHandlers.ofString());
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    JsonNode stored = object;
    JsonNode patch = answer.path("response").get("patch");
    if (patch != null) {
      stored = JsonPatch.apply(readTree(Base64.getDecoder().decode(patch.asText())), object);
    }
    List<String> warnings = new ArrayList<>();
    answer.path("response").path("warnings").forEach(w -> warnings.add(w.asText()));
    Pod admitted = SERIALIZATION.convertValue(stored, Pod.class);
    if (admitted.getMetadata().getName() == null) {
      admitted.getMetadata().setName(admitted.getMetadata().getGenerateName() + String.format("%05d", ++podCounter));
    }
    return new AdmittedPod(client.resource(admitted).create(), warnings);
  }

  private static JsonNode readTree(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean seesWarnings() {
    return true;
  }

  @Override
  public boolean real() {
    return false;
  }

  @Override
  public int serverMinorVersion() {
    return 31;
  }

  @Override
  public void close() {
    operator.close();
    client.close();
    server.destroy();
  }
}
