package dev.instrumentor.webhook.mutation;

import dev.instrumentor.api.Language;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The agent image per language when an Instrumentation names none: images in the layout of the
 * OpenTelemetry Operator's autoinstrumentation images (the OpenTelemetry Go project's for Go).
 */
public final class AgentImages {

  /** {@code /javaagent.jar} inside. */
  public static final String DEFAULT_JAVA =
      "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.31.0";
  /** {@code /autoinstrumentation} with {@code autoinstrumentation.js} and its {@code node_modules}. */
  public static final String DEFAULT_NODEJS =
      "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs:0.78.0";
  /** The distro and instrumentations under {@code /autoinstrumentation} and {@code /autoinstrumentation-musl}. */
  public static final String DEFAULT_PYTHON =
      "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-python:0.65b0";
  /** The CLR profiler, startup hook, additional deps and store under {@code /autoinstrumentation}. */
  public static final String DEFAULT_DOTNET =
      "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-dotnet:1.16.0";
  /** The eBPF instrumentation's executable as the sidecar's entrypoint (the OpenTelemetry Go project's image). */
  public static final String DEFAULT_GO =
      "ghcr.io/open-telemetry/opentelemetry-go-instrumentation/autoinstrumentation-go:v0.24.0";
  /** The web server SDK and the Apache and nginx modules under {@code /opt/opentelemetry}: one image for both. */
  public static final String DEFAULT_WEB_SERVER =
      "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-apache-httpd:1.0.4";

  public static final AgentImages DEFAULTS = new AgentImages(Map.of(Language.JAVA, DEFAULT_JAVA,
      Language.NODEJS, DEFAULT_NODEJS, Language.PYTHON, DEFAULT_PYTHON, Language.DOTNET, DEFAULT_DOTNET,
      Language.GO, DEFAULT_GO, Language.APACHE_HTTPD, DEFAULT_WEB_SERVER, Language.NGINX, DEFAULT_WEB_SERVER));

  private final Map<Language, String> images;

  private AgentImages(Map<Language, String> images) {
    for (Language language : Language.withAgents()) {
      Objects.requireNonNull(images.get(language), language.key());
    }
    this.images = new EnumMap<>(images);
  }

  /** The image of {@code language} (one with an agent). */
  public String image(Language language) {
    if (!language.hasAgent()) {
      throw new IllegalArgumentException("the " + language.displayName() + " environment has no agent image");
    }
    return images.get(language);
  }

  public String java() {
    return image(Language.JAVA);
  }

  /** The default image of {@code language} (one with an agent). */
  public static String defaultImage(Language language) {
    return DEFAULTS.image(language);
  }

  /** With {@code image} for {@code language}. */
  public AgentImages with(Language language, String image) {
    Map<Language, String> changed = new EnumMap<>(images);
    changed.put(language, Objects.requireNonNull(image, language.key()));
    return new AgentImages(changed);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AgentImages agentImages && images.equals(agentImages.images);
  }

  @Override
  public int hashCode() {
    return images.hashCode();
  }

  @Override
  public String toString() {
    return "AgentImages" + images;
  }
}
