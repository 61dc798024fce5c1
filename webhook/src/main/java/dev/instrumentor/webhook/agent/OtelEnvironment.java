package dev.instrumentor.webhook.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.InstrumentorLabels;
import dev.instrumentor.api.v1alpha1.Exporter;
import dev.instrumentor.api.v1alpha1.ExporterProtocol;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.api.v1alpha1.Propagator;
import dev.instrumentor.api.v1alpha1.Tls;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodJson.PodContainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The OTEL_* environment an Instrumentation gives a container, whatever the language: service
 * name, exporter, TLS files, propagators, sampler, and resource attributes.
 */
final class OtelEnvironment {

  static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
  static final String PROTOCOL = "OTEL_EXPORTER_OTLP_PROTOCOL";
  /** The node's and the pod's IP, for endpoints such as {@code http://$(OTEL_NODE_IP):4318} (as upstream). */
  static final String NODE_IP = "OTEL_NODE_IP";
  static final String POD_IP = "OTEL_POD_IP";
  static final String POD_NAME = "OTEL_RESOURCE_ATTRIBUTES_POD_NAME";
  static final String NODE_NAME = "OTEL_RESOURCE_ATTRIBUTES_NODE_NAME";
  static final String POD_UID = "OTEL_RESOURCE_ATTRIBUTES_POD_UID";
  static final String TLS_SECRET_VOLUME = "instrumentor-otlp-tls-secret";
  static final String TLS_CONFIGMAP_VOLUME = "instrumentor-otlp-tls-ca";
  static final String TLS_SECRET_PATH = "/instrumentor/tls/secret";
  static final String TLS_CONFIGMAP_PATH = "/instrumentor/tls/ca";
  private static final String ANNOTATION_ATTRIBUTE_PREFIX = "resource.opentelemetry.io/";

  private final InstrumentationSpec spec;
  private final PodJson pod;
  private final PodContext context;
  private final boolean httpOnly;

  /**
   * @param httpOnly whether the agent exports OTLP over HTTP only: then the protocol is http/protobuf
   *                 unless the Instrumentation names one, whatever the endpoint's port
   */
  OtelEnvironment(InstrumentationSpec spec, PodJson pod, PodContext context, boolean httpOnly) {
    this.spec = spec;
    this.pod = pod;
    this.context = context;
    this.httpOnly = httpOnly;
  }

  /**
   * The endpoint the agent will use (a user's OTEL_EXPORTER_OTLP_ENDPOINT over the Instrumentation's)
   * when it is on 4317, the OTLP/gRPC port, while the protocol is HTTP; else null.
   */
  String grpcEndpoint(EnvComposer env) {
    JsonNode user = env.userDefinition(ENDPOINT);
    Exporter exporter = spec.getExporter();
    String endpoint = user != null ? EnvComposer.value(user) : exporter == null ? null : exporter.getEndpoint();
    if (endpoint == null || endpoint.isBlank() || !"4317".equals(port(endpoint.trim()))) {
      return null;
    }
    return grpcProtocol(env) ? null : endpoint.trim();
  }

  /** Whether the protocol the agent will use (a user's OTEL_EXPORTER_OTLP_PROTOCOL over the Instrumentation's) is grpc. */
  boolean grpcProtocol(EnvComposer env) {
    JsonNode protocol = env.userDefinition(PROTOCOL);
    Exporter exporter = spec.getExporter();
    String effective = protocol != null ? EnvComposer.value(protocol)
        : exporter != null && exporter.getProtocol() != null ? exporter.getProtocol().value() : null;
    return ExporterProtocol.GRPC.value().equals(effective);
  }

  /** The generated variables for {@code container}, in order, before precedence is applied. */
  List<JsonNode> generated(PodContainer container, EnvComposer env) {
    List<JsonNode> vars = new ArrayList<>();
    vars.add(PodJson.fieldRef(NODE_IP, "status.hostIP"));
    vars.add(PodJson.fieldRef(POD_IP, "status.podIP"));
    if (!serviceNameSetAsAttribute(env)) {
      vars.add(PodJson.envVar(EnvComposer.SERVICE_NAME, serviceName(container)));
    }
    Exporter exporter = spec.getExporter();
    if (exporter != null && exporter.getEndpoint() != null && !exporter.getEndpoint().isBlank()) {
      vars.add(PodJson.envVar(ENDPOINT, exporter.getEndpoint()));
    }
    String protocol = httpOnly
        ? (exporter != null && exporter.getProtocol() != null ? exporter.getProtocol() : ExporterProtocol.HTTP_PROTOBUF).value()
        : protocol(exporter, env.userDefinition(ENDPOINT));
    if (protocol != null) {
      vars.add(PodJson.envVar(PROTOCOL, protocol));
    }
    if (exporter != null && exporter.getTls() != null) {
      Tls tls = exporter.getTls();
      addIfSet(vars, "OTEL_EXPORTER_OTLP_CERTIFICATE", caPath(tls));
      addIfSet(vars, "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", secretPath(tls, tls.getCertFile()));
      addIfSet(vars, "OTEL_EXPORTER_OTLP_CLIENT_KEY", secretPath(tls, tls.getKeyFile()));
    }
    if (spec.getPropagators() != null && !spec.getPropagators().isEmpty()) {
      vars.add(PodJson.envVar("OTEL_PROPAGATORS",
          spec.getPropagators().stream().map(Propagator::value).collect(Collectors.joining(","))));
    }
    if (spec.getSampler() != null && spec.getSampler().getType() != null
        && !env.userDefines(EnvComposer.SAMPLER) && !env.userDefines(EnvComposer.SAMPLER_ARG)) {
      vars.add(PodJson.envVar(EnvComposer.SAMPLER, spec.getSampler().getType().value()));
      addIfSet(vars, EnvComposer.SAMPLER_ARG, spec.getSampler().getArgument());
    }
    vars.add(PodJson.fieldRef(POD_NAME, "metadata.name"));
    vars.add(PodJson.fieldRef(NODE_NAME, "spec.nodeName"));
    if (addUids()) {
      vars.add(PodJson.fieldRef(POD_UID, "metadata.uid"));
    }
    return vars;
  }

  /**
   * OTEL_SERVICE_NAME would override a {@code service.name} resource attribute that a user set in
   * OTEL_RESOURCE_ATTRIBUTES or the Instrumentation's resourceAttributes: then it is not generated.
   */
  private boolean serviceNameSetAsAttribute(EnvComposer env) {
    if (annotation(InstrumentorAnnotations.OTEL_SERVICE_NAME) != null) {
      return false; // the annotation names the service, and OTEL_SERVICE_NAME carries it
    }
    Map<String, String> configured = spec.getResource() == null ? null : spec.getResource().getResourceAttributes();
    return env.userResourceAttributeKeys().contains("service.name")
        || configured != null && configured.containsKey("service.name");
  }

  private static void addIfSet(List<JsonNode> vars, String name, String value) {
    if (value != null && !value.isBlank()) {
      vars.add(PodJson.envVar(name, value));
    }
  }

  private boolean addUids() {
    return spec.getResource() != null && Boolean.TRUE.equals(spec.getResource().getAddK8sUIDAttributes());
  }

  private boolean useLabels() {
    return spec.getDefaults() != null && Boolean.TRUE.equals(spec.getDefaults().getUseLabelsForResourceAttributes());
  }

  /**
   * OTEL_EXPORTER_OTLP_PROTOCOL for the endpoint that wins: a user's OTEL_EXPORTER_OTLP_ENDPOINT (any
   * layer) over the Instrumentation's. For the user's, the port decides (4317 grpc, 4318
   * http/protobuf, else what the Instrumentation asked, else http/protobuf); one from {@code valueFrom}
   * cannot be read, so the protocol is left to the agent. A protocol the user set wins anyway (the
   * composer drops generated variables users define). Null: generate none.
   */
  static String protocol(Exporter exporter, JsonNode userEndpoint) {
    if (userEndpoint != null) {
      String endpoint = EnvComposer.value(userEndpoint);
      if (endpoint == null || endpoint.isBlank()) {
        return null;
      }
      String port = port(endpoint.trim());
      if ("4317".equals(port)) {
        return ExporterProtocol.GRPC.value();
      }
      if ("4318".equals(port) || exporter == null || exporter.getProtocol() == null) {
        return ExporterProtocol.HTTP_PROTOBUF.value();
      }
      return exporter.getProtocol().value();
    }
    if (exporter == null || exporter.getEndpoint() == null || exporter.getEndpoint().isBlank()) {
      return null;
    }
    return protocol(exporter).value();
  }

  /** grpc when asked, or when the endpoint's port is 4317 and nothing was asked; else http/protobuf. */
  static ExporterProtocol protocol(Exporter exporter) {
    if (exporter.getProtocol() != null) {
      return exporter.getProtocol();
    }
    return "4317".equals(port(exporter.getEndpoint().trim())) ? ExporterProtocol.GRPC : ExporterProtocol.HTTP_PROTOBUF;
  }

  /** The explicit port of URL {@code endpoint} ({@code scheme://[user@]host[:port][/...]}), or null. */
  static String port(String endpoint) {
    int scheme = endpoint.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int end = start;
    while (end < endpoint.length() && "/?#".indexOf(endpoint.charAt(end)) < 0) {
      end++;
    }
    String authority = endpoint.substring(start, end);
    authority = authority.substring(authority.lastIndexOf('@') + 1);
    int colon = authority.lastIndexOf(':');
    if (colon < 0 || authority.indexOf(']', colon) >= 0) {
      return null; // no port, or a colon inside an IPv6 literal
    }
    return authority.substring(colon + 1);
  }

  /**
   * OTEL_SERVICE_NAME: the {@code resource.opentelemetry.io/service.name} annotation, else the
   * {@code app.kubernetes.io/instance} or {@code name} label (when enabled), else the owning
   * workload, else the pod's name, else the container's.
   */
  String serviceName(PodContainer container) {
    String annotated = annotation(InstrumentorAnnotations.OTEL_SERVICE_NAME);
    if (annotated != null) {
      return annotated;
    }
    if (useLabels()) {
      String label = firstNonBlank(label(InstrumentorLabels.INSTANCE), label(InstrumentorLabels.NAME));
      if (label != null) {
        return label;
      }
    }
    return context.owners().serviceName()
        .orElseGet(() -> firstNonBlank(pod.name(), container.name()));
  }

  /**
   * Resource attributes below the user layers, lowest precedence first: generated Kubernetes
   * attributes, then the Instrumentation's {@code resourceAttributes}, then the pod's
   * {@code resource.opentelemetry.io/*} annotations. Values are encoded.
   */
  Map<String, String> attributesBelowUsers(PodContainer container) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("k8s.namespace.name", ResourceAttributes.encode(context.namespace()));
    attributes.put("k8s.pod.name", "$(" + POD_NAME + ")");
    attributes.put("k8s.node.name", "$(" + NODE_NAME + ")");
    attributes.put("k8s.container.name", ResourceAttributes.encode(container.name()));
    if (addUids()) {
      attributes.put("k8s.pod.uid", "$(" + POD_UID + ")");
    }
    context.owners().resourceAttributes(addUids())
        .forEach((k, v) -> attributes.put(k, ResourceAttributes.encode(v)));
    // the semantic conventions' choice; the resource.opentelemetry.io/service.namespace annotation wins below
    attributes.put("service.namespace", ResourceAttributes.encode(context.namespace()));
    attributes.put("service.instance.id",
        ResourceAttributes.encode(context.namespace()) + ".$(" + POD_NAME + ")." + ResourceAttributes.encode(container.name()));
    String version = useLabels() ? label(InstrumentorLabels.VERSION) : null;
    if (version == null) {
      version = imageVersion(container.image());
    }
    if (version != null) {
      attributes.put("service.version", ResourceAttributes.encode(version));
    }
    if (spec.getResource() != null && spec.getResource().getResourceAttributes() != null) {
      // sorted: the same Instrumentation always yields the same value, whatever map it was read into
      new TreeMap<>(spec.getResource().getResourceAttributes())
          .forEach((k, v) -> attributes.put(k, ResourceAttributes.encode(v)));
    }
    pod.annotations().forEach((key, value) -> {
      if (key.startsWith(ANNOTATION_ATTRIBUTE_PREFIX) && key.length() > ANNOTATION_ATTRIBUTE_PREFIX.length()) {
        attributes.put(key.substring(ANNOTATION_ATTRIBUTE_PREFIX.length()), ResourceAttributes.encode(value));
      }
    });
    return attributes;
  }

  /**
   * What the image says of the version, as upstream: {@code tag} of {@code repo/name:tag},
   * {@code tag@sha256:...} when pinned by digest too, the digest alone for {@code repo/name@sha256:...};
   * null without either.
   */
  static String imageVersion(String image) {
    if (image == null) {
      return null;
    }
    int at = image.indexOf('@');
    String reference = at < 0 ? image : image.substring(0, at);
    String digest = at < 0 || at == image.length() - 1 ? null : image.substring(at + 1);
    int colon = reference.lastIndexOf(':');
    String tag = colon < 0 || reference.indexOf('/', colon) >= 0 || colon == reference.length() - 1
        ? null // no tag, or a registry port
        : reference.substring(colon + 1);
    if (tag != null && digest != null) {
      return tag + "@" + digest;
    }
    return tag != null ? tag : digest;
  }

  // ---- TLS material

  /** Volumes for the exporter's TLS Secret and ConfigMap, if any. */
  static List<ObjectNode> tlsVolumes(InstrumentationSpec spec) {
    List<ObjectNode> volumes = new ArrayList<>(2);
    Tls tls = spec.getExporter() == null ? null : spec.getExporter().getTls();
    if (tls != null && notBlank(tls.getSecretName())) {
      ObjectNode volume = PodJson.NODES.objectNode().put("name", TLS_SECRET_VOLUME);
      volume.putObject("secret").put("secretName", tls.getSecretName());
      volumes.add(volume);
    }
    if (tls != null && notBlank(tls.getConfigMapName())) {
      ObjectNode volume = PodJson.NODES.objectNode().put("name", TLS_CONFIGMAP_VOLUME);
      volume.putObject("configMap").put("name", tls.getConfigMapName());
      volumes.add(volume);
    }
    return volumes;
  }

  static List<ObjectNode> tlsMounts(InstrumentationSpec spec) {
    List<ObjectNode> mounts = new ArrayList<>(2);
    for (ObjectNode volume : tlsVolumes(spec)) {
      String name = PodJson.text(volume, "name");
      mounts.add(PodJson.volumeMount(name, name.equals(TLS_SECRET_VOLUME) ? TLS_SECRET_PATH : TLS_CONFIGMAP_PATH, true));
    }
    return mounts;
  }

  /** The CA file: absolute as given, else inside the ConfigMap when one is named, else the Secret. */
  private static String caPath(Tls tls) {
    String file = tls.getCaFile();
    if (!notBlank(file) || file.startsWith("/")) {
      return file;
    }
    if (notBlank(tls.getConfigMapName())) {
      return TLS_CONFIGMAP_PATH + "/" + file;
    }
    return notBlank(tls.getSecretName()) ? TLS_SECRET_PATH + "/" + file : file;
  }

  private static String secretPath(Tls tls, String file) {
    if (!notBlank(file) || file.startsWith("/") || !notBlank(tls.getSecretName())) {
      return file;
    }
    return TLS_SECRET_PATH + "/" + file;
  }

  // ---- small helpers

  private String annotation(String key) {
    return blankToNull(pod.annotations().get(key));
  }

  private String label(String key) {
    return blankToNull(pod.labels().get(key));
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static String blankToNull(String s) {
    return notBlank(s) ? s.trim() : null;
  }

  private static String firstNonBlank(String... values) {
    for (String value : values) {
      if (notBlank(value)) {
        return value;
      }
    }
    return null;
  }
}
