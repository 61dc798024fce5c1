package dev.instrumentor.webhook.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.instrumentor.webhook.mutation.PodJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The four layers of a container's environment, composed: precedence, order, merging, references. */
class EnvComposerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AgentLanguage.Loader JAVA_TOOL_OPTIONS =
      new AgentLanguage.Loader("JAVA_TOOL_OPTIONS", null, "-javaagent:/instrumentor/java/javaagent.jar", " ");

  private static JsonNode env(String name, String value) {
    return PodJson.envVar(name, value);
  }

  private static Map<String, String> asMap(List<JsonNode> env) {
    Map<String, String> result = new LinkedHashMap<>();
    env.forEach(var -> result.put(EnvComposer.name(var), EnvComposer.value(var)));
    return result;
  }

  @Test
  void theContainerWinsOverTheLanguageBlockOverSpecEnvOverWhatIsGenerated() {
    EnvComposer composer = new EnvComposer(List.of(env("OTEL_SERVICE_NAME", "from-container")),
        List.of(env("OTEL_SERVICE_NAME", "from-java-block"), env("OTEL_TRACES_SAMPLER", "always_on")),
        List.of(env("OTEL_TRACES_SAMPLER", "always_off"), env("OTEL_METRICS_EXPORTER", "none")));
    List<JsonNode> composed = composer.compose(List.of(env("OTEL_SERVICE_NAME", "generated"),
        env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")), Map.of(), List.of());
    assertThat(asMap(composed)).containsEntry("OTEL_SERVICE_NAME", "from-container")
        .containsEntry("OTEL_TRACES_SAMPLER", "always_on").containsEntry("OTEL_METRICS_EXPORTER", "none")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318");
    assertThat(composed).extracting(EnvComposer::name).doesNotHaveDuplicates();
  }

  @Test
  void theContainersOwnVariablesKeepTheirPlaceAndNodes() {
    JsonNode first = env("A", "1");
    JsonNode second = env("B", "2");
    List<JsonNode> composed = new EnvComposer(List.of(first, second), null, null)
        .compose(List.of(env("OTEL_SERVICE_NAME", "svc")), Map.of(), List.of());
    assertThat(composed.get(0)).isSameAs(first);
    assertThat(composed.get(1)).isSameAs(second);
    assertThat(composed).extracting(EnvComposer::name).containsExactly("A", "B", "OTEL_SERVICE_NAME");
  }

  @Test
  void resourceAttributesMergeKeyByKeyAndHigherLayersWin() {
    EnvComposer composer = new EnvComposer(
        List.of(env("OTEL_RESOURCE_ATTRIBUTES", "team=checkout")),
        null,
        List.of(env("OTEL_RESOURCE_ATTRIBUTES", "team=platform,tier=web")));
    Map<String, String> below = new LinkedHashMap<>();
    below.put("k8s.pod.name", "$(OTEL_POD_NAME)");
    below.put("tier", "generated");
    String attributes = asMap(composer.compose(List.of(env("OTEL_POD_NAME", "p")), below, List.of()))
        .get("OTEL_RESOURCE_ATTRIBUTES");
    assertThat(ResourceAttributes.parse(attributes)).containsEntry("team", "checkout").containsEntry("tier", "web")
        .containsEntry("k8s.pod.name", "$(OTEL_POD_NAME)").hasSize(3);
    assertThat(composer.userResourceAttributeKeys()).containsExactlyInAnyOrder("team", "tier");
  }

  @Test
  void aLoaderWrapsTheUsersValueOrAValueItCannotSee() throws Exception {
    List<JsonNode> plain = new EnvComposer(List.of(env("JAVA_TOOL_OPTIONS", "-Xmx1g")), null, null)
        .compose(List.of(), Map.of(), List.of(JAVA_TOOL_OPTIONS));
    assertThat(asMap(plain)).containsEntry("JAVA_TOOL_OPTIONS", "-Xmx1g -javaagent:/instrumentor/java/javaagent.jar");

    JsonNode fromSecret = JSON.readTree("{\"name\":\"JAVA_TOOL_OPTIONS\",\"valueFrom\":{\"secretKeyRef\":"
        + "{\"name\":\"opts\",\"key\":\"java\"}}}");
    List<JsonNode> hidden = new EnvComposer(List.of(fromSecret), null, null)
        .compose(List.of(), Map.of(), List.of(JAVA_TOOL_OPTIONS));
    assertThat(hidden).extracting(EnvComposer::name)
        .containsExactly("INSTRUMENTOR_ORIGINAL_JAVA_TOOL_OPTIONS", "JAVA_TOOL_OPTIONS");
    assertThat(asMap(hidden)).containsEntry("JAVA_TOOL_OPTIONS",
        "$(INSTRUMENTOR_ORIGINAL_JAVA_TOOL_OPTIONS) -javaagent:/instrumentor/java/javaagent.jar");

    List<JsonNode> none = new EnvComposer(List.of(), null, null).compose(List.of(), Map.of(), List.of(JAVA_TOOL_OPTIONS));
    assertThat(asMap(none)).containsEntry("JAVA_TOOL_OPTIONS", "-javaagent:/instrumentor/java/javaagent.jar");
  }

  @Test
  void anAddedVariableComesBeforeTheOnesThatReferenceIt() {
    // spec.env references a generated variable: the generated one is defined first, as Kubernetes expands only earlier ones
    List<JsonNode> composed = new EnvComposer(List.of(), null, List.of(env("OTEL_SERVICE_NAME", "$(APP)-svc")))
        .compose(List.of(env("APP", "shop")), Map.of(), List.of());
    List<String> names = composed.stream().map(EnvComposer::name).toList();
    assertThat(names.indexOf("APP")).isLessThan(names.indexOf("OTEL_SERVICE_NAME"));
  }
}
