package dev.instrumentor.webhook.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.v1alpha1.AgentSpec;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodEdits;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodJson.PodContainer;
import java.util.ArrayList;
import java.util.List;

/**
 * The edits of a web server's module ({@link WebServerLanguage}) for one pod: the OTEL_* environment of every target,
 * the clone and the module's init containers built from the first target, its mounts, and the two volumes.
 */
final class WebServerInjection {

  /** What the Instrumentation gives every pod (built once per version of it). */
  record Shared(List<JsonNode> languageEnv, List<JsonNode> specEnv, ObjectNode agentVolume, ObjectNode resources,
      String image, long agentRunAsUser) {
  }

  /** The exporter's TLS files: the module reads none of them (its settings name its endpoint only). */
  private static final java.util.Set<String> TLS_VARIABLES = java.util.Set.of("OTEL_EXPORTER_OTLP_CERTIFICATE",
      "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "OTEL_EXPORTER_OTLP_CLIENT_KEY");

  /** Injected (with a caveat, or null), or skipped for {@code problem}. */
  record Result(String problem, String caveat) {

    InjectionOutcome outcome(String name, String attached, String reference, List<String> targets, String usable) {
      if (problem != null) {
        return InjectionOutcome.skipped(name, problem, reference);
      }
      List<String> caveats = new ArrayList<>(2);
      if (usable != null) {
        caveats.add(usable);
      }
      if (caveat != null) {
        caveats.add(caveat);
      }
      return caveats.isEmpty() ? InjectionOutcome.injected(name, attached, reference, targets)
          : InjectionOutcome.injectedWithCaveat(name, attached + "; " + String.join("; ", caveats), reference, targets);
    }
  }

  private WebServerInjection() {
  }

  static Result inject(WebServerLanguage server, PodJson pod, PodContext context, List<PodContainer> targets,
      InstrumentationSpec spec, Shared shared, PodEdits edits) {
    AgentSpec block = server.block(spec);
    String confDir = server.confDir(block);
    PodContainer first = targets.get(0);
    OtelEnvironment otel = new OtelEnvironment(spec, pod, context, false);
    String endpoint = spec.getExporter() == null ? null : spec.getExporter().getEndpoint();
    String problem = problem(server, pod, targets);
    if (problem == null) {
      problem = server.attrsProblem(block);
    }
    if (problem == null) {
      problem = WebServerLanguage.pathProblem(confDir);
    }
    if (problem == null) {
      problem = WebServerLanguage.valueProblem(otel.serviceName(first), context.namespace(), endpoint);
    }
    if (problem != null) {
      return new Result(problem, null);
    }
    for (int i = 0; i < targets.size(); i++) {
      PodContainer target = targets.get(i);
      EnvComposer env = new EnvComposer(target.env(), shared.languageEnv(), shared.specEnv());
      List<JsonNode> generated = new ArrayList<>(otel.generated(target, env));
      generated.removeIf(var -> TLS_VARIABLES.contains(EnvComposer.name(var)));
      edits.setEnv(target, env.compose(generated, otel.attributesBelowUsers(target),
          i == 0 ? server.loaders(block, "") : List.of()));
    }
    // its configuration reaches the server through the copy, which the clone made with these mounts
    edits.removeVolumeMounts(first, mountsUnder(first, confDir));
    edits.addVolumeMounts(first, List.of(PodJson.volumeMount(server.volume(), WebServerLanguage.AGENT_DIR, false),
        PodJson.volumeMount(server.confVolume(), confDir, false)));
    ObjectNode confVolume = PodJson.NODES.objectNode().put("name", server.confVolume());
    String size = block == null || block.getVolumeLimitSize() == null ? AgentInjector.DEFAULT_VOLUME_SIZE
        : block.getVolumeLimitSize();
    // in memory: the configuration may hold Secrets' files (certificates, keys), which must not reach the node's disk
    confVolume.putObject("emptyDir").put("medium", "Memory").put("sizeLimit", size);
    edits.addVolumes(List.of(shared.agentVolume(), confVolume));
    // the server's own user reads what the init containers write: they run as the container does
    JsonNode security = spec.getInitContainerSecurityContext() != null
        ? PodJson.tree(spec.getInitContainerSecurityContext()) : first.node().get("securityContext");
    String settings = server.moduleConfig(server.settings(block, otel.serviceName(first), context.namespace(),
        endpoint), block);
    edits.insertInitContainers(pod.initContainers().size(), List.of(clone(server, first, confDir, shared, security),
        attach(server, block, confDir, settings, spec, shared, attachSecurity(security, pod, shared))));
    String port = endpoint == null ? null : OtelEnvironment.port(endpoint.trim());
    return new Result(null, "4318".equals(port) ? "the endpoint " + endpoint.trim() + " is on 4318, OTLP/HTTP's port,"
        + " and the " + server.language().displayName() + " module exports OTLP/gRPC: its spans will not arrive until"
        + " spec.exporter.endpoint names the collector's 4317" : null);
  }

  /**
   * The module's init container runs as the server does, so that the server can read what it writes; but its image
   * runs as root, which a context that asks for a non-root user without naming one refuses: it then gets the
   * configured non-root user (the files it writes are readable by all, the logs directory writable).
   */
  private static JsonNode attachSecurity(JsonNode security, PodJson pod, Shared shared) {
    JsonNode podSecurity = pod.spec().path("securityContext");
    boolean nonRoot = security != null && security.path("runAsNonRoot").asBoolean(false)
        || podSecurity.path("runAsNonRoot").asBoolean(false);
    boolean userNamed = security != null && security.hasNonNull("runAsUser") || podSecurity.hasNonNull("runAsUser");
    if (!nonRoot || userNamed) {
      return security;
    }
    ObjectNode named = security instanceof ObjectNode object ? object.deepCopy() : PodJson.NODES.objectNode();
    named.put("runAsUser", shared.agentRunAsUser());
    return named;
  }

  /** Why the module cannot be attached to {@code targets} of {@code pod}, or null. */
  private static String problem(WebServerLanguage server, PodJson pod, List<PodContainer> targets) {
    for (PodContainer target : targets) {
      if (PodJson.INIT_CONTAINERS.equals(target.field())) {
        return "container " + target.name() + " is an init container: the " + server.language().displayName()
            + " module is loaded by a server that runs in a container";
      }
    }
    for (String volume : List.of(server.volume(), server.confVolume())) {
      if (pod.hasVolume(volume)) {
        return "the pod has a volume named " + volume + " that Instrumentor did not add: rename it";
      }
      String kind = pod.containerNamed(volume);
      if (kind != null) {
        return "the pod has " + kind + " named " + volume + " that Instrumentor did not add: rename it";
      }
    }
    String mounted = targets.get(0).volumeMountedAt(WebServerLanguage.AGENT_DIR);
    if (mounted != null) {
      return "container " + targets.get(0).name() + " already mounts volume " + mounted + " at "
          + WebServerLanguage.AGENT_DIR + ", where the module goes";
    }
    return null;
  }

  /**
   * The indexes of the mounts at {@code confDir} or under it: the copy replaces them all (upstream removes the first
   * mount whose path merely contains it, which leaves a second one to collide, or takes an unrelated one).
   */
  private static List<Integer> mountsUnder(PodContainer container, String confDir) {
    List<Integer> under = new ArrayList<>(1);
    JsonNode mounts = container.node().path("volumeMounts");
    for (int i = 0; i < mounts.size(); i++) {
      String path = PodJson.text(mounts.get(i), "mountPath");
      String normalized = path == null ? "" : path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1)
          : path;
      if (normalized.equals(confDir) || normalized.startsWith(confDir + "/")) {
        under.add(i);
      }
    }
    return under;
  }

  /** The init container that copies the server's configuration: the first target's image, environment and mounts. */
  private static ObjectNode clone(WebServerLanguage server, PodContainer first, String confDir, Shared shared,
      JsonNode security) {
    ObjectNode clone = PodJson.NODES.objectNode();
    clone.put("name", server.confVolume());
    clone.put("image", first.image());
    copy(first.node(), clone, "imagePullPolicy");
    clone.set("command", PodJson.strings(server.cloneCommand(confDir).toArray(String[]::new)));
    copy(first.node(), clone, "env");
    copy(first.node(), clone, "envFrom");
    clone.set("resources", shared.resources());
    if (security != null && !security.isNull()) {
      clone.set("securityContext", security);
    }
    ArrayNode mounts = clone.putArray("volumeMounts");
    first.node().path("volumeMounts").forEach(mounts::add);
    mounts.add(PodJson.volumeMount(server.confVolume(), WebServerLanguage.SOURCE_CONF, false));
    return clone;
  }

  /** The init container of the module's image: the module, its configuration, and the server's loading it. */
  private static ObjectNode attach(WebServerLanguage server, AgentSpec block, String confDir, String settings,
      InstrumentationSpec spec, Shared shared, JsonNode security) {
    ObjectNode attach = PodJson.NODES.objectNode();
    attach.put("name", server.volume());
    attach.put("image", shared.image());
    if (spec.getImagePullPolicy() != null) {
      attach.put("imagePullPolicy", spec.getImagePullPolicy().value());
    }
    attach.set("command", PodJson.strings(server.attachCommand(block, confDir).toArray(String[]::new)));
    List<JsonNode> env = new ArrayList<>(2);
    env.add(PodJson.envVar(server.moduleConfigVariable(), settings));
    env.add(PodJson.fieldRef(server.instanceVariable(), "metadata.name"));
    attach.set("env", PodJson.NODES.arrayNode().addAll(env));
    attach.set("resources", shared.resources());
    if (security != null && !security.isNull()) {
      attach.set("securityContext", security);
    }
    ArrayNode mounts = attach.putArray("volumeMounts");
    mounts.add(PodJson.volumeMount(server.volume(), WebServerLanguage.AGENT_DIR, false));
    mounts.add(PodJson.volumeMount(server.confVolume(), WebServerLanguage.SOURCE_CONF, false));
    return attach;
  }

  private static void copy(ObjectNode from, ObjectNode to, String field) {
    JsonNode value = from.get(field);
    if (value != null && !value.isNull()) {
      to.set(field, value.deepCopy());
    }
  }
}
