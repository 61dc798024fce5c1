package dev.instrumentor.operator.instrumentation;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.api.v1alpha1.Sampler;
import dev.instrumentor.api.v1alpha1.SamplerType;
import dev.instrumentor.api.v1alpha1.Tls;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * What the CRD schema cannot check about an Instrumentation: the endpoint is a usable URL, the TLS
 * ConfigMap exists, a jaeger_remote sampler argument has the agent's format. The TLS Secret is not
 * checked: that would take {@code get} on every Secret of the cluster, a privilege the operator does not
 * hold (a missing Secret shows on the pod as a FailedMount event).
 */
public final class InstrumentationValidator {

  /**
   * The verdict.
   *
   * @param reason  Valid, InvalidEndpoint, TlsConfigMapMissing or InvalidSampler
   * @param message a sentence naming the field
   */
  public record Verdict(boolean valid, String reason, String message) {
  }

  private static final Pattern REFERENCE = Pattern.compile("\\$\\([A-Za-z_][A-Za-z0-9_]*\\)");
  private static final Set<String> JAEGER_REMOTE_KEYS = Set.of("endpoint", "pollingIntervalMs", "initialSamplingRate");

  private final BiPredicate<String, String> configMapExists;
  private final Set<String> selectorNamespaces;

  /**
   * @param configMapExists (namespace, name) to whether the ConfigMap exists
   */
  public InstrumentationValidator(BiPredicate<String, String> configMapExists) {
    this(configMapExists, Set.of());
  }

  /**
   * @param configMapExists    (namespace, name) to whether the ConfigMap exists
   * @param selectorNamespaces where a spec.selector.namespaceSelector is honoured ({@code *}: everywhere)
   */
  public InstrumentationValidator(BiPredicate<String, String> configMapExists, Set<String> selectorNamespaces) {
    this.configMapExists = configMapExists;
    this.selectorNamespaces = Set.copyOf(selectorNamespaces);
  }

  /** Why {@code instrumentation}'s spec.selector.namespaceSelector is not honoured (it then chooses no pod), or null. */
  public String selectorProblem(Instrumentation instrumentation) {
    InstrumentationSpec spec = instrumentation.getSpec();
    String namespace = instrumentation.getMetadata().getNamespace();
    if (spec == null || spec.getSelector() == null || spec.getSelector().getNamespaceSelector() == null
        || selectorNamespaces.contains("*") || selectorNamespaces.contains(namespace)) {
      return null;
    }
    return "spec.selector.namespaceSelector is honoured only for Instrumentations in " + (selectorNamespaces.isEmpty()
        ? "no namespace" : String.join(", ", selectorNamespaces.stream().sorted().toList())) + " (the chart's"
        + " selectorNamespaces), not in " + namespace + ": this selector chooses no pod; use podSelector alone for"
        + " pods of " + namespace;
  }

  public Verdict validate(Instrumentation instrumentation) {
    InstrumentationSpec spec = instrumentation.getSpec() == null ? new InstrumentationSpec() : instrumentation.getSpec();
    String namespace = instrumentation.getMetadata().getNamespace();
    if (spec.getExporter() != null && spec.getExporter().getEndpoint() != null) {
      String problem = endpointProblem(spec.getExporter().getEndpoint());
      if (problem != null) {
        return new Verdict(false, "InvalidEndpoint", "spec.exporter.endpoint: " + problem);
      }
    }
    Tls tls = spec.getExporter() == null ? null : spec.getExporter().getTls();
    if (tls != null && tls.getConfigMapName() != null && !configMapExists.test(namespace, tls.getConfigMapName())) {
      return new Verdict(false, "TlsConfigMapMissing", "spec.exporter.tls.configMapName: ConfigMap "
          + tls.getConfigMapName() + " not found in namespace " + namespace);
    }
    Sampler sampler = spec.getSampler();
    if (sampler != null && (sampler.getType() == SamplerType.JAEGER_REMOTE
        || sampler.getType() == SamplerType.PARENTBASED_JAEGER_REMOTE) && sampler.getArgument() != null) {
      String problem = jaegerRemoteProblem(sampler.getArgument());
      if (problem != null) {
        return new Verdict(false, "InvalidSampler", "spec.sampler.argument: " + problem);
      }
    }
    if (sampler != null && sampler.getArgument() != null && sampler.getType() != null
        && sampler.getType().value().endsWith("traceidratio")) {
      try {
        double ratio = Double.parseDouble(sampler.getArgument());
        if (ratio < 0 || ratio > 1) {
          return new Verdict(false, "InvalidSampler", "spec.sampler.argument: " + ratio + " is not in [0,1]");
        }
      } catch (NumberFormatException e) {
        return new Verdict(false, "InvalidSampler", "spec.sampler.argument: \"" + sampler.getArgument() + "\" is not a number");
      }
    }
    return new Verdict(true, "Valid", "Instrumentation is valid");
  }

  /**
   * What is wrong with {@code endpoint} as the agents read it, or null. {@code $(VAR)} references
   * (e.g. {@code http://$(OTEL_NODE_IP):4317}) are expanded by Kubernetes in the pod: they stand for
   * a host here.
   */
  static String endpointProblem(String endpoint) {
    URI uri;
    try {
      uri = new URI(REFERENCE.matcher(endpoint.trim()).replaceAll("1"));
    } catch (URISyntaxException e) {
      return "\"" + endpoint + "\" is not a URL: " + e.getReason();
    }
    if ("grpc".equals(uri.getScheme())) {
      return "\"" + endpoint + "\": the agents refuse grpc:// URLs; write http:// (or https://) and set"
          + " spec.exporter.protocol: grpc";
    }
    if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme())) {
      return "\"" + endpoint + "\" must start with http:// or https://";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "\"" + endpoint + "\" has no host";
    }
    if (uri.getPort() > 65535) {
      return "\"" + endpoint + "\" has port " + uri.getPort() + ", above 65535";
    }
    return null;
  }

  /** The agent's format: {@code endpoint=http://...,pollingIntervalMs=5000,initialSamplingRate=0.25}. */
  static String jaegerRemoteProblem(String argument) {
    Map<String, String> values = new HashMap<>();
    for (String pair : argument.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        return "\"" + pair + "\" is not key=value (keys: endpoint, pollingIntervalMs, initialSamplingRate)";
      }
      String key = pair.substring(0, eq).trim();
      if (!JAEGER_REMOTE_KEYS.contains(key)) {
        return "unknown key \"" + key + "\" (keys: endpoint, pollingIntervalMs, initialSamplingRate)";
      }
      values.put(key, pair.substring(eq + 1).trim());
    }
    if (values.containsKey("endpoint") && endpointProblem(values.get("endpoint")) != null) {
      return "endpoint " + endpointProblem(values.get("endpoint"));
    }
    if (values.containsKey("pollingIntervalMs")) {
      try {
        if (Long.parseLong(values.get("pollingIntervalMs")) <= 0) {
          return "pollingIntervalMs must be positive";
        }
      } catch (NumberFormatException e) {
        return "pollingIntervalMs \"" + values.get("pollingIntervalMs") + "\" is not a whole number";
      }
    }
    if (values.containsKey("initialSamplingRate")) {
      try {
        double rate = Double.parseDouble(values.get("initialSamplingRate"));
        if (rate < 0 || rate > 1) {
          return "initialSamplingRate " + rate + " is not in [0,1]";
        }
      } catch (NumberFormatException e) {
        return "initialSamplingRate \"" + values.get("initialSamplingRate") + "\" is not a number";
      }
    }
    return null;
  }
}
