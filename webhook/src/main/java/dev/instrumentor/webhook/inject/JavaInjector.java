package dev.instrumentor.webhook.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.v1alpha1.Extension;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.api.v1alpha1.JavaSpec;
import dev.instrumentor.webhook.inject.PodJson.PodContainer;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attaches the OpenTelemetry Java agent: an init container copies {@code /javaagent.jar} from the
 * agent image (the contract of the OpenTelemetry Operator's autoinstrumentation-java images) into a
 * shared volume, mounted read-only into the target containers, whose JAVA_TOOL_OPTIONS gains
 * {@code -javaagent:...} and whose environment gains the OTEL_* configuration.
 */
public final class JavaInjector implements Injector {

  public static final String NAME = "java";
  public static final String VOLUME = "instrumentor-java-agent";
  public static final String INIT_CONTAINER = "instrumentor-java-agent";
  public static final String MOUNT_PATH = "/instrumentor/java";
  public static final String AGENT_JAR = MOUNT_PATH + "/javaagent.jar";
  public static final String EXTENSIONS_DIR = MOUNT_PATH + "/extensions";
  public static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";
  static final String DEFAULT_VOLUME_SIZE = "200Mi";
  private static final String KIND = "Instrumentation";

  private final InstrumentationSource instrumentations;
  private final InjectorSettings settings;
  private final Map<String, Prepared> prepared = new ConcurrentHashMap<>();

  public JavaInjector(InstrumentationSource instrumentations, InjectorSettings settings) {
    this.instrumentations = instrumentations;
    this.settings = settings;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String annotation() {
    return InstrumentorAnnotations.INJECT_JAVA;
  }

  @Override
  public boolean alreadyInjected(PodJson pod) {
    return pod.hasVolume(VOLUME) && hasInitContainer(pod, INIT_CONTAINER);
  }

  private static boolean hasInitContainer(PodJson pod, String name) {
    return pod.initContainers().stream().anyMatch(container -> name.equals(container.name()));
  }

  /** Why our volume, init container or mounts would collide with what the pod has, or null. */
  private static String collision(PodJson pod, List<PodContainer> targets, Prepared prepared) {
    if (pod.hasVolume(VOLUME)) {
      return "the pod has a volume named " + VOLUME + " that Instrumentor did not add: rename it";
    }
    for (ObjectNode ours : prepared.initContainers()) {
      // containers and init containers share one set of names: a container of that name collides too
      String name = PodJson.text(ours, "name");
      String kind = pod.containerNamed(name);
      if (kind != null) {
        return "the pod has " + kind + " named " + name + " that Instrumentor did not add: rename it";
      }
    }
    List<ObjectNode> tlsMounts = prepared.tlsMounts();
    for (PodContainer target : targets) {
      String mounted = target.volumeMountedAt(MOUNT_PATH);
      if (mounted != null) {
        return "container " + target.name() + " already mounts volume " + mounted + " at " + MOUNT_PATH
            + ", where the agent goes";
      }
      for (ObjectNode tlsMount : tlsMounts) {
        String path = PodJson.text(tlsMount, "mountPath");
        String at = target.volumeMountedAt(path);
        if (at != null && !at.equals(PodJson.text(tlsMount, "name"))) {
          return "container " + target.name() + " already mounts volume " + at + " at " + path
              + ", where the exporter's TLS files go";
        }
      }
    }
    return null;
  }

  @Override
  public InjectionOutcome inject(PodJson pod, PodContext context, InjectionRequestValue request, PodEdits edits) {
    Resolved<Instrumentation> resolved = Resolved.resolve(request, context.namespace(), KIND,
        instrumentations::list, instrumentations::get);
    if (resolved.resource() == null) {
      return InjectionOutcome.skipped(NAME, resolved.problem(), null);
    }
    Instrumentation instrumentation = resolved.resource();
    String reference = Resolved.reference(instrumentation);
    TargetContainers targets = TargetContainers.select(pod, InstrumentorAnnotations.JAVA_CONTAINER_NAMES,
        InstrumentorAnnotations.CONTAINER_NAMES, context.namespaceAnnotations());
    if (targets.problem() != null) {
      return InjectionOutcome.skipped(NAME, targets.problem(), reference);
    }
    if (targets.overLimit() != null) {
      return InjectionOutcome.error(NAME, targets.overLimit(), reference);
    }
    Prepared prepared = prepare(instrumentation);
    String collision = collision(pod, targets.containers(), prepared);
    if (collision != null) {
      return InjectionOutcome.skipped(NAME, collision, reference);
    }
    OtelEnvironment otel = new OtelEnvironment(prepared.spec(), pod, context);

    List<ObjectNode> volumes = new ArrayList<>(3);
    volumes.add(prepared.agentVolume());
    for (ObjectNode tls : prepared.tlsVolumes()) {
      if (!pod.hasVolume(PodJson.text(tls, "name"))) {
        volumes.add(tls);
      }
    }
    edits.addVolumes(volumes);

    for (PodContainer target : targets.containers()) {
      EnvComposer env = new EnvComposer(target.env(), prepared.javaEnv(), prepared.specEnv());
      List<JsonNode> generated = otel.generated(target, env);
      edits.setEnv(target, env.compose(generated, otel.attributesBelowUsers(target), JAVA_TOOL_OPTIONS,
          prepared.options()));
      List<ObjectNode> mounts = new ArrayList<>(1 + prepared.tlsMounts().size());
      mounts.add(prepared.agentMount());
      for (ObjectNode tlsMount : prepared.tlsMounts()) {
        if (!target.mounts(PodJson.text(tlsMount, "name"))) {
          mounts.add(tlsMount);
        }
      }
      edits.addVolumeMounts(target, mounts);
    }
    edits.insertInitContainers(initContainerPosition(pod, targets.containers()),
        initContainers(prepared, pod, targets.containers().get(0)));
    List<String> caveats = caveats(prepared, pod, targets.containers());
    return caveats.isEmpty() ? InjectionOutcome.injected(NAME, "Java agent attached", reference, targets.names())
        : InjectionOutcome.injectedWithCaveat(NAME, "Java agent attached; " + String.join("; ", caveats), reference,
            targets.names());
  }

  /**
   * The init containers for this pod. Their user: the first target container's own
   * {@code runAsUser} (the agent must be readable by it), else the pod's, else the configured
   * non-root default.
   */
  private List<ObjectNode> initContainers(Prepared prepared, PodJson pod, PodContainer target) {
    Long containerUser = target.runAsUser();
    Long podUser = pod.runAsUser();
    if (containerUser == null || containerUser == 0L || containerUser.equals(podUser)
        || prepared.spec().getInitContainerSecurityContext() != null) {
      return podUser != null && podUser != 0L ? prepared.initContainersForNonRootPods() : prepared.initContainers();
    }
    List<ObjectNode> containers = new ArrayList<>(prepared.initContainersForNonRootPods().size());
    for (ObjectNode shared : prepared.initContainersForNonRootPods()) {
      ObjectNode copy = shared.deepCopy();
      copy.withObjectProperty("securityContext").put("runAsUser", containerUser);
      containers.add(copy);
    }
    return containers;
  }

  /** What the user should know about an injection that went through. */
  private static List<String> caveats(Prepared prepared, PodJson pod, List<PodContainer> targets) {
    List<String> caveats = new ArrayList<>(1);
    for (PodContainer target : targets) {
      List<String> sources = target.envFromSources();
      if (!sources.isEmpty()) {
        caveats.add("container " + target.name() + " takes variables from envFrom (" + String.join(", ", sources)
            + "): any of them named like an injected one (JAVA_TOOL_OPTIONS, OTEL_*) is overridden; set those with"
            + " env, whose values are kept");
      }
    }
    JavaSpec java = prepared.spec().getJava();
    if (java != null && java.getVolumeClaimTemplate() != null && !pod.hasFsGroup()) {
      caveats.add("the agent volume comes from a volumeClaimTemplate and the pod sets no securityContext.fsGroup:"
          + " a non-root init container may not be allowed to write to it");
    }
    return caveats;
  }

  /**
   * What an Instrumentation gives every pod, built once per version of it (the informer cache
   * hands out a new object when it changes). Shared between requests: patch values only, never
   * changed (the pod's tree receives copies).
   */
  private record Prepared(Instrumentation source, InstrumentationSpec spec, List<JsonNode> javaEnv,
      List<JsonNode> specEnv, String options, ObjectNode agentVolume, ObjectNode agentMount,
      List<ObjectNode> tlsVolumes, List<ObjectNode> tlsMounts, List<ObjectNode> initContainers,
      List<ObjectNode> initContainersForNonRootPods) {
  }

  private Prepared prepare(Instrumentation instrumentation) {
    String key = instrumentation.getMetadata().getNamespace() + "/" + instrumentation.getMetadata().getName();
    Prepared prepared = this.prepared.get(key);
    if (prepared != null && prepared.source() == instrumentation) {
      return prepared;
    }
    InstrumentationSpec spec = instrumentation.getSpec() == null ? new InstrumentationSpec() : instrumentation.getSpec();
    JavaSpec java = spec.getJava() == null ? new JavaSpec() : spec.getJava();
    prepared = new Prepared(instrumentation, spec, env(java.getEnv()), env(spec.getEnv()), agentOptions(java),
        AdmissionJson.Rendered.of(agentVolume(java)), AdmissionJson.Rendered.of(PodJson.volumeMount(VOLUME, MOUNT_PATH, true)),
        rendered(OtelEnvironment.tlsVolumes(spec)), rendered(OtelEnvironment.tlsMounts(spec)),
        rendered(initContainers(java, spec, false)), rendered(initContainers(java, spec, true)));
    this.prepared.put(key, prepared); // replaces the previous version; a deleted one's entry is small and stays
    return prepared;
  }

  private static List<ObjectNode> rendered(List<ObjectNode> nodes) {
    return nodes.stream().<ObjectNode>map(AdmissionJson.Rendered::of).toList();
  }

  /** The Instrumentation's variables as pod JSON. */
  private static List<JsonNode> env(List<EnvVar> vars) {
    if (vars == null || vars.isEmpty()) {
      return List.of();
    }
    List<JsonNode> nodes = new ArrayList<>(vars.size());
    for (EnvVar var : vars) {
      nodes.add(var.getValueFrom() == null ? PodJson.envVar(var.getName(), var.getValue()) : PodJson.tree(var));
    }
    return nodes;
  }

  private static ObjectNode agentVolume(JavaSpec java) {
    ObjectNode volume = PodJson.NODES.objectNode().put("name", VOLUME);
    if (java.getVolumeClaimTemplate() != null) {
      volume.putObject("ephemeral").set("volumeClaimTemplate", PodJson.tree(java.getVolumeClaimTemplate()));
    } else {
      String size = java.getVolumeLimitSize() == null ? DEFAULT_VOLUME_SIZE : java.getVolumeLimitSize();
      volume.putObject("emptyDir").put("sizeLimit", size);
    }
    return volume;
  }

  /** {@code -javaagent:...}, plus the extensions folder when there are extensions. */
  static String agentOptions(JavaSpec java) {
    String options = "-javaagent:" + AGENT_JAR;
    if (java.getExtensions() != null && !java.getExtensions().isEmpty()) {
      options += " -Dotel.javaagent.extensions=" + EXTENSIONS_DIR;
    }
    return options;
  }

  private List<ObjectNode> initContainers(JavaSpec java, InstrumentationSpec spec, boolean podUserIsNonRoot) {
    JsonNode security = spec.getInitContainerSecurityContext() != null
        ? PodJson.tree(spec.getInitContainerSecurityContext()) : restrictedSecurityContext(podUserIsNonRoot);
    JsonNode resources = java.getResources() != null ? completed(PodJson.tree(java.getResources())) : defaultResources();
    String pullPolicy = spec.getImagePullPolicy() == null ? null : spec.getImagePullPolicy().value();
    List<ObjectNode> containers = new ArrayList<>(1);
    String image = java.getImage() == null || java.getImage().isBlank() ? settings.javaAgentImage() : java.getImage();
    containers.add(initContainer(INIT_CONTAINER, image, pullPolicy, resources, security,
        "cp", "/javaagent.jar", AGENT_JAR));
    List<Extension> extensions = java.getExtensions() == null ? List.of() : java.getExtensions();
    for (int i = 0; i < extensions.size(); i++) {
      Extension extension = extensions.get(i);
      String dir = extension.getDir().endsWith("/") ? extension.getDir() : extension.getDir() + "/";
      containers.add(initContainer(INIT_CONTAINER + "-extension-" + i, extension.getImage(), pullPolicy,
          resources, security, "cp", "-r", dir + ".", EXTENSIONS_DIR));
    }
    return List.copyOf(containers);
  }

  private static ObjectNode initContainer(String name, String image, String pullPolicy, JsonNode resources,
      JsonNode security, String... command) {
    ObjectNode container = PodJson.NODES.objectNode();
    container.put("name", name);
    container.put("image", image);
    if (pullPolicy != null) {
      container.put("imagePullPolicy", pullPolicy);
    }
    container.set("command", PodJson.strings(command));
    container.set("resources", resources);
    container.set("securityContext", security);
    container.putArray("volumeMounts").add(PodJson.volumeMount(VOLUME, MOUNT_PATH, false));
    return container;
  }

  /**
   * Passes the restricted Pod Security level. The public agent images run as root by default, so
   * runAsNonRoot needs an explicit user unless the pod sets a non-root one.
   */
  private ObjectNode restrictedSecurityContext(boolean podUserIsNonRoot) {
    ObjectNode security = PodJson.NODES.objectNode();
    security.put("allowPrivilegeEscalation", false);
    security.putObject("capabilities").set("drop", PodJson.strings("ALL"));
    security.put("readOnlyRootFilesystem", true);
    security.put("runAsNonRoot", true);
    if (!podUserIsNonRoot) {
      security.put("runAsUser", settings.agentRunAsUser());
    }
    security.putObject("seccompProfile").put("type", "RuntimeDefault");
    return security;
  }

  /**
   * The given resources with a missing half (limits or requests, per resource) taken from the
   * defaults, so that a ResourceQuota on limits still admits the pod; a default never contradicts the
   * given half (a limit is at least the request, a request at most the limit).
   */
  static ObjectNode completed(ObjectNode given) {
    ObjectNode defaults = defaultResources();
    ObjectNode result = given.deepCopy();
    ObjectNode limits = result.withObjectProperty("limits");
    ObjectNode requests = result.withObjectProperty("requests");
    for (String resource : new String[] {"cpu", "memory"}) {
      JsonNode limit = limits.get(resource);
      JsonNode request = requests.get(resource);
      if (limit == null && request == null) {
        limits.set(resource, defaults.path("limits").get(resource));
        requests.set(resource, defaults.path("requests").get(resource));
      } else if (limit == null) {
        JsonNode fallback = defaults.path("limits").get(resource);
        limits.set(resource, amount(fallback).compareTo(amount(request)) >= 0 ? fallback : request);
      } else if (request == null) {
        JsonNode fallback = defaults.path("requests").get(resource);
        requests.set(resource, amount(fallback).compareTo(amount(limit)) <= 0 ? fallback : limit);
      }
    }
    return result;
  }

  private static java.math.BigDecimal amount(JsonNode quantity) {
    return io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
        new io.fabric8.kubernetes.api.model.Quantity(quantity.asText()));
  }

  static ObjectNode defaultResources() {
    ObjectNode resources = PodJson.NODES.objectNode();
    resources.putObject("limits").put("cpu", "500m").put("memory", "256Mi");
    resources.putObject("requests").put("cpu", "50m").put("memory", "64Mi");
    return resources;
  }

  /** Before the first init container that is a target (it needs the agent), else after all of them. */
  private static int initContainerPosition(PodJson pod, List<PodContainer> targets) {
    List<PodContainer> init = pod.initContainers();
    for (int i = 0; i < init.size(); i++) {
      if (targets.contains(init.get(i))) {
        return i;
      }
    }
    return init.size();
  }
}
