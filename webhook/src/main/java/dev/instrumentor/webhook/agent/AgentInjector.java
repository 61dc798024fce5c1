package dev.instrumentor.webhook.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.AgentSpec;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.api.v1alpha1.RolledBackWorkload;
import dev.instrumentor.webhook.agent.AgentLanguage.Copy;
import dev.instrumentor.webhook.json.AdmissionJson;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectionRequestValue;
import dev.instrumentor.webhook.mutation.Injector;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodEdits;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodJson.PodContainer;
import dev.instrumentor.webhook.mutation.Resolved;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attaches a language's OpenTelemetry agent ({@link AgentLanguage}): init containers copy the agent
 * from its image (the contract of the OpenTelemetry Operator's autoinstrumentation images) into a
 * shared volume, mounted into the target containers, whose loader variable (JAVA_TOOL_OPTIONS,
 * PYTHONPATH) names it and whose environment gains the OTEL_* configuration. Everything but the
 * language's contract is this one code path for every language.
 */
public final class AgentInjector implements Injector {

  static final String DEFAULT_VOLUME_SIZE = "200Mi";
  /** The languages with an agent volume: a container that mounts another's is that language's. */
  private static final List<AgentLanguage> LANGUAGES = Language.withAgents().stream()
      .map(AgentInjector::contract).filter(AgentLanguage::hasAgent).toList();
  private static final String KIND = "Instrumentation";

  private final AgentLanguage language;
  private final InstrumentationSource instrumentations;
  private final InjectorSettings settings;
  private final Map<String, Prepared> prepared = new ConcurrentHashMap<>();
  private final UsableInstrumentation.Cache usableInstrumentations = new UsableInstrumentation.Cache();

  private AgentInjector(AgentLanguage language, InstrumentationSource instrumentations, InjectorSettings settings) {
    this.language = language;
    this.instrumentations = instrumentations;
    this.settings = settings;
  }

  /** {@code language}'s injection. */
  public static AgentInjector of(Language language, InstrumentationSource instrumentations,
      InjectorSettings settings) {
    return new AgentInjector(contract(language), instrumentations, settings);
  }

  /** Every language, in the order they are injected (their init containers' order in a pod). */
  public static List<AgentInjector> all(InstrumentationSource instrumentations, InjectorSettings settings) {
    return Arrays.stream(Language.values()).map(language -> of(language, instrumentations, settings)).toList();
  }

  /** What sets {@code language}'s injection apart: a new language is a constant and a class here. */
  private static AgentLanguage contract(Language language) {
    return switch (language) {
      case JAVA -> new JavaLanguage();
      case NODEJS -> new NodeJsLanguage();
      case PYTHON -> new PythonLanguage();
      case DOTNET -> new DotNetLanguage();
      case GO -> new GoLanguage();
      case APACHE_HTTPD -> new ApacheHttpdLanguage();
      case NGINX -> new NginxLanguage();
      case SDK -> new SdkLanguage();
    };
  }

  @Override
  public String name() {
    return language.name();
  }

  @Override
  public String annotation() {
    return language.injectAnnotation();
  }

  @Override
  public String upstreamAnnotation() {
    return InstrumentorAnnotations.Upstream.of(language.injectAnnotation());
  }

  @Override
  public boolean alreadyInjected(PodJson pod) {
    return language.presentIn(pod);
  }

  /**
   * Why a target is another language's already (injected earlier in this admission, or before), or
   * null: two agents in one process configure two SDKs over one environment (a Java agent's gRPC
   * protocol would reach the HTTP-only Python exporter), so the later language gets none.
   */
  private String takenByAnotherLanguage(List<PodContainer> targets) {
    for (PodContainer target : targets) {
      for (AgentLanguage other : LANGUAGES) {
        if (!other.name().equals(language.name()) && target.mounts(other.volume())) {
          String what = language.hasAgent() ? "a container gets one language" : "its agent sets up the SDK";
          return "container " + target.name() + " is instrumented with " + other.name() + " in this pod: " + what
              + "; name each language's containers with " + language.containerNamesAnnotation()
              + " and " + other.containerNamesAnnotation();
        }
      }
    }
    return null;
  }

  /** Why our volume, init containers or mounts would collide with what the pod has, or null. */
  private String collision(PodJson pod, List<PodContainer> targets, Prepared prepared, String variant) {
    if (language.hasAgent() && pod.hasVolume(language.volume())) {
      return "the pod has a volume named " + language.volume() + " that Instrumentor did not add: rename it";
    }
    for (ObjectNode ours : prepared.initContainers().get(variant)) {
      // containers and init containers share one set of names: a container of that name collides too
      String name = PodJson.text(ours, "name");
      String kind = pod.containerNamed(name);
      if (kind != null) {
        return "the pod has " + kind + " named " + name + " that Instrumentor did not add: rename it";
      }
    }
    for (PodContainer target : targets) {
      String mounted = language.hasAgent() ? target.volumeMountedAt(language.mountPath()) : null;
      if (mounted != null) {
        return "container " + target.name() + " already mounts volume " + mounted + " at " + language.mountPath()
            + ", where the agent goes";
      }
      for (ObjectNode tlsMount : prepared.tlsMounts()) {
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
    String name = language.name();
    Resolved<Instrumentation> resolved = Resolved.resolve(request, context.namespace(), KIND,
        instrumentations::list, instrumentations::get);
    if (resolved.resource() == null) {
      return InjectionOutcome.skipped(name, resolved.problem(), null);
    }
    RolledBackWorkload rolledBack = Rollbacks.of(resolved.resource(), context.namespace(), context.owners());
    if (rolledBack != null) {
      return InjectionOutcome.rolledBack(name, Rollbacks.why(rolledBack, Resolved.reference(resolved.resource())),
          Resolved.reference(resolved.resource()));
    }
    UsableInstrumentation usable = usableInstrumentations.of(resolved.resource());
    if (usable.problem() != null) {
      return InjectionOutcome.skipped(name, usable.problem(), Resolved.reference(resolved.resource()));
    }
    Instrumentation instrumentation = usable.instrumentation();
    String reference = Resolved.reference(instrumentation);
    InjectionRequestValue.Selected selected = request instanceof InjectionRequestValue.Selected s ? s : null;
    TargetContainers targets = selected != null ? TargetContainers.named(pod, selected.containers())
        : TargetContainers.select(pod, language.containerNamesAnnotation(), InstrumentorAnnotations.CONTAINER_NAMES,
            context.namespaceAnnotations());
    if (targets.problem() != null) {
      return InjectionOutcome.skipped(name, targets.problem(), reference);
    }
    if (targets.overLimit() != null) {
      return InjectionOutcome.error(name, targets.overLimit(), reference);
    }
    String taken = takenByAnotherLanguage(targets.containers());
    if (taken != null) {
      return InjectionOutcome.error(name, taken, reference);
    }
    String byHand = configuredByHand(targets.containers(), language.block(instrumentation.getSpec() == null
        ? new InstrumentationSpec() : instrumentation.getSpec()));
    if (byHand != null) {
      return InjectionOutcome.skipped(name, byHand, reference);
    }
    AgentLanguage.Variant variant = language.variant(pod, context.namespaceAnnotations());
    if (variant.problem() != null) {
      return InjectionOutcome.skipped(name, variant.problem(), reference);
    }
    Prepared prepared = prepare(instrumentation);
    String attached = selected == null ? language.attached() : language.attached() + "; " + selected.why();
    if (language.sidecar()) {
      return injectSidecar(pod, context, targets, prepared, usable.caveat(), attached, edits);
    }
    if (language instanceof WebServerLanguage server) {
      return injectWebServer(server, pod, context, targets, prepared, usable.caveat(), attached, edits);
    }
    String collision = collision(pod, targets.containers(), prepared, variant.name());
    if (collision != null) {
      return InjectionOutcome.skipped(name, collision, reference);
    }
    OtelEnvironment otel = new OtelEnvironment(prepared.spec(), pod, context, language.httpOnly());
    addVolumes(pod, prepared, edits);
    List<String> caveats = new ArrayList<>(1);
    for (PodContainer target : targets.containers()) {
      EnvComposer env = configure(target, prepared, otel, variant.name(), edits);
      if (language.httpOnly() && caveats.isEmpty()) {
        String caveat = httpOnlyCaveat(otel, env, prepared.spec());
        if (caveat != null) {
          caveats.add(caveat);
        }
      }
    }
    if (language.hasAgent()) {
      edits.insertInitContainers(initContainerPosition(pod, targets.containers()),
          initContainers(prepared, variant.name(), pod, targets.containers().get(0)));
    }
    caveats.addAll(caveats(prepared, pod, targets.containers()));
    if (usable.caveat() != null) {
      caveats.add(0, usable.caveat());
    }
    return caveats.isEmpty() ? InjectionOutcome.injected(name, attached, reference, targets.names())
        : InjectionOutcome.injectedWithCaveat(name, attached + "; " + String.join("; ", caveats), reference,
            targets.names());
  }

  /**
   * Go's eBPF instrumentation: a sidecar with the OTEL_* environment of the target container, in a pod that shares
   * one process namespace, attached to the process of the executable the pod or the Instrumentation names.
   */
  private InjectionOutcome injectSidecar(PodJson pod, PodContext context, TargetContainers targets, Prepared prepared,
      String usableCaveat, String attached, PodEdits edits) {
    String name = language.name();
    String reference = Resolved.reference(prepared.source());
    String problem = GoLanguage.problem(pod, context, targets.containers());
    String kind = pod.containerNamed(GoLanguage.SIDECAR);
    if (problem == null && kind != null) {
      problem = "the pod has " + kind + " named " + GoLanguage.SIDECAR + " that Instrumentor did not add: rename it";
    }
    if (problem == null && pod.hasVolume(GoLanguage.SECURITYFS_VOLUME)) {
      problem = "the pod has a volume named " + GoLanguage.SECURITYFS_VOLUME + " that Instrumentor did not add: rename it";
    }
    PodContainer target = targets.containers().get(0);
    EnvComposer env = new EnvComposer(GoLanguage.sidecarEnv(pod, target), prepared.languageEnv(), prepared.specEnv());
    if (problem == null) {
      problem = GoLanguage.noTargetExe(env);
    }
    if (problem != null) {
      return InjectionOutcome.skipped(name, problem, reference);
    }
    OtelEnvironment otel = new OtelEnvironment(prepared.spec(), pod, context, false);
    List<JsonNode> vars = env.compose(otel.generated(target, env), otel.attributesBelowUsers(target), List.of());
    AgentSpec block = language.block(prepared.spec());
    ObjectNode sidecar = PodJson.NODES.objectNode();
    sidecar.put("name", GoLanguage.SIDECAR);
    sidecar.put("image", image(block));
    if (prepared.spec().getImagePullPolicy() != null) {
      sidecar.put("imagePullPolicy", prepared.spec().getImagePullPolicy().value());
    }
    sidecar.set("env", PodJson.NODES.arrayNode().addAll(vars));
    sidecar.set("resources", initContainerResources(block));
    sidecar.set("securityContext", GoLanguage.securityContext(block));
    sidecar.put("terminationMessagePolicy", "FallbackToLogsOnError");
    ArrayNode mounts = sidecar.putArray("volumeMounts");
    mounts.add(PodJson.volumeMount(GoLanguage.SECURITYFS_VOLUME, GoLanguage.SECURITYFS_PATH, true));
    prepared.tlsMounts().forEach(mounts::add);
    List<ObjectNode> volumes = new ArrayList<>(List.of(GoLanguage.securityfsVolume()));
    for (ObjectNode tls : prepared.tlsVolumes()) {
      if (!pod.hasVolume(PodJson.text(tls, "name"))) {
        volumes.add(tls);
      }
    }
    edits.addVolumes(volumes).addContainers(List.of(sidecar)).shareProcessNamespace();
    // the agent runs in the sidecar: health judges it with the application
    List<String> containers = List.of(target.name(), GoLanguage.SIDECAR);
    return usableCaveat == null ? InjectionOutcome.injected(name, attached, reference, containers)
        : InjectionOutcome.injectedWithCaveat(name, attached + "; " + usableCaveat, reference, containers);
  }

  /** Apache HTTPD's or nginx's module: {@link WebServerInjection}. */
  private InjectionOutcome injectWebServer(WebServerLanguage server, PodJson pod, PodContext context,
      TargetContainers targets, Prepared prepared, String usableCaveat, String attached, PodEdits edits) {
    AgentSpec block = language.block(prepared.spec());
    WebServerInjection.Shared shared = new WebServerInjection.Shared(prepared.languageEnv(), prepared.specEnv(),
        prepared.agentVolume(), initContainerResources(block), image(block), settings.agentRunAsUser());
    return WebServerInjection.inject(server, pod, context, targets.containers(), prepared.spec(), shared, edits)
        .outcome(name(), attached, Resolved.reference(prepared.source()), targets.names(), usableCaveat);
  }

  /** The agent's volume and the TLS volumes the pod does not have yet. */
  private static void addVolumes(PodJson pod, Prepared prepared, PodEdits edits) {
    List<ObjectNode> volumes = new ArrayList<>(3);
    if (prepared.agentVolume() != null) {
      volumes.add(prepared.agentVolume());
    }
    for (ObjectNode tls : prepared.tlsVolumes()) {
      if (!pod.hasVolume(PodJson.text(tls, "name"))) {
        volumes.add(tls);
      }
    }
    if (!volumes.isEmpty()) {
      edits.addVolumes(volumes);
    }
  }

  /** One target container: its environment (the OTEL_* and the loader's, composed with its own) and its mounts. */
  private EnvComposer configure(PodContainer target, Prepared prepared, OtelEnvironment otel, String variant,
      PodEdits edits) {
    EnvComposer env = new EnvComposer(target.env(), prepared.languageEnv(), prepared.specEnv());
    List<JsonNode> generated = otel.generated(target, env);
    generated.addAll(language.defaults(variant));
    edits.setEnv(target, env.compose(generated, otel.attributesBelowUsers(target), prepared.loaders().get(variant)));
    List<ObjectNode> mounts = new ArrayList<>(1 + prepared.tlsMounts().size());
    if (prepared.agentMount() != null) {
      mounts.add(prepared.agentMount());
    }
    for (ObjectNode tlsMount : prepared.tlsMounts()) {
      if (!target.mounts(PodJson.text(tlsMount, "name"))) {
        mounts.add(tlsMount);
      }
    }
    if (!mounts.isEmpty()) {
      edits.addVolumeMounts(target, mounts);
    }
    return env;
  }

  /** For an agent that exports OTLP over HTTP only: why its spans will not arrive, or null. */
  private String httpOnlyCaveat(OtelEnvironment otel, EnvComposer env, InstrumentationSpec spec) {
    String name = language.name();
    String grpc = otel.grpcEndpoint(env);
    AgentSpec block = language.block(spec);
    boolean defaultImage = block == null || block.getImage() == null || block.getImage().isBlank();
    if (grpc != null) {
      return "the endpoint " + grpc + " is on 4317, the OTLP/gRPC port, and the " + name
          + " auto-instrumentation exports OTLP over HTTP: spans will not arrive until spec.exporter.endpoint"
          + " (or OTEL_EXPORTER_OTLP_ENDPOINT) names the collector's OTLP/HTTP port, 4318";
    }
    if (defaultImage && otel.grpcProtocol(env)) {
      return "the protocol is grpc, and the default " + name + " image exports OTLP over HTTP only: set "
          + "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf and an endpoint on 4318 in spec." + name
          + ".env, or name an image with the gRPC exporter in spec." + name + ".image";
    }
    return null;
  }

  /**
   * The init containers for this pod. Their user: the first target container's own
   * {@code runAsUser} (the agent must be readable by it), else the pod's, else the configured
   * non-root default.
   */
  private List<ObjectNode> initContainers(Prepared prepared, String variant, PodJson pod, PodContainer target) {
    Long containerUser = target.runAsUser();
    Long podUser = pod.runAsUser();
    List<ObjectNode> forNonRootPods = prepared.initContainersForNonRootPods().get(variant);
    if (containerUser == null || containerUser == 0L || containerUser.equals(podUser)
        || prepared.spec().getInitContainerSecurityContext() != null) {
      return podUser != null && podUser != 0L ? forNonRootPods : prepared.initContainers().get(variant);
    }
    List<ObjectNode> containers = new ArrayList<>(forNonRootPods.size());
    for (ObjectNode shared : forNonRootPods) {
      ObjectNode copy = shared.deepCopy();
      copy.withObjectProperty("securityContext").put("runAsUser", containerUser);
      containers.add(copy);
    }
    return containers;
  }

  /** What the user should know about an injection that went through. */
  private List<String> caveats(Prepared prepared, PodJson pod, List<PodContainer> targets) {
    List<String> caveats = new ArrayList<>(1);
    for (PodContainer target : targets) {
      List<String> sources = target.envFromSources();
      if (!sources.isEmpty()) {
        caveats.add("container " + target.name() + " takes variables from envFrom (" + String.join(", ", sources)
            + "): any of them named like an injected one (" + loaderNames(prepared) + "OTEL_*) is overridden;"
            + " set those with env, whose values are kept");
      }
    }
    AgentSpec block = language.block(prepared.spec());
    if (block != null && block.getVolumeClaimTemplate() != null && !pod.hasFsGroup()) {
      caveats.add("the agent volume comes from a volumeClaimTemplate and the pod sets no securityContext.fsGroup:"
          + " a non-root init container may not be allowed to write to it");
    }
    return caveats;
  }

  private static String loaderNames(Prepared prepared) {
    StringBuilder names = new StringBuilder();
    prepared.loaders().values().iterator().next().forEach(loader -> names.append(loader.name()).append(", "));
    return names.toString();
  }

  /**
   * Why the containers or the language block configure the agent by hand (a variable that only such a
   * configuration sets), or null.
   */
  private String configuredByHand(List<PodContainer> targets, AgentSpec block) {
    String variable = language.configuredByHand();
    if (variable == null) {
      return null;
    }
    for (PodContainer target : targets) {
      for (JsonNode var : target.env()) {
        if (variable.equals(EnvComposer.name(var))) {
          return "container " + target.name() + " sets " + variable + ": " + language.name()
              + " auto-instrumentation is configured by hand there, and is left as it is";
        }
      }
    }
    if (block != null && block.getEnv() != null
        && block.getEnv().stream().anyMatch(var -> variable.equals(var.getName()))) {
      return "spec." + language.name() + ".env sets " + variable + ", which Instrumentor sets to where it copies"
          + " the agent: remove it";
    }
    return null;
  }

  /**
   * What an Instrumentation gives every pod, built once per version of it (the informer cache
   * hands out a new object when it changes). Shared between requests: patch values only, never
   * changed (the pod's tree receives copies). Init containers per variant of the agent.
   */
  private record Prepared(Instrumentation source, InstrumentationSpec spec, List<JsonNode> languageEnv,
      List<JsonNode> specEnv, Map<String, List<AgentLanguage.Loader>> loaders, ObjectNode agentVolume, ObjectNode agentMount,
      List<ObjectNode> tlsVolumes, List<ObjectNode> tlsMounts, Map<String, List<ObjectNode>> initContainers,
      Map<String, List<ObjectNode>> initContainersForNonRootPods) {
  }

  private Prepared prepare(Instrumentation instrumentation) {
    String key = instrumentation.getMetadata().getNamespace() + "/" + instrumentation.getMetadata().getName();
    Prepared prepared = this.prepared.get(key);
    if (prepared != null && prepared.source() == instrumentation) {
      return prepared;
    }
    InstrumentationSpec spec = instrumentation.getSpec() == null ? new InstrumentationSpec() : instrumentation.getSpec();
    AgentSpec block = language.block(spec);
    Map<String, List<ObjectNode>> initContainers = new HashMap<>();
    Map<String, List<ObjectNode>> forNonRootPods = new HashMap<>();
    Map<String, List<AgentLanguage.Loader>> loaders = new HashMap<>();
    for (String variant : language.variants()) {
      initContainers.put(variant, rendered(initContainers(block, spec, variant, false)));
      forNonRootPods.put(variant, rendered(initContainers(block, spec, variant, true)));
      loaders.put(variant, List.copyOf(language.loaders(block, variant)));
    }
    boolean agent = language.hasAgent();
    prepared = new Prepared(instrumentation, spec, env(block == null ? null : block.getEnv()), env(spec.getEnv()),
        Map.copyOf(loaders), agent ? AdmissionJson.Rendered.of(agentVolume(block)) : null,
        agent ? AdmissionJson.Rendered.of(PodJson.volumeMount(language.volume(), language.mountPath(), true)) : null,
        rendered(OtelEnvironment.tlsVolumes(spec)), rendered(OtelEnvironment.tlsMounts(spec)),
        Map.copyOf(initContainers), Map.copyOf(forNonRootPods));
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

  private ObjectNode agentVolume(AgentSpec block) {
    ObjectNode volume = PodJson.NODES.objectNode().put("name", language.volume());
    if (block != null && block.getVolumeClaimTemplate() != null) {
      volume.putObject("ephemeral").set("volumeClaimTemplate", PodJson.tree(block.getVolumeClaimTemplate()));
    } else {
      String size = block == null || block.getVolumeLimitSize() == null ? DEFAULT_VOLUME_SIZE : block.getVolumeLimitSize();
      volume.putObject("emptyDir").put("sizeLimit", size);
    }
    return volume;
  }

  /** The block's image, else the default one. */
  private String image(AgentSpec block) {
    return block == null || block.getImage() == null || block.getImage().isBlank()
        ? language.defaultImage(settings) : block.getImage();
  }

  /** The block's resources, completed with the defaults; the defaults when it has none. */
  private static ObjectNode initContainerResources(AgentSpec block) {
    return block != null && block.initContainerResources() != null
        ? completed(PodJson.tree(block.initContainerResources())) : defaultResources();
  }

  private List<ObjectNode> initContainers(AgentSpec block, InstrumentationSpec spec, String variant,
      boolean podUserIsNonRoot) {
    JsonNode security = spec.getInitContainerSecurityContext() != null
        ? PodJson.tree(spec.getInitContainerSecurityContext()) : restrictedSecurityContext(podUserIsNonRoot);
    JsonNode resources = initContainerResources(block);
    String pullPolicy = spec.getImagePullPolicy() == null ? null : spec.getImagePullPolicy().value();
    String image = image(block);
    List<ObjectNode> containers = new ArrayList<>(1);
    for (Copy copy : language.copies(block, image, variant)) {
      containers.add(initContainer(language.volume() + copy.suffix(), copy.image(), pullPolicy, resources, security,
          copy.command()));
    }
    return List.copyOf(containers);
  }

  private ObjectNode initContainer(String name, String image, String pullPolicy, JsonNode resources,
      JsonNode security, List<String> command) {
    ObjectNode container = PodJson.NODES.objectNode();
    container.put("name", name);
    container.put("image", image);
    if (pullPolicy != null) {
      container.put("imagePullPolicy", pullPolicy);
    }
    container.set("command", PodJson.strings(command.toArray(String[]::new)));
    container.set("resources", resources);
    container.set("securityContext", security);
    container.putArray("volumeMounts").add(PodJson.volumeMount(language.volume(), language.mountPath(), false));
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

  private static BigDecimal amount(JsonNode quantity) {
    return Quantity.getAmountInBytes(
        new Quantity(quantity.asText()));
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
