package dev.instrumentor.operator.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CollectorInputsTest {

  private static TelemetryCollectorSpec spec() {
    TelemetryCollectorSpec spec = new TelemetryCollectorSpec();
    spec.setEnv(List.of(
        new EnvVarBuilder().withName("KEY").withNewValueFrom().withNewSecretKeyRef("key", "api", true).endValueFrom().build(),
        new EnvVarBuilder().withName("PLAIN").withValue("x").build(),
        new EnvVarBuilder().withName("LEVEL").withNewValueFrom().withNewConfigMapKeyRef("level", "settings", false)
            .endValueFrom().build()));
    spec.setEnvFrom(List.of(new EnvFromSourceBuilder().withNewSecretRef("api", false).build()));
    spec.setVolumes(List.of(
        new VolumeBuilder().withName("ca").withNewConfigMap().withName("ca-bundle").endConfigMap().build(),
        new VolumeBuilder().withName("tls").withNewSecret().withSecretName("tls").withOptional(true).endSecret().build(),
        new VolumeBuilder().withName("both").withNewProjected().addNewSource().withNewSecret().withName("extra").endSecret()
            .endSource().endProjected().build()));
    return spec;
  }

  @Test
  void everySecretAndConfigMapThePodsReadOnceAndRequiredWinsOverOptional() {
    assertThat(CollectorInputs.referenced(spec())).extracting(r -> r.kind() + "/" + r.name() + (r.optional() ? "?" : ""))
        .containsExactly("ConfigMap/ca-bundle", "ConfigMap/settings", "Secret/api", "Secret/extra", "Secret/tls?");
    assertThat(CollectorInputs.referenced(new TelemetryCollectorSpec())).isEmpty();
  }

  @Test
  void theHashFollowsContentNotTheObjectsMetadata() {
    Secret secret = secret("api", Map.of("token", "one"));
    Secret relabelled = new SecretBuilder(secret).editMetadata().addToLabels("team", "a").withResourceVersion("99")
        .endMetadata().build();
    Secret asStringData = new SecretBuilder().withNewMetadata().withName("api").endMetadata()
        .withStringData(Map.of("token", "one")).build();
    assertThat(CollectorInputs.contentHash(relabelled)).isEqualTo(CollectorInputs.contentHash(secret))
        .as("stringData as the API server stores it: in data").isEqualTo(CollectorInputs.contentHash(asStringData));
    assertThat(CollectorInputs.contentHash(secret("api", Map.of("token", "two"))))
        .isNotEqualTo(CollectorInputs.contentHash(secret));
    // a ConfigMap's data and binaryData of the same key are not the same content
    ConfigMap text = new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().withData(Map.of("k", "v")).build();
    ConfigMap binary = new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata()
        .withBinaryData(Map.of("k", Base64.getEncoder().encodeToString("v".getBytes(StandardCharsets.UTF_8)))).build();
    assertThat(CollectorInputs.contentHash(text)).isNotEqualTo(CollectorInputs.contentHash(binary));
  }

  @Test
  void theCacheKeepsTheHashAndNeverTheData() {
    Secret secret = secret("api", Map.of("token", "one"));
    secret.getMetadata().setAnnotations(Map.of("kubectl.kubernetes.io/last-applied-configuration", "{\"stringData\":\"one\"}"));
    String before = CollectorInputs.contentHash(secret);
    Secret slim = CollectorInputs.withoutData(secret);
    assertThat(slim.getData()).isNullOrEmpty();
    assertThat(slim.getStringData()).isNullOrEmpty();
    assertThat(slim.getMetadata().getAnnotations()).containsOnlyKeys("instrumentor.dev/content-sha256");
    assertThat(slim.getMetadata().getName()).isEqualTo("api");
    assertThat(CollectorInputs.contentHash(slim)).isEqualTo(before);
  }

  @Test
  void versionsChangeWithAnyInputAndNameTheMissingRequiredOnes() {
    List<CollectorInputs.Ref> refs = CollectorInputs.referenced(spec());
    Map<String, HasMetadata> cluster = new HashMap<>(Map.of(
        "Secret/api", secret("api", Map.of("token", "one")),
        "Secret/extra", secret("extra", Map.of("a", "b")),
        "ConfigMap/settings", new ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata()
            .withData(Map.of("level", "info")).build(),
        "ConfigMap/ca-bundle", new ConfigMapBuilder().withNewMetadata().withName("ca-bundle").endMetadata().build()));
    CollectorInputs.Versions before = CollectorInputs.versions(refs, ref -> cluster.get(ref.kind() + "/" + ref.name()));
    assertThat(before.missing()).as("the optional tls Secret may be absent").isEmpty();
    assertThat(before.hash()).hasSize(64);

    cluster.put("Secret/api", secret("api", Map.of("token", "rotated")));
    CollectorInputs.Versions rotated = CollectorInputs.versions(refs, ref -> cluster.get(ref.kind() + "/" + ref.name()));
    assertThat(rotated.hash()).isNotEqualTo(before.hash());

    cluster.remove("ConfigMap/settings");
    CollectorInputs.Versions missing = CollectorInputs.versions(refs, ref -> cluster.get(ref.kind() + "/" + ref.name()));
    assertThat(missing.missing()).extracting(CollectorInputs.Ref::name).containsExactly("settings");
    assertThat(CollectorInputs.describe(missing.missing())).isEqualTo("ConfigMap settings (env LEVEL)");
    assertThat(CollectorInputs.versions(List.of(), ref -> null).hash()).as("nothing read, no annotation").isNull();
  }

  @Test
  void theHashIsInThePodTemplateOnlyWhenThePodsReadSomething() {
    var collector = CollectorManifestsTest.collector(CollectorMode.DEPLOYMENT, CollectorManifestsTest.CONFIG);
    CollectorManifests manifests = new CollectorManifests("otel/opentelemetry-collector-contrib:0.139.0");
    CollectorConfig config = CollectorConfig.of(collector.getSpec().getConfig());
    assertThat(template(manifests.desired(collector, config, null))).doesNotContainKey(CollectorInputs.INPUTS_HASH_ANNOTATION);
    assertThat(template(manifests.desired(collector, config, "abc"))).containsEntry(CollectorInputs.INPUTS_HASH_ANNOTATION, "abc");
  }

  private static Map<String, String> template(List<HasMetadata> objects) {
    return objects.stream().filter(o -> o instanceof Deployment)
        .map(o -> ((Deployment) o).getSpec().getTemplate().getMetadata().getAnnotations())
        .findFirst().orElseThrow();
  }

  private static Secret secret(String name, Map<String, String> values) {
    Map<String, String> data = new TreeMap<>();
    values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace("o").withResourceVersion("1").endMetadata()
        .withData(data).build();
  }
}
