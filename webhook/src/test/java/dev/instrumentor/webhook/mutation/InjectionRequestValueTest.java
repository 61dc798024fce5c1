package dev.instrumentor.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.webhook.mutation.InjectionRequestValue.Disabled;
import dev.instrumentor.webhook.mutation.InjectionRequestValue.Invalid;
import dev.instrumentor.webhook.mutation.InjectionRequestValue.Named;
import dev.instrumentor.webhook.mutation.InjectionRequestValue.NotRequested;
import dev.instrumentor.webhook.mutation.InjectionRequestValue.OnlyOneInNamespace;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InjectionRequestValueTest {

  private static final String KEY = "instrumentor.dev/inject-java";

  private static InjectionRequestValue resolve(String pod, String namespace) {
    Map<String, String> podAnnotations = new HashMap<>();
    Map<String, String> namespaceAnnotations = new HashMap<>();
    if (pod != null) {
      podAnnotations.put(KEY, pod);
    }
    if (namespace != null) {
      namespaceAnnotations.put(KEY, namespace);
    }
    return InjectionRequestValue.resolve(KEY, podAnnotations, namespaceAnnotations, "demo");
  }

  @Test
  void neitherPodNorNamespaceAsks() {
    assertThat(resolve(null, null)).isEqualTo(new NotRequested());
    assertThat(InjectionRequestValue.resolve(KEY, null, null, "demo")).isEqualTo(new NotRequested());
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "True", "TRUE", " true "})
  void trueIsCaseInsensitive(String value) {
    assertThat(resolve(value, null)).isEqualTo(new OnlyOneInNamespace());
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "False", "FALSE"})
  void falseIsCaseInsensitive(String value) {
    assertThat(resolve(value, null)).isEqualTo(new Disabled("pod"));
  }

  @Test
  void namesResolveInThePodNamespaceOrTheGivenOne() {
    assertThat(resolve("java", null)).isEqualTo(new Named("demo", "java"));
    assertThat(resolve("observability/java", null)).isEqualTo(new Named("observability", "java"));
  }

  @Test
  void namespaceValueAppliesWhenThePodSaysNothing() {
    assertThat(resolve(null, "true")).isEqualTo(new OnlyOneInNamespace());
    assertThat(resolve(null, "false")).isEqualTo(new Disabled("namespace"));
    assertThat(resolve(null, "shared/java")).isEqualTo(new Named("shared", "java"));
  }

  @Test
  void podValueWinsOverNamespaceValue() {
    assertThat(resolve("false", "true")).isEqualTo(new Disabled("pod"));
    assertThat(resolve("other", "java")).isEqualTo(new Named("demo", "other"));
    assertThat(resolve("true", "false")).isEqualTo(new OnlyOneInNamespace());
    assertThat(resolve("x/y", "true")).isEqualTo(new Named("x", "y"));
  }

  @Test
  void podTrueUnderANamespaceThatNamesOneUsesTheNamedOne() {
    assertThat(resolve("true", "java")).isEqualTo(new Named("demo", "java"));
    assertThat(resolve("true", "shared/java")).isEqualTo(new Named("shared", "java"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes please", "Java", "a/b/c", "/java", "ns/", "", "-java"})
  void anythingElseIsInvalidAndSaysWhere(String value) {
    assertThat(resolve(value, null)).isEqualTo(new Invalid(value.trim(), "pod"));
  }
}
