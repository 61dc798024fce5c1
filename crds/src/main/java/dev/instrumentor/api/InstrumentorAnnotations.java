package dev.instrumentor.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The annotations users put on pod templates or Namespaces, and the ones Instrumentor writes back.
 * Every key carries the {@value #PREFIX} prefix.
 */
public final class InstrumentorAnnotations {

  public static final String PREFIX = "instrumentor.dev/";

  /** {@code "true"}, {@code "false"}, {@code "<name>"} or {@code "<namespace>/<name>"} of an Instrumentation. */
  public static final String INJECT_JAVA = PREFIX + "inject-java";

  /** Comma-separated container names to instrument, for every language. Default: the first container. */
  public static final String CONTAINER_NAMES = PREFIX + "container-names";

  /** Comma-separated container names to instrument with Java; wins over {@link #CONTAINER_NAMES}. */
  public static final String JAVA_CONTAINER_NAMES = PREFIX + "java-container-names";

  /** As {@link #INJECT_JAVA}, for Python. */
  public static final String INJECT_PYTHON = PREFIX + "inject-python";

  /** Comma-separated container names to instrument with Python; wins over {@link #CONTAINER_NAMES}. */
  public static final String PYTHON_CONTAINER_NAMES = PREFIX + "python-container-names";

  /** The C library of the pod's Python: {@code glibc} (default) or {@code musl} (Alpine images). */
  public static final String PYTHON_PLATFORM = PREFIX + "python-platform";

  /** As {@link #INJECT_JAVA}, for Node.js. */
  public static final String INJECT_NODEJS = PREFIX + "inject-nodejs";

  /** Comma-separated container names to instrument with Node.js; wins over {@link #CONTAINER_NAMES}. */
  public static final String NODEJS_CONTAINER_NAMES = PREFIX + "nodejs-container-names";

  /** As {@link #INJECT_JAVA}, for .NET. */
  public static final String INJECT_DOTNET = PREFIX + "inject-dotnet";

  /** Comma-separated container names to instrument with .NET; wins over {@link #CONTAINER_NAMES}. */
  public static final String DOTNET_CONTAINER_NAMES = PREFIX + "dotnet-container-names";

  /** The .NET runtime identifier: {@code linux-x64} (default, glibc) or {@code linux-musl-x64} (Alpine). */
  public static final String DOTNET_RUNTIME = PREFIX + "dotnet-runtime";

  /**
   * As {@link #INJECT_JAVA}, for Go: a sidecar attaches the eBPF instrumentation to the container's process
   * (one container per pod).
   */
  public static final String INJECT_GO = PREFIX + "inject-go";

  /** The one container to instrument with Go; wins over {@link #CONTAINER_NAMES}. */
  public static final String GO_CONTAINER_NAMES = PREFIX + "go-container-names";

  /**
   * The path of the Go executable inside the container (the process the sidecar attaches to), e.g.
   * {@code /app/server}; else OTEL_GO_AUTO_TARGET_EXE in the Instrumentation's {@code go.env} or {@code env}.
   */
  public static final String GO_TARGET_EXE = PREFIX + "otel-go-auto-target-exe";

  /**
   * As {@link #INJECT_JAVA}, for Apache HTTPD: init containers copy the OpenTelemetry module and add it to a copy of
   * the server's configuration, which replaces the container's.
   */
  public static final String INJECT_APACHE_HTTPD = PREFIX + "inject-apache-httpd";

  /** Comma-separated container names to instrument with Apache HTTPD's module; wins over {@link #CONTAINER_NAMES}. */
  public static final String APACHE_HTTPD_CONTAINER_NAMES = PREFIX + "apache-httpd-container-names";

  /** As {@link #INJECT_APACHE_HTTPD}, for nginx. */
  public static final String INJECT_NGINX = PREFIX + "inject-nginx";

  /**
   * Comma-separated container names to instrument with nginx's module; wins over {@link #CONTAINER_NAMES}. The
   * OpenTelemetry Operator's key is {@code instrumentation.opentelemetry.io/inject-nginx-container-names}.
   */
  public static final String NGINX_CONTAINER_NAMES = PREFIX + "nginx-container-names";

  /**
   * As {@link #INJECT_JAVA}, for containers whose code sets up the OpenTelemetry SDK itself: they get
   * the OTEL_* environment only, no agent.
   */
  public static final String INJECT_SDK = PREFIX + "inject-sdk";

  /** Comma-separated container names to give the SDK environment; wins over {@link #CONTAINER_NAMES}. */
  public static final String SDK_CONTAINER_NAMES = PREFIX + "sdk-container-names";

  /** {@code "true"} or {@code "<name>"} of a sidecar-mode TelemetryCollector to add to the pod. */
  public static final String INJECT_SIDECAR = PREFIX + "inject-sidecar";

  /** Written by the webhook: the outcome of injection per language, as JSON. */
  public static final String STATUS = PREFIX + "injection-status";

  /**
   * A label, not an annotation: {@code "false"} on a pod (or its template) keeps it out of every
   * Instrumentation's {@code spec.selector}; its own inject-* annotations still apply.
   */
  public static final String INJECT_LABEL = PREFIX + "inject";

  /**
   * A label the webhook puts on every pod it handles, so that {@code kubectl get pods -l} finds them: the
   * languages injected ({@code java}, {@code nodejs_python} for two, in the order they are injected), or
   * {@code "false"} when none was.
   */
  public static final String INSTRUMENTED_LABEL = PREFIX + "instrumented";

  /** Written by the operator on workloads it restarted for spec.rollout: {@code namespace/name@generation}. */
  public static final String RESTARTED_FOR = PREFIX + "restarted-for";

  /**
   * Every annotation key of ours and of the OpenTelemetry Operator's that Instrumentor reads or writes on
   * pods, pod templates, Namespaces and workloads (collector pods' hashes too): what a user writes is
   * checked against it ({@link #unknownKeys}).
   */
  public static final Set<String> KNOWN = known();

  private static Set<String> known() {
    Set<String> keys = new TreeSet<>(List.of(CONTAINER_NAMES, PYTHON_PLATFORM,
        DOTNET_RUNTIME, INJECT_SIDECAR, STATUS, RESTARTED_FOR, PREFIX + "config-hash", PREFIX + "inputs-hash",
        Upstream.PREFIX + "container-names", GO_TARGET_EXE, Upstream.GO_TARGET_EXE,
        Upstream.PYTHON_PLATFORM, Upstream.DOTNET_RUNTIME));
    for (Language language : Language.values()) {
      keys.add(language.injectAnnotation());
      keys.add(language.containerNamesAnnotation());
      keys.add(Upstream.of(language.injectAnnotation()));
      keys.add(Upstream.of(language.containerNamesAnnotation()));
    }
    return Set.copyOf(keys);
  }

  /**
   * The keys of {@code annotations} that look like ours or the OpenTelemetry Operator's and are not, each
   * with what it most likely meant: {@code unknown annotation instrumentor.dev/inject-jav (did you mean
   * instrumentor.dev/inject-java?)}. A key of another prefix is reported only when it is within three
   * edits of a known one ({@code instrumenter.dev/inject-java}).
   */
  public static List<String> unknownKeys(Map<String, String> annotations) {
    List<String> problems = new ArrayList<>();
    if (annotations == null) {
      return problems;
    }
    for (String key : new TreeSet<>(annotations.keySet())) {
      if (KNOWN.contains(key)) {
        continue;
      }
      String meant = DidYouMean.closest(key, KNOWN, 3);
      if (meant != null || key.startsWith(PREFIX) || key.startsWith(Upstream.PREFIX)) {
        problems.add("unknown annotation " + key + (meant == null ? "" : " (did you mean " + meant + "?)"));
      }
    }
    return problems;
  }

  /** The OpenTelemetry semantic-convention annotation that names the service explicitly. */
  public static final String OTEL_SERVICE_NAME = "resource.opentelemetry.io/service.name";

  private InstrumentorAnnotations() {
  }

  /**
   * The OpenTelemetry Operator's keys, honoured so that its users migrate without re-annotating:
   * where a pod or Namespace carries both, ours wins.
   */
  public static final class Upstream {

    public static final String PREFIX = "instrumentation.opentelemetry.io/";
    public static final String PYTHON_PLATFORM = PREFIX + "otel-python-platform";
    public static final String DOTNET_RUNTIME = PREFIX + "otel-dotnet-auto-runtime";
    public static final String GO_TARGET_EXE = PREFIX + "otel-go-auto-target-exe";
    /** Its name for {@link InstrumentorAnnotations#NGINX_CONTAINER_NAMES}, unlike every other language's. */
    public static final String NGINX_CONTAINER_NAMES = PREFIX + "inject-nginx-container-names";

    private Upstream() {
    }

    /** Every key with an upstream equivalent, computed once (the admission path asks per pod). */
    private static final Map<String, String> KEYS = Stream.concat(
        Stream.of(CONTAINER_NAMES, InstrumentorAnnotations.PYTHON_PLATFORM,
            InstrumentorAnnotations.DOTNET_RUNTIME, InstrumentorAnnotations.GO_TARGET_EXE),
        Arrays.stream(Language.values()).flatMap(language -> Stream.of(
            language.injectAnnotation(), language.containerNamesAnnotation())))
        .collect(Collectors.toUnmodifiableMap(key -> key, Upstream::compute));

    /** The upstream key meaning what {@code ours} means, e.g. {@code instrumentation.opentelemetry.io/inject-java}. */
    public static String of(String ours) {
      String known = KEYS.get(ours);
      return known != null ? known : compute(ours);
    }

    private static String compute(String ours) {
      if (ours.equals(InstrumentorAnnotations.PYTHON_PLATFORM)) {
        return PYTHON_PLATFORM;
      }
      if (ours.equals(InstrumentorAnnotations.DOTNET_RUNTIME)) {
        return DOTNET_RUNTIME;
      }
      if (ours.equals(InstrumentorAnnotations.NGINX_CONTAINER_NAMES)) {
        return NGINX_CONTAINER_NAMES;
      }
      if (!ours.startsWith(InstrumentorAnnotations.PREFIX)) {
        throw new IllegalArgumentException(ours + " is not an instrumentor.dev annotation");
      }
      return PREFIX + ours.substring(InstrumentorAnnotations.PREFIX.length());
    }
  }
}
