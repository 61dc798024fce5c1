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
 * OpenTelemetry .NET automatic instrumentation, with the contract of the OpenTelemetry Operator's
 * autoinstrumentation-dotnet images: {@code /autoinstrumentation} holds the CLR profiler per runtime
 * ({@code linux-x64/} for glibc, {@code linux-musl-x64/}, as the release archives name them), the startup hook ({@code net/}), the additional
 * deps and the shared store; it is copied into the volume. The CLR loads the profiler named by
 * CORECLR_*; DOTNET_STARTUP_HOOKS, DOTNET_ADDITIONAL_DEPS and DOTNET_SHARED_STORE are lists, so a
 * container's own value is kept before ours. Read from the OpenTelemetry Operator's
 * {@code internal/instrumentation/dotnet.go}; no .NET runtime runs in this project's tests.
 */
final class DotNetLanguage extends AgentLanguage {

  static final String NAME = Language.DOTNET.key();
  static final String MOUNT_PATH = "/instrumentor/dotnet";
  static final String GLIBC = "linux-x64";
  static final String MUSL = "linux-musl-x64";
  /** The OpenTelemetry .NET CLR profiler's class id. */
  static final String PROFILER_ID = "{918728DD-259F-4A6A-AC2B-B85E1B658318}";
  static final String AUTO_HOME = "OTEL_DOTNET_AUTO_HOME";

  private static final List<Loader> LOADERS = List.of(
      new Loader("DOTNET_STARTUP_HOOKS", null, MOUNT_PATH + "/net/OpenTelemetry.AutoInstrumentation.StartupHook.dll", ":"),
      new Loader("DOTNET_ADDITIONAL_DEPS", null, MOUNT_PATH + "/AdditionalDeps", ":"),
      new Loader("DOTNET_SHARED_STORE", null, MOUNT_PATH + "/store", ":"));

  private static final Map<String, List<JsonNode>> DEFAULTS = Map.of(
      GLIBC, runtimeDefaults(GLIBC),
      MUSL, runtimeDefaults(MUSL));

  private static List<JsonNode> runtimeDefaults(String profilerDirectory) {
    return List.of(
        PodJson.envVar("CORECLR_ENABLE_PROFILING", "1"),
        PodJson.envVar("CORECLR_PROFILER", PROFILER_ID),
        PodJson.envVar("CORECLR_PROFILER_PATH",
            MOUNT_PATH + "/" + profilerDirectory + "/OpenTelemetry.AutoInstrumentation.Native.so"),
        PodJson.envVar(AUTO_HOME, MOUNT_PATH));
  }

  DotNetLanguage() {
    super(Language.DOTNET, "instrumentor-dotnet-agent", MOUNT_PATH, ".NET automatic instrumentation attached");
  }

  @Override
  AgentSpec block(InstrumentationSpec spec) {
    return spec.getDotnet();
  }

  @Override
  List<String> variants() {
    return List.of(GLIBC, MUSL);
  }

  /**
   * {@code instrumentor.dev/dotnet-runtime} (or the OpenTelemetry Operator's
   * {@code otel-dotnet-auto-runtime}) on the pod, else on its Namespace; linux-x64 when none says.
   */
  @Override
  Variant variant(PodJson pod, Map<String, String> namespaceAnnotations) {
    return Variant.chosen(InstrumentorAnnotations.DOTNET_RUNTIME, pod, namespaceAnnotations, variants(),
        "\"linux-x64\" (glibc: Debian, Ubuntu, the mcr.microsoft.com/dotnet images) or \"linux-musl-x64\" (Alpine)");
  }


  @Override
  List<Loader> loaders(AgentSpec block, String variant) {
    return LOADERS;
  }

  /** The profiler for the runtime, and the agent's home: what the CLR needs (a user's value wins). */
  @Override
  List<JsonNode> defaults(String variant) {
    return DEFAULTS.get(variant);
  }

  /** As upstream: a container that sets the agent's home has .NET instrumentation set up already. */
  @Override
  String configuredByHand() {
    return AUTO_HOME;
  }
}
