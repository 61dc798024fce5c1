package dev.instrumentor.webhook.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.AgentSpec;
import dev.instrumentor.api.v1alpha1.GoSpec;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodJson.PodContainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenTelemetry's Go automatic instrumentation (eBPF, {@code go.opentelemetry.io/auto}), with the contract of the
 * OpenTelemetry Operator: a Go binary has no loader to hook, so the agent is a sidecar whose image runs the
 * instrumentation; the pod shares one process namespace, the sidecar finds the process of
 * {@code OTEL_GO_AUTO_TARGET_EXE} and attaches uprobes to it, and exports what the process does with the OTEL_*
 * environment, which is the sidecar's (built from the target container's name, image and own OTEL_* variables, so
 * that the telemetry describes the application). One container per pod; the application container is not changed.
 */
final class GoLanguage extends AgentLanguage {

  static final String NAME = Language.GO.key();
  /** The sidecar. */
  static final String SIDECAR = "instrumentor-go-agent";
  static final String TARGET_EXE = "OTEL_GO_AUTO_TARGET_EXE";
  /**
   * The host's securityfs, read-only: the instrumentation reads the kernel's lockdown mode there
   * ({@code /sys/kernel/security/lockdown}) and, on a locked-down kernel (Secure Boot), loads its probes without
   * trace-context propagation; without it, it assumes no lockdown, and the kernel refuses the probe that writes
   * headers, which stops every probe of an application that makes HTTP calls.
   */
  static final String SECURITYFS_VOLUME = "instrumentor-securityfs";
  static final String SECURITYFS_PATH = "/sys/kernel/security";
  /** The Pod Security label whose levels other than privileged refuse the sidecar (hostPath, capabilities). */
  static final String POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";
  /**
   * What the instrumentation needs of the kernel, and no more (measured against a process of another user):
   * SYS_ADMIN for the uprobe perf events (since Linux 6.16 and its stable backports; it also covers loading eBPF
   * programs and mounting bpffs at /sys/fs/bpf, for which BPF and PERFMON would do on older kernels), SYS_PTRACE to
   * read the target's executable and memory through /proc, KILL to check with signal 0 that the target lives.
   */
  static final List<String> CAPABILITIES = List.of("SYS_ADMIN", "SYS_PTRACE", "KILL");

  GoLanguage() {
    super(Language.GO, null, null, "Go eBPF instrumentation attached");
  }

  @Override
  AgentSpec block(InstrumentationSpec spec) {
    return spec.getGo();
  }

  @Override
  boolean sidecar() {
    return true;
  }

  @Override
  boolean presentIn(PodJson pod) {
    return pod.containerNamed(SIDECAR) != null;
  }

  /** Why {@code pod} cannot have the sidecar for {@code targets}, or null. */
  static String problem(PodJson pod, PodContext context, List<PodContainer> targets) {
    if (targets.size() > 1) {
      return "the Go instrumentation attaches to one process per pod, and " + targets.size() + " containers ("
          + String.join(",", targets.stream().map(PodContainer::name).toList()) + ") are named: name one with "
          + Language.GO.containerNamesAnnotation();
    }
    PodContainer target = targets.get(0);
    if (PodJson.INIT_CONTAINERS.equals(target.field())) {
      return "container " + target.name() + " is an init container: the Go instrumentation attaches to a process"
          + " that runs beside its sidecar";
    }
    JsonNode share = pod.spec().path("shareProcessNamespace");
    if (share.isBoolean() && !share.asBoolean()) {
      return "the pod sets shareProcessNamespace: false, and the Go instrumentation's sidecar must see the"
          + " application's process";
    }
    String restart = pod.spec().path("restartPolicy").asText("Always");
    if (!restart.isEmpty() && !"Always".equals(restart)) {
      return "the pod's restartPolicy is " + restart + " (a Job's): the Go instrumentation's sidecar runs until it is"
          + " stopped, so the pod would never complete";
    }
    if (pod.spec().path("hostUsers").isBoolean() && !pod.spec().path("hostUsers").asBoolean()) {
      return "the pod sets hostUsers: false: in a user namespace the Go instrumentation cannot load eBPF programs";
    }
    if (pod.spec().path("hostPID").asBoolean(false)) {
      return "the pod sets hostPID: true, which cannot be combined with the shared process namespace the Go"
          + " instrumentation needs";
    }
    String level = context.namespaceLabels().get(POD_SECURITY_ENFORCE);
    if (level != null && Set.of("baseline", "restricted").contains(level.trim())) {
      return "namespace " + context.namespace() + " enforces Pod Security \"" + level.trim() + "\", which refuses"
          + " the Go instrumentation's sidecar (it runs as root with capabilities " + String.join(", ", CAPABILITIES)
          + " and mounts the host's " + SECURITYFS_PATH + "): the pod runs without it; the namespace must allow"
          + " privileged pods";
    }
    return null;
  }

  /**
   * The sidecar's own variables, above the Instrumentation's: the executable from the pod's annotation (ours, else
   * upstream's), then the target container's OTEL_* variables (the application's telemetry settings).
   */
  static List<JsonNode> sidecarEnv(PodJson pod, PodContainer target) {
    List<JsonNode> env = new ArrayList<>();
    AnnotationValue exe = AnnotationValue.of(InstrumentorAnnotations.GO_TARGET_EXE, pod.annotations(), Map.of());
    if (exe != null && !exe.value().isBlank()) {
      env.add(PodJson.envVar(TARGET_EXE, exe.value().trim()));
    }
    for (JsonNode var : target.env()) {
      String name = EnvComposer.name(var);
      if (name != null && name.startsWith("OTEL_") && !name.equals(TARGET_EXE)) {
        env.add(var);
      }
    }
    return env;
  }

  /** Why the sidecar would not know which executable to attach to, or null. */
  static String noTargetExe(EnvComposer env) {
    JsonNode exe = env.userDefinition(TARGET_EXE);
    if (exe != null && (EnvComposer.value(exe) != null && !EnvComposer.value(exe).isBlank()
        || EnvComposer.valueFrom(exe) != null)) {
      return null;
    }
    return "no executable to attach to: set annotation " + InstrumentorAnnotations.GO_TARGET_EXE
        + " (the path of the Go binary in the container, e.g. /app/server) on the pod, or " + TARGET_EXE
        + " in the Instrumentation's spec.go.env";
  }

  /** The sidecar's security context: the Instrumentation's spec.go.securityContext, else the least it needs. */
  static JsonNode securityContext(AgentSpec block) {
    if (block instanceof GoSpec go && go.getSecurityContext() != null) {
      return PodJson.tree(go.getSecurityContext());
    }
    ObjectNode security = PodJson.NODES.objectNode();
    security.put("runAsUser", 0L);
    security.put("runAsNonRoot", false);
    security.put("privileged", false);
    security.put("allowPrivilegeEscalation", false);
    security.put("readOnlyRootFilesystem", true);
    ObjectNode capabilities = security.putObject("capabilities");
    capabilities.set("add", PodJson.strings(CAPABILITIES.toArray(String[]::new)));
    capabilities.set("drop", PodJson.strings("ALL"));
    return security;
  }

  /** The host's securityfs, which the sidecar mounts read-only. */
  static ObjectNode securityfsVolume() {
    ObjectNode volume = PodJson.NODES.objectNode().put("name", SECURITYFS_VOLUME);
    volume.putObject("hostPath").put("path", SECURITYFS_PATH);
    return volume;
  }
}
