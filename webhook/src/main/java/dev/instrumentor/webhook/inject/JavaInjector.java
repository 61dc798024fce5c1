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
    return pod.hasVolume(VOLUME);
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
    InstrumentationSpec instrumentationSpec = instrumentation.getSpec() == null
        ? new InstrumentationSpec() : instrumentation.getSpec();
    JavaSpec java = instrumentationSpec.getJava() == null ? new JavaSpec() : instrumentationSpec.getJava();
    OtelEnvironment otel = new OtelEnvironment(instrumentationSpec, pod, context);

    List<ObjectNode> volumes = new ArrayList<>(3);
    volumes.add(agentVolume(java));
    for (ObjectNode tls : otel.tlsVolumes()) {
      if (!pod.hasVolume(PodJson.text(tls, "name"))) {
        volumes.add(tls);
      }
    }
    edits.addVolumes(volumes);

    List<JsonNode> javaEnv = env(java.getEnv());
    List<JsonNode> specEnv = env(instrumentationSpec.getEnv());
    String options = agentOptions(java);
    List<ObjectNode> tlsMounts = otel.tlsMounts();
    for (PodContainer target : targets.containers()) {
      EnvComposer env = new EnvComposer(target.env(), javaEnv, specEnv);
      List<JsonNode> generated = otel.generated(target, env);
      edits.setEnv(target, env.compose(generated, otel.attributesBelowUsers(target), JAVA_TOOL_OPTIONS, options));
      List<ObjectNode> mounts = new ArrayList<>(1 + tlsMounts.size());
      mounts.add(PodJson.volumeMount(VOLUME, MOUNT_PATH, true));
      for (ObjectNode tlsMount : tlsMounts) {
        if (!target.mounts(PodJson.text(tlsMount, "name"))) {
          mounts.add(tlsMount);
        }
      }
      edits.addVolumeMounts(target, mounts);
    }
    edits.insertInitContainers(initContainerPosition(pod, targets.containers()),
        initContainers(java, instrumentationSpec, pod.runAsUser()));
    return InjectionOutcome.injected(NAME, "Java agent attached", reference, targets.names());
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

  private List<ObjectNode> initContainers(JavaSpec java, InstrumentationSpec spec, Long podRunAsUser) {
    JsonNode security = spec.getInitContainerSecurityContext() != null
        ? PodJson.tree(spec.getInitContainerSecurityContext()) : restrictedSecurityContext(podRunAsUser);
    JsonNode resources = java.getResources() != null ? PodJson.tree(java.getResources()) : defaultResources();
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
    return containers;
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
  private ObjectNode restrictedSecurityContext(Long podRunAsUser) {
    boolean podUserIsNonRoot = podRunAsUser != null && podRunAsUser != 0L;
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
