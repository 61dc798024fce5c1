package dev.instrumentor.webhook.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.ImagePattern;
import dev.instrumentor.api.v1alpha1.SelectorLanguage;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodJson.PodContainer;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguageDetectionTest {

  private static PodContainer container(String image, List<String> command, List<String> args, String... env) {
    ContainerBuilder builder = new ContainerBuilder().withName("app").withImage(image).withCommand(command).withArgs(args);
    for (String name : env) {
      builder.addToEnv(new EnvVar(name, "x", null));
    }
    return new PodContainer("containers", (ObjectNode) PodJson.tree(builder.build()));
  }

  private static Language detect(String image, List<String> command, List<String> args, String... env) {
    return LanguageDetection.detect(container(image, command, args, env), null).language();
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(nullValues = "none", value = {
      "eclipse-temurin:21-jre, java",
      "docker.io/library/eclipse-temurin:21-jre@sha256:0123, java",
      "amazoncorretto:17, java",
      "registry.access.redhat.com/ubi9/openjdk-17:1.20, java",
      "gcr.io/distroless/java17-debian12, java",
      "mcr.microsoft.com/openjdk/jdk:21-ubuntu, java",
      "tomcat:10, java",
      "python:3.12-slim, python",
      "docker.io/library/python:3.11, python",
      "gcr.io/distroless/python3-debian12, python",
      "node:20-alpine, nodejs",
      "docker.io/library/node:22, nodejs",
      "gcr.io/distroless/nodejs20-debian12:nonroot, nodejs",
      "mcr.microsoft.com/dotnet/aspnet:8.0, dotnet",
      "mcr.microsoft.com/dotnet/runtime:8.0, dotnet",
      "redis:7.2, none",
      "postgres:16, none",
      "nginx:1.27, none",
      "calico/node:v3.28, none",
      "registry.example.com/shop/cart:1.4.2, none",
      "localhost:5000/python:3.11, python"})
  void tellsTheCommonRuntimeImages(String image, String language) {
    assertThat(detect(image, List.of(), List.of())).isEqualTo(language == null ? null : Language.valueOf(language.toUpperCase()));
  }

  @Test
  void theCommandThatStartsWinsOverTheImageName() {
    assertThat(detect("registry.example.com/shop/cart:1", List.of("java", "-jar", "/app.jar"), List.of())).isEqualTo(Language.JAVA);
    assertThat(detect("registry.example.com/shop/web:1", List.of("/usr/local/bin/gunicorn"), List.of("app:app")))
        .isEqualTo(Language.PYTHON);
    assertThat(detect("registry.example.com/shop/worker:1", List.of(), List.of("celery", "-A", "shop", "worker")))
        .as("args run when the image has no entrypoint").isEqualTo(Language.PYTHON);
    assertThat(detect("registry.example.com/shop/front:1", List.of("npm", "start"), List.of())).isEqualTo(Language.NODEJS);
    assertThat(detect("registry.example.com/shop/api:1", List.of("dotnet", "Api.dll"), List.of())).isEqualTo(Language.DOTNET);
    assertThat(detect("python:3.12", List.of("node", "server.js"), List.of())).as("what runs, whatever the image")
        .isEqualTo(Language.NODEJS);
    assertThat(detect("registry.example.com/shop/cart:1", List.of("/bin/sh", "-c"),
        List.of("FOO=1 exec java $JAVA_OPTS -jar /app.jar"))).as("a shell's script, past exec and assignments")
        .isEqualTo(Language.JAVA);
    assertThat(detect("registry.example.com/shop/cart:1", List.of("sh", "-c", "exec uwsgi --ini /etc/uwsgi.ini"),
        List.of())).isEqualTo(Language.PYTHON);
    assertThat(detect("redis:7", List.of("redis-server"), List.of())).isNull();
  }

  @Test
  void theEnvironmentTellsWhenNothingElseDoes() {
    assertThat(detect("registry.example.com/shop/cart:1", List.of(), List.of(), "JAVA_HOME")).isEqualTo(Language.JAVA);
    assertThat(detect("registry.example.com/shop/web:1", List.of(), List.of(), "DJANGO_SETTINGS_MODULE"))
        .isEqualTo(Language.PYTHON);
    assertThat(detect("registry.example.com/shop/front:1", List.of(), List.of(), "NODE_ENV")).isEqualTo(Language.NODEJS);
    assertThat(detect("registry.example.com/shop/api:1", List.of(), List.of(), "ASPNETCORE_URLS")).isEqualTo(Language.DOTNET);
  }

  @Test
  void theInstrumentationsImagePatternsComeFirstAndTheReasonSaysWhatTold() {
    ImagePattern pattern = new ImagePattern();
    pattern.setLanguage(SelectorLanguage.JAVA);
    pattern.setImage("platform/jvm-*");
    LanguageDetection.Detected detected = LanguageDetection.detect(
        container("registry.example.com/platform/jvm-base:21", List.of(), List.of()), List.of(pattern));
    assertThat(detected.language()).isEqualTo(Language.JAVA);
    assertThat(detected.reason()).contains("platform/jvm-*").contains("spec.selector.images");
    pattern.setImage("registry.example.com/platform/jvm-*");
    assertThat(LanguageDetection.detect(container("registry.example.com/platform/jvm-base:21", List.of(), List.of()),
        List.of(pattern)).language()).as("with its registry").isEqualTo(Language.JAVA);
    assertThat(LanguageDetection.detect(container("eclipse-temurin:21", List.of(), List.of()), List.of(pattern)).reason())
        .isEqualTo("its image is eclipse-temurin:21");
    assertThat(LanguageDetection.detect(container("redis:7", List.of("redis-server"), List.of()), null).reason())
        .isEqualTo("neither its image redis:7, its command redis-server nor its environment tells a language");
  }
}
