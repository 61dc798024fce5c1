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
      String image) {
  }

  /** Injected, or skipped for {@code problem}. */
  record Result(String problem) {

    InjectionOutcome outcome(String name, String attached, String reference, List<String> targets, String caveat) {
      if (problem != null) {
        return InjectionOutcome.skipped(name, problem, reference);
      }
      return caveat == null ? InjectionOutcome.injected(name, attached, reference, targets)
          : InjectionOutcome.injectedWithCaveat(name, attached + "; " + caveat, reference, targets);
    }
  }

  private WebServerInjection() {
  }

  static Result inject(WebServerLanguage server, PodJson pod, PodContext context, List<PodContainer> targets,
      InstrumentationSpec spec, Shared shared, PodEdits edits) {
    AgentSpec block = server.block(spec);
    String problem = problem(server, pod, targets);
    if (problem == null) {
      problem = server.attrsProblem(block);
    }
    if (problem != null) {
      return new Result(problem);
    }
    String confDir = server.confDir(block);
    PodContainer first = targets.get(0);
    OtelEnvironment otel = new OtelEnvironment(spec, pod, context, false);
    for (int i = 0; i < targets.size(); i++) {
      PodContainer target = targets.get(i);
      EnvComposer env = new EnvComposer(target.env(), shared.languageEnv(), shared.specEnv());
      edits.setEnv(target, env.compose(otel.generated(target, env), otel.attributesBelowUsers(target),
          i == 0 ? server.loaders(block, "") : List.of()));
    }
    int replaced = mountUnder(first, confDir);
    if (replaced >= 0) {
      edits.removeVolumeMount(first, replaced); // its configuration reaches the server through the copy
    }
    edits.addVolumeMounts(first, List.of(PodJson.volumeMount(server.volume(), WebServerLanguage.AGENT_DIR, false),
        PodJson.volumeMount(server.confVolume(), confDir, false)));
    ObjectNode confVolume = PodJson.NODES.objectNode().put("name", server.confVolume());
    String size = block == null || block.getVolumeLimitSize() == null ? AgentInjector.DEFAULT_VOLUME_SIZE
        : block.getVolumeLimitSize();
    confVolume.putObject("emptyDir").put("sizeLimit", size);
    edits.addVolumes(List.of(shared.agentVolume(), confVolume));
    // the server's own user reads what the init containers write: they run as the container does
    JsonNode security = spec.getInitContainerSecurityContext() != null
        ? PodJson.tree(spec.getInitContainerSecurityContext()) : first.node().get("securityContext");
    String settings = server.moduleConfig(server.settings(block, otel.serviceName(first), context.namespace(),
        spec.getExporter() == null ? null : spec.getExporter().getEndpoint()), block);
    edits.insertInitContainers(pod.initContainers().size(), List.of(clone(server, first, confDir, shared, security),
        attach(server, block, confDir, settings, spec, shared, security)));
    return new Result(null);
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

  /** The index of the first mount whose path is in (or above) {@code confDir}'s, as upstream finds it; -1 if none. */
  private static int mountUnder(PodContainer container, String confDir) {
    JsonNode mounts = container.node().path("volumeMounts");
    for (int i = 0; i < mounts.size(); i++) {
      if (PodJson.text(mounts.get(i), "mountPath") != null && PodJson.text(mounts.get(i), "mountPath").contains(confDir)) {
        return i;
      }
    }
    return -1;
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
