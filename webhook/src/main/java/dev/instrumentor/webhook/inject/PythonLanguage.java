package dev.instrumentor.webhook.inject;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.v1alpha1.AgentSpec;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import java.util.List;
import java.util.Map;

/**
 * OpenTelemetry's Python auto-instrumentation, with the contract of the OpenTelemetry Operator's
 * autoinstrumentation-python images: {@code /autoinstrumentation} (or {@code -musl}) holds the distro
 * and the instrumentations installed with {@code pip install --target}; it is copied into the volume,
 * and PYTHONPATH names the distro's {@code sitecustomize} directory first and the packages after the
 * container's own entries (all before site-packages), so the interpreter configures the SDK and
 * instruments the libraries it finds before the application runs.
 * The images export OTLP over HTTP only.
 */
final class PythonLanguage implements AgentLanguage {

  static final String NAME = "python";
  static final String MOUNT_PATH = "/instrumentor/python";
  static final String PYTHONPATH = "PYTHONPATH";
  static final String GLIBC = "glibc";
  static final String MUSL = "musl";

  private static final List<JsonNode> DEFAULTS = List.of(
      PodJson.envVar("OTEL_TRACES_EXPORTER", "otlp"),
      PodJson.envVar("OTEL_METRICS_EXPORTER", "otlp"),
      PodJson.envVar("OTEL_LOGS_EXPORTER", "otlp"),
      // log records of the standard logging module carry the trace and span ids, and are exported
      PodJson.envVar("OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED", "true"));

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String injectAnnotation() {
    return InstrumentorAnnotations.INJECT_PYTHON;
  }

  @Override
  public String containerNamesAnnotation() {
    return InstrumentorAnnotations.PYTHON_CONTAINER_NAMES;
  }

  @Override
  public String volume() {
    return "instrumentor-python-agent";
  }

  @Override
  public String mountPath() {
    return MOUNT_PATH;
  }

  @Override
  public AgentSpec block(InstrumentationSpec spec) {
    return spec.getPython();
  }

  @Override
  public String defaultImage(InjectorSettings settings) {
    return settings.pythonAgentImage();
  }

  @Override
  public List<String> variants() {
    return List.of(GLIBC, MUSL);
  }

  /** {@code instrumentor.dev/python-platform} on the pod, else on its Namespace; glibc when neither says. */
  @Override
  public Variant variant(PodJson pod, Map<String, String> namespaceAnnotations) {
    String value = pod.annotations().get(InstrumentorAnnotations.PYTHON_PLATFORM);
    String where = "pod";
    if (value == null || value.isBlank()) {
      value = namespaceAnnotations.get(InstrumentorAnnotations.PYTHON_PLATFORM);
      where = "namespace";
    }
    if (value == null || value.isBlank() || value.trim().equals(GLIBC)) {
      return new Variant(GLIBC, null);
    }
    if (value.trim().equals(MUSL)) {
      return new Variant(MUSL, null);
    }
    return new Variant(null, InstrumentorAnnotations.PYTHON_PLATFORM + " on the " + where + " is \"" + value
        + "\": use \"glibc\" (Debian, Ubuntu, the python:3 images) or \"musl\" (Alpine)");
  }

  @Override
  public List<Copy> copies(AgentSpec block, String agentImage, String variant) {
    String source = MUSL.equals(variant) ? "/autoinstrumentation-musl/." : "/autoinstrumentation/.";
    return List.of(new Copy("", agentImage, List.of("cp", "-r", source, MOUNT_PATH)));
  }

  @Override
  public Loader loader(AgentSpec block) {
    return new Loader(PYTHONPATH, MOUNT_PATH + "/opentelemetry/instrumentation/auto_instrumentation", MOUNT_PATH, ":");
  }

  @Override
  public List<JsonNode> defaults() {
    return DEFAULTS;
  }

  @Override
  public boolean httpOnly() {
    return true;
  }

  @Override
  public String attached() {
    return "Python auto-instrumentation attached";
  }
}
