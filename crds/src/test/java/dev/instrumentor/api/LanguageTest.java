package dev.instrumentor.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LanguageTest {

  @Test
  void eachLanguageNamesItsAnnotationsOursAndUpstreams() {
    for (Language language : Language.values()) {
      assertThat(language.injectAnnotation()).isEqualTo("instrumentor.dev/inject-" + language.key());
      assertThat(language.containerNamesAnnotation()).isEqualTo("instrumentor.dev/" + language.key() + "-container-names");
      assertThat(language.upstreamInjectAnnotation()).isEqualTo("instrumentation.opentelemetry.io/inject-" + language.key());
      assertThat(InstrumentorAnnotations.Upstream.of(language.containerNamesAnnotation())).as("upstream's own names")
          .isEqualTo(language == Language.NGINX ? "instrumentation.opentelemetry.io/inject-nginx-container-names"
              : "instrumentation.opentelemetry.io/" + language.key() + "-container-names");
      assertThat(InstrumentorAnnotations.KNOWN).contains(language.injectAnnotation(), language.containerNamesAnnotation(),
          language.upstreamInjectAnnotation(), InstrumentorAnnotations.Upstream.of(language.containerNamesAnnotation()));
    }
  }

  @Test
  void messagesListThemInInjectionOrder() {
    assertThat(Language.listed()).isEqualTo("java, nodejs, python, dotnet, go, apache-httpd, nginx and sdk");
    assertThat(Language.withAgents()).containsExactly(Language.JAVA, Language.NODEJS, Language.PYTHON, Language.DOTNET,
        Language.GO, Language.APACHE_HTTPD, Language.NGINX);
  }

  @Test
  void aMisspelledKeyIsToldWhatItMeant() {
    assertThat(InstrumentorAnnotations.unknownKeys(Map.of("instrumentor.dev/inject-jav", "true",
        "instrumentor.dev/inject-java", "true", "app.kubernetes.io/name", "web")))
        .containsExactly("unknown annotation instrumentor.dev/inject-jav (did you mean instrumentor.dev/inject-java?)");
  }
}
