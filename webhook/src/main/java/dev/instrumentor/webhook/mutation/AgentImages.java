package dev.instrumentor.webhook.mutation;

import dev.instrumentor.api.Language;

import java.util.Objects;

/**
 * The agent image per language when an Instrumentation names none: images in the layout of the
 * OpenTelemetry Operator's autoinstrumentation images.
 */
public record AgentImages(String java, String nodejs, String python, String dotnet, String go) {

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

  public static final AgentImages DEFAULTS = new AgentImages(DEFAULT_JAVA, DEFAULT_NODEJS, DEFAULT_PYTHON, DEFAULT_DOTNET,
      DEFAULT_GO);

  /** The image of {@code language} (one with an agent). */
  public String image(Language language) {
    return switch (language) {
      case JAVA -> java;
      case NODEJS -> nodejs;
      case PYTHON -> python;
      case DOTNET -> dotnet;
      case GO -> go;
      case SDK -> throw new IllegalArgumentException("the SDK environment has no agent image");
    };
  }

  /** The default image of {@code language} (one with an agent). */
  public static String defaultImage(Language language) {
    return DEFAULTS.image(language);
  }

  /** With {@code image} for {@code language}. */
  public AgentImages with(Language language, String image) {
    return new AgentImages(language == Language.JAVA ? image : java,
        language == Language.NODEJS ? image : nodejs,
        language == Language.PYTHON ? image : python,
        language == Language.DOTNET ? image : dotnet,
        language == Language.GO ? image : go);
  }

  public AgentImages {
    Objects.requireNonNull(java, "java");
    Objects.requireNonNull(nodejs, "nodejs");
    Objects.requireNonNull(python, "python");
    Objects.requireNonNull(dotnet, "dotnet");
    Objects.requireNonNull(go, "go");
  }
}
