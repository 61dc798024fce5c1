package dev.instrumentor.webhook.inject;

import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.v1alpha1.Extension;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.api.v1alpha1.JavaSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
  public boolean alreadyInjected(Pod pod) {
    List<Volume> volumes = pod.getSpec() == null ? null : pod.getSpec().getVolumes();
    return volumes != null && volumes.stream().anyMatch(v -> VOLUME.equals(v.getName()));
  }

  @Override
  public InjectionOutcome inject(Pod pod, PodContext context, InjectionRequestValue request) {
    Resolved<Instrumentation> resolved = Resolved.resolve(request, context.namespace(), KIND,
        instrumentations::list, instrumentations::get);
    if (resolved.resource() == null) {
      return InjectionOutcome.skipped(NAME, resolved.problem(), null);
    }
    Instrumentation instrumentation = resolved.resource();
    String reference = Resolved.reference(instrumentation);
    PodSpec spec = pod.getSpec();
    TargetContainers targets = TargetContainers.select(spec, InstrumentorAnnotations.JAVA_CONTAINER_NAMES,
        InstrumentorAnnotations.CONTAINER_NAMES, pod.getMetadata().getAnnotations(), context.namespaceAnnotations());
    if (targets.problem() != null) {
      return InjectionOutcome.skipped(NAME, targets.problem(), reference);
    }
    InstrumentationSpec instrumentationSpec = instrumentation.getSpec() == null
        ? new InstrumentationSpec() : instrumentation.getSpec();
    JavaSpec java = instrumentationSpec.getJava() == null ? new JavaSpec() : instrumentationSpec.getJava();
    OtelEnvironment otel = new OtelEnvironment(instrumentationSpec, pod.getMetadata(), context);

    List<Volume> volumes = spec.getVolumes() == null ? new ArrayList<>() : new ArrayList<>(spec.getVolumes());
    volumes.add(agentVolume(java));
    for (Volume tls : otel.tlsVolumes()) {
      if (volumes.stream().noneMatch(v -> tls.getName().equals(v.getName()))) {
        volumes.add(tls);
      }
    }
    spec.setVolumes(volumes);

    List<Container> initContainers = initContainers(java, instrumentationSpec, spec.getSecurityContext());
    String options = agentOptions(java);
    for (Container target : targets.containers()) {
      EnvComposer env = new EnvComposer(target.getEnv(), java.getEnv(), instrumentationSpec.getEnv());
      List<EnvVar> generated = otel.generated(target, env);
      target.setEnv(env.compose(generated, otel.attributesBelowUsers(target), JAVA_TOOL_OPTIONS, options));
      List<VolumeMount> mounts = target.getVolumeMounts() == null ? new ArrayList<>() : new ArrayList<>(target.getVolumeMounts());
      mounts.add(new VolumeMountBuilder().withName(VOLUME).withMountPath(MOUNT_PATH).withReadOnly(true).build());
      for (VolumeMount tlsMount : otel.tlsMounts()) {
        if (mounts.stream().noneMatch(m -> tlsMount.getName().equals(m.getName()))) {
          mounts.add(tlsMount);
        }
      }
      target.setVolumeMounts(mounts);
    }
    placeInitContainers(spec, initContainers, targets.containers());
    return InjectionOutcome.injected(NAME, "Java agent attached", reference, targets.names());
  }

  private static Volume agentVolume(JavaSpec java) {
    if (java.getVolumeClaimTemplate() != null) {
      return new VolumeBuilder().withName(VOLUME)
          .withNewEphemeral().withVolumeClaimTemplate(java.getVolumeClaimTemplate()).endEphemeral().build();
    }
    String size = java.getVolumeLimitSize() == null ? DEFAULT_VOLUME_SIZE : java.getVolumeLimitSize();
    return new VolumeBuilder().withName(VOLUME)
        .withNewEmptyDir().withSizeLimit(new Quantity(size)).endEmptyDir().build();
  }

  /** {@code -javaagent:...}, plus the extensions folder when there are extensions. */
  static String agentOptions(JavaSpec java) {
    String options = "-javaagent:" + AGENT_JAR;
    if (java.getExtensions() != null && !java.getExtensions().isEmpty()) {
      options += " -Dotel.javaagent.extensions=" + EXTENSIONS_DIR;
    }
    return options;
  }

  private List<Container> initContainers(JavaSpec java, InstrumentationSpec spec, PodSecurityContext podSecurity) {
    SecurityContext security = spec.getInitContainerSecurityContext() != null
        ? spec.getInitContainerSecurityContext() : restrictedSecurityContext(podSecurity);
    ResourceRequirements resources = java.getResources() != null ? java.getResources() : defaultResources();
    String pullPolicy = spec.getImagePullPolicy() == null ? null : spec.getImagePullPolicy().value();
    VolumeMount mount = new VolumeMountBuilder().withName(VOLUME).withMountPath(MOUNT_PATH).build();
    List<Container> containers = new ArrayList<>();
    containers.add(new ContainerBuilder()
        .withName(INIT_CONTAINER)
        .withImage(java.getImage() == null || java.getImage().isBlank() ? settings.javaAgentImage() : java.getImage())
        .withImagePullPolicy(pullPolicy)
        .withCommand("cp", "/javaagent.jar", AGENT_JAR)
        .withResources(resources)
        .withSecurityContext(security)
        .withVolumeMounts(mount)
        .build());
    List<Extension> extensions = java.getExtensions() == null ? List.of() : java.getExtensions();
    for (int i = 0; i < extensions.size(); i++) {
      Extension extension = extensions.get(i);
      String dir = extension.getDir().endsWith("/") ? extension.getDir() : extension.getDir() + "/";
      containers.add(new ContainerBuilder()
          .withName(INIT_CONTAINER + "-extension-" + i)
          .withImage(extension.getImage())
          .withImagePullPolicy(pullPolicy)
          .withCommand("cp", "-r", dir + ".", EXTENSIONS_DIR)
          .withResources(resources)
          .withSecurityContext(security)
          .withVolumeMounts(mount)
          .build());
    }
    return containers;
  }

  /**
   * Passes the restricted Pod Security level. The public agent images run as root by default, so
   * runAsNonRoot needs an explicit user unless the pod sets a non-root one.
   */
  private SecurityContext restrictedSecurityContext(PodSecurityContext pod) {
    boolean podUserIsNonRoot = pod != null && pod.getRunAsUser() != null && pod.getRunAsUser() != 0L;
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(podUserIsNonRoot ? null : settings.agentRunAsUser())
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  static ResourceRequirements defaultResources() {
    Map<String, Quantity> requests = new LinkedHashMap<>();
    requests.put("cpu", new Quantity("50m"));
    requests.put("memory", new Quantity("64Mi"));
    Map<String, Quantity> limits = new LinkedHashMap<>();
    limits.put("cpu", new Quantity("500m"));
    limits.put("memory", new Quantity("256Mi"));
    return new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build();
  }

  /** Before the first init container that is a target (it needs the agent), else after all of them. */
  private static void placeInitContainers(PodSpec spec, List<Container> agentInit, List<Container> targets) {
    List<Container> init = spec.getInitContainers() == null ? new ArrayList<>() : new ArrayList<>(spec.getInitContainers());
    int position = init.size();
    for (int i = 0; i < init.size(); i++) {
      Container candidate = init.get(i);
      if (targets.stream().anyMatch(target -> target == candidate)) {
        position = i;
        break;
      }
    }
    init.addAll(position, agentInit);
    spec.setInitContainers(init);
  }
}
