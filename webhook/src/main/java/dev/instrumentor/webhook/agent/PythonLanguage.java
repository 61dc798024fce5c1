package dev.instrumentor.webhook.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.AgentSpec;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.webhook.mutation.PodJson;
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
final class PythonLanguage extends AgentLanguage {

  static final String NAME = Language.PYTHON.key();
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

  private static final List<Loader> LOADERS = List.of(
      new Loader(PYTHONPATH, MOUNT_PATH + "/opentelemetry/instrumentation/auto_instrumentation", MOUNT_PATH, ":"));

  PythonLanguage() {
    super(Language.PYTHON, "instrumentor-python-agent", MOUNT_PATH, "Python auto-instrumentation attached");
  }

  @Override
  AgentSpec block(InstrumentationSpec spec) {
    return spec.getPython();
  }

  @Override
  List<String> variants() {
    return List.of(GLIBC, MUSL);
  }

  /**
   * {@code instrumentor.dev/python-platform} (or the OpenTelemetry Operator's
   * {@code otel-python-platform}) on the pod, else on its Namespace; glibc when none says.
   */
  @Override
  Variant variant(PodJson pod, Map<String, String> namespaceAnnotations) {
    return Variant.chosen(InstrumentorAnnotations.PYTHON_PLATFORM, pod, namespaceAnnotations, variants(),
        "\"glibc\" (Debian, Ubuntu, the python:3 images) or \"musl\" (Alpine)");
  }

  @Override
  List<Copy> copies(AgentSpec block, String agentImage, String variant) {
    String source = MUSL.equals(variant) ? "/autoinstrumentation-musl/." : "/autoinstrumentation/.";
    return List.of(new Copy("", agentImage, List.of("cp", "-r", source, MOUNT_PATH)));
  }

  @Override
  List<Loader> loaders(AgentSpec block, String variant) {
    return LOADERS;
  }

  @Override
  List<JsonNode> defaults(String variant) {
    return DEFAULTS;
  }

  @Override
  boolean httpOnly() {
    return true;
  }
}
