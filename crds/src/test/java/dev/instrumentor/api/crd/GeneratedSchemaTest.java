package dev.instrumentor.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Asserts on the generated YAML that each schema rule the API server must enforce is there. */
class GeneratedSchemaTest {

  private static final Map<String, String> GENERATED = CrdGeneration.generate(Path.of("src/main/java"));
  private static final CustomResourceDefinition INSTRUMENTATION = crd("instrumentations.instrumentor.dev.yaml");
  private static final CustomResourceDefinition COLLECTOR = crd("telemetrycollectors.instrumentor.dev.yaml");

  private static CustomResourceDefinition crd(String file) {
    return Serialization.unmarshal(GENERATED.get(file), CustomResourceDefinition.class);
  }

  private static CustomResourceDefinitionVersion version(CustomResourceDefinition crd) {
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    return crd.getSpec().getVersions().get(0);
  }

  /** The schema at a dotted path below the root, e.g. {@code spec.sampler.type}; {@code []} steps into items. */
  private static JSONSchemaProps at(CustomResourceDefinition crd, String path) {
    JSONSchemaProps node = version(crd).getSchema().getOpenAPIV3Schema();
    for (String step : path.split("\\.")) {
      if (step.equals("[]")) {
        node = node.getItems().getSchema();
      } else {
        assertThat(node.getProperties()).as("property %s of %s", step, path).containsKey(step);
        node = node.getProperties().get(step);
      }
    }
    return node;
  }

  private static List<String> enumValues(JSONSchemaProps props) {
    List<String> values = new ArrayList<>();
    props.getEnum().forEach(v -> values.add(v.asText()));
    return values;
  }

  @Test
  void namesScopeAndCategories() {
    assertThat(INSTRUMENTATION.getSpec().getGroup()).isEqualTo("instrumentor.dev");
    assertThat(INSTRUMENTATION.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(INSTRUMENTATION.getSpec().getNames().getShortNames()).containsExactly("inst");
    assertThat(INSTRUMENTATION.getSpec().getNames().getCategories()).containsExactly("instrumentor");
    assertThat(COLLECTOR.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(COLLECTOR.getSpec().getNames().getKind()).isEqualTo("TelemetryCollector");
    assertThat(COLLECTOR.getSpec().getNames().getShortNames()).containsExactly("tc");
    assertThat(COLLECTOR.getSpec().getNames().getCategories()).containsExactly("instrumentor");
    assertThat(version(INSTRUMENTATION).getName()).isEqualTo("v1alpha1");
    assertThat(version(INSTRUMENTATION).getStorage()).isTrue();
  }

  @Test
  void enums() {
    assertThat(enumValues(at(INSTRUMENTATION, "spec.propagators.[]"))).containsExactlyInAnyOrder(
        "tracecontext", "baggage", "b3", "b3multi", "jaeger", "xray", "ottrace", "none");
    assertThat(enumValues(at(INSTRUMENTATION, "spec.sampler.type"))).containsExactlyInAnyOrder(
        "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off",
        "parentbased_traceidratio", "jaeger_remote", "parentbased_jaeger_remote", "xray");
    assertThat(enumValues(at(INSTRUMENTATION, "spec.exporter.protocol")))
        .containsExactlyInAnyOrder("grpc", "http/protobuf");
    assertThat(enumValues(at(INSTRUMENTATION, "spec.imagePullPolicy")))
        .containsExactlyInAnyOrder("Always", "IfNotPresent", "Never");
    assertThat(enumValues(at(COLLECTOR, "spec.mode")))
        .containsExactlyInAnyOrder("deployment", "daemonset", "statefulset", "sidecar");
  }

  @Test
  void requiredFieldsAndDefaults() {
    assertThat(version(INSTRUMENTATION).getSchema().getOpenAPIV3Schema().getRequired()).containsExactly("spec");
    assertThat(version(COLLECTOR).getSchema().getOpenAPIV3Schema().getRequired()).containsExactly("spec");
    assertThat(at(COLLECTOR, "spec").getRequired()).containsExactly("config");
    assertThat(at(INSTRUMENTATION, "spec.java.extensions.[]").getRequired()).containsExactlyInAnyOrder("image", "dir");
    assertThat(at(COLLECTOR, "spec.mode").getDefault().asText()).isEqualTo("deployment");
    assertThat(at(COLLECTOR, "spec.replicas").getDefault().asInt()).isEqualTo(1);
    assertThat(at(COLLECTOR, "spec.replicas").getMinimum()).isEqualTo(0.0);
  }

  @Test
  void collectorConfigIsAnObjectKeptAsWritten() {
    JSONSchemaProps config = at(COLLECTOR, "spec.config");
    assertThat(config.getType()).isEqualTo("object");
    assertThat(config.getXKubernetesPreserveUnknownFields()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
      "http://collector.observability:4317, true",
      "https://otel.example.com/v1, true",
      "http://10.0.0.1:4318/, true",
      "collector:4317, false",
      "ftp://collector:21, false",
      "http://, false",
      "'http://a b', false",
  })
  void endpointPattern(String endpoint, boolean valid) {
    // a CEL rule rather than a schema pattern: the API server then says what is wrong in words, not with the regex
    ValidationRule rule = at(INSTRUMENTATION, "spec.exporter").getXKubernetesValidations().stream()
        .filter(r -> r.getRule().contains(".matches(")).findFirst().orElseThrow();
    assertThat(rule.getMessage()).startsWith("spec.exporter.endpoint must be a URL with a scheme and a host");
    assertThat(rule.getFieldPath()).isEqualTo(".endpoint");
    String regex = rule.getRule().replaceFirst("(?s).*\\.matches\\('(.*)'\\)$", "$1").replace("\\\\", "\\");
    assertThat(matches(regex, endpoint)).isEqualTo(valid);
    assertThat(at(INSTRUMENTATION, "spec.exporter.endpoint").getPattern()).isNull();
  }

  @ParameterizedTest
  @CsvSource({"200Mi, true", "1Gi, true", "500M, true", "1.5Gi, true", "100, true", "1e3, true",
      "200MB, false", "lots, false", "'', false", "-, false"})
  void quantityPattern(String size, boolean valid) {
    assertThat(matches(at(INSTRUMENTATION, "spec.java.volumeLimitSize").getPattern(), size)).isEqualTo(valid);
  }

  @Test
  void samplerArgumentRuleNamesTheFieldAndAcceptsOnlyRatiosInZeroOne() {
    ValidationRule rule = single(at(INSTRUMENTATION, "spec.sampler").getXKubernetesValidations());
    assertThat(rule.getMessage()).contains("spec.sampler.argument");
    assertThat(rule.getFieldPath()).isEqualTo(".argument");
    assertThat(rule.getRule()).contains("traceidratio", "parentbased_traceidratio", "self.argument.matches(");
    Matcher regex = Pattern.compile("matches\\('([^']*)'\\)").matcher(rule.getRule());
    assertThat(regex.find()).isTrue();
    String ratio = regex.group(1);
    for (String ok : List.of("0", "1", "0.25", ".5", "1.0", "0.000001", "1.000")) {
      assertThat(matches(ratio, ok)).as(ok).isTrue();
    }
    for (String bad : List.of("1.5", "2", "-0.1", "abc", "", "0.", "1.01", "50%")) {
      assertThat(matches(ratio, bad)).as(bad).isFalse();
    }
  }

  @Test
  void volumeLimitSizeAndClaimTemplateAreExclusive() {
    ValidationRule rule = single(at(INSTRUMENTATION, "spec.java").getXKubernetesValidations());
    assertThat(rule.getRule()).isEqualTo("!(has(self.volumeLimitSize) && has(self.volumeClaimTemplate))");
    assertThat(rule.getMessage()).contains("spec.java.volumeLimitSize", "spec.java.volumeClaimTemplate");
  }

  @Test
  void modeIsImmutable() {
    ValidationRule rule = single(at(COLLECTOR, "spec.mode").getXKubernetesValidations());
    assertThat(rule.getRule()).isEqualTo("self == oldSelf");
    assertThat(rule.getMessage()).contains("spec.mode is immutable");
  }

  @Test
  void collectorCrossFieldRulesNameTheirFields() {
    List<ValidationRule> rules = at(COLLECTOR, "spec").getXKubernetesValidations();
    assertThat(rules).extracting(ValidationRule::getFieldPath)
        .containsExactlyInAnyOrder(".volumeClaimTemplates", ".replicas", ".autoscaler", ".hostPorts",
            ".persistentVolumeClaimRetentionPolicy", ".daemonSetUpdateStrategy",
            ".deploymentUpdateStrategy", ".tolerations", ".affinity", ".priorityClassName", ".additionalContainers",
            ".ingress", ".ingress.hostname", ".targetAllocator", ".targetAllocator.allocationStrategy");
    assertThat(rules).allSatisfy(r -> assertThat(r.getMessage()).startsWith("spec."));
  }

  @Test
  void subresources() {
    assertThat(version(INSTRUMENTATION).getSubresources().getStatus()).isNotNull();
    assertThat(version(INSTRUMENTATION).getSubresources().getScale()).isNull();
    assertThat(version(COLLECTOR).getSubresources().getStatus()).isNotNull();
    assertThat(version(COLLECTOR).getSubresources().getScale().getSpecReplicasPath()).isEqualTo(".spec.replicas");
    assertThat(version(COLLECTOR).getSubresources().getScale().getStatusReplicasPath())
        .isEqualTo(".status.scale.replicas");
    assertThat(version(COLLECTOR).getSubresources().getScale().getLabelSelectorPath())
        .isEqualTo(".status.scale.selector");
  }

  @Test
  void printerColumns() {
    assertThat(version(INSTRUMENTATION).getAdditionalPrinterColumns())
        .extracting(CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath)
        .containsExactly(
            Tuple.tuple("Endpoint", ".spec.exporter.endpoint"),
            Tuple.tuple("Sampler", ".spec.sampler.type"),
            Tuple.tuple("Ready", ".status.conditions[?(@.type==\"Ready\")].status"),
            Tuple.tuple("Injected", ".status.injected"),
            Tuple.tuple("Stale", ".status.stale"),
            Tuple.tuple("Missed", ".status.missed"),
            Tuple.tuple("Failing", ".status.failing"),
            Tuple.tuple("RolledBack", ".status.rolledBack"),
            Tuple.tuple("Unresolved", ".status.unresolved"),
            Tuple.tuple("Age", ".metadata.creationTimestamp"));
    assertThat(version(COLLECTOR).getAdditionalPrinterColumns())
        .extracting(CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath)
        .containsExactly(
            Tuple.tuple("Mode", ".spec.mode"),
            Tuple.tuple("Ready", ".status.scale.statusReplicas"),
            Tuple.tuple("Image", ".status.image"),
            Tuple.tuple("Age", ".metadata.creationTimestamp"));
  }

  @Test
  void everyFieldOfOurOwnHasADescriptionForKubectlExplain() {
    assertDescribed("spec", at(INSTRUMENTATION, "spec"));
    assertDescribed("spec", at(COLLECTOR, "spec"));
    assertDescribed("status", at(INSTRUMENTATION, "status"));
    assertDescribed("status", at(COLLECTOR, "status"));
  }

  /** Our own fields are described; embedded Kubernetes types carry the upstream schema as-is. */
  private static void assertDescribed(String path, JSONSchemaProps node) {
    if (node.getProperties() == null) {
      return;
    }
    node.getProperties().forEach((name, child) -> {
      assertThat(child.getDescription()).as("description of %s.%s", path, name).isNotBlank();
      if (OWN_OBJECTS.contains(name)) {
        assertDescribed(path + "." + name, child.getItems() != null ? child.getItems().getSchema() : child);
      }
    });
  }

  private static final List<String> OWN_OBJECTS = List.of(
      "exporter", "tls", "sampler", "resource", "defaults", "java", "extensions", "scale");

  private static ValidationRule single(List<ValidationRule> rules) {
    assertThat(rules).hasSize(1);
    return rules.get(0);
  }

  private static boolean matches(String regex, String value) {
    return Pattern.compile(regex).matcher(value).find();
  }
}
