package dev.instrumentor.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pod as the injections read it: what it says, and why a tree is not a pod they can read. */
class PodJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static PodJson pod(String json) throws Exception {
    return PodJson.of((ObjectNode) JSON.readTree(json));
  }

  @Test
  void whatThePodSays() throws Exception {
    PodJson pod = pod("""
        {"metadata": {"name": "web-1", "annotations": {"a": "1"}, "labels": {"app": "web"}},
         "spec": {"securityContext": {"runAsUser": 1000, "fsGroup": 2000},
                  "initContainers": [{"name": "setup", "image": "busybox"}],
                  "containers": [{"name": "app", "image": "shop/web:1", "env": [{"name": "A", "value": "1"}]}],
                  "volumes": [{"name": "data", "emptyDir": {}}]}}
        """);
    assertThat(pod.name()).isEqualTo("web-1");
    assertThat(pod.annotations()).containsEntry("a", "1");
    assertThat(pod.labels()).containsEntry("app", "web");
    assertThat(pod.containers()).extracting(PodJson.PodContainer::name).containsExactly("app");
    assertThat(pod.containers().get(0).image()).isEqualTo("shop/web:1");
    assertThat(pod.containers().get(0).env()).hasSize(1);
    assertThat(pod.initContainers()).extracting(PodJson.PodContainer::name).containsExactly("setup");
    assertThat(pod.containerNamed("setup")).isEqualTo("an init container");
    assertThat(pod.containerNamed("app")).isEqualTo("a container");
    assertThat(pod.containerNamed("other")).isNull();
    assertThat(pod.hasVolume("data")).isTrue();
    assertThat(pod.hasVolume("agent")).isFalse();
    assertThat(pod.runAsUser()).isEqualTo(1000L);
    assertThat(pod.hasFsGroup()).isTrue();
    assertThat(pod.windows()).isFalse();
    assertThat(pod.problem()).isNull();
  }

  @Test
  void windowsBySpecOrNodeSelector() throws Exception {
    assertThat(pod("{\"spec\": {\"os\": {\"name\": \"windows\"}}}").windows()).isTrue();
    assertThat(pod("{\"spec\": {\"nodeSelector\": {\"kubernetes.io/os\": \"windows\"}}}").windows()).isTrue();
    assertThat(pod("{\"spec\": {}}").windows()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"metadata\": []}|metadata is not an object",
      "{\"metadata\": {\"annotations\": {\"a\": 1}}}|metadata.annotations[a] is not a string",
      "{\"metadata\": {\"labels\": []}}|metadata.labels is not an object",
      "{\"spec\": \"no\"}|spec is not an object",
      "{\"spec\": {\"securityContext\": 1}}|spec.securityContext is not an object",
      "{\"spec\": {\"containers\": [{\"name\": \"a\", \"env\": {}}]}}|spec.containers[0].env",
      "{\"spec\": {\"initContainers\": [1]}}|spec.initContainers",
  })
  void aTreeTheInjectionsCannotReadSaysWhere(String json, String problem) throws Exception {
    assertThat(pod(json).problem()).isNotNull().contains(problem);
  }

  @Test
  void anEmptyTreeIsAPodWithNothingToSay() throws Exception {
    PodJson pod = pod("{}");
    assertThat(pod.problem()).isNull();
    assertThat(pod.containers()).isEmpty();
    assertThat(pod.annotations()).isEmpty();
    assertThat(pod.runAsUser()).isNull();
  }
}
