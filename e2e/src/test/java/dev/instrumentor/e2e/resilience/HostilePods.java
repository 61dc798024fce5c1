package dev.instrumentor.e2e.resilience;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * A seeded corpus of pods that ask for injection the way careless and hostile users write them:
 * environment variables the injection also sets (plain, from the downward API, from ConfigMaps,
 * referencing each other), huge and non-ASCII values, names and mounts that collide with the
 * injection's, container-name lists that name nothing or too much, up to 40 containers, Windows
 * pods, odd annotation values, owners of every kind. Most are valid pods; the ones the API server
 * refuses by themselves are recognized by the test and set aside.
 */
final class HostilePods {

  static final String AGENT = "instrumentor-java-agent";
  static final String AGENT_PATH = "/instrumentor/java";
  static final String PYTHON_AGENT = "instrumentor-python-agent";
  static final String NODEJS_AGENT = "instrumentor-nodejs-agent";
  static final String DOTNET_AGENT = "instrumentor-dotnet-agent";
  static final String COLLECTOR_VOLUME = "instrumentor-collector-config";

  private static final List<String> NAMES = List.of("app", "worker", "api", "sidecar-proxy", "otc-container", AGENT,
      PYTHON_AGENT, NODEJS_AGENT,
      "c-" + "x".repeat(61), "web");
  private static final List<String> IMAGES = List.of("registry.example.com/shop/app:1.0.0", "busybox",
      "localhost:5000/team/worker:2", "registry.example.com/a/b@sha256:" + "ab".repeat(32), "ghcr.io/x/y:latest");

  private final Random random;
  private final String namespace;

  HostilePods(long seed, String namespace) {
    this.random = new Random(seed);
    this.namespace = namespace;
  }

  private boolean chance(int inN) {
    return random.nextInt(inN) == 0;
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** Case {@code index} of the corpus. */
  Pod next(int index) {
    Set<String> names = new LinkedHashSet<>();
    int count = chance(12) ? 30 + random.nextInt(11) : 1 + random.nextInt(4);
    while (names.size() < count) {
      names.add(names.size() < 3 && !chance(4) ? pick(NAMES) : "c" + names.size());
    }
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir().build());
    if (chance(8)) {
      volumes.add(new VolumeBuilder().withName(AGENT).withNewEmptyDir().endEmptyDir().build());
    }
    if (chance(10)) {
      volumes.add(new VolumeBuilder().withName(COLLECTOR_VOLUME).withNewEmptyDir().endEmptyDir().build());
    }
    List<Container> containers = new ArrayList<>();
    for (String name : names) {
      containers.add(container(name, volumes));
    }
    List<Container> initContainers = new ArrayList<>();
    if (chance(4)) {
      initContainers.add(container("init-db", volumes));
    }
    if (chance(10)) {
      initContainers.add(new ContainerBuilder().withName(chance(2) ? AGENT : "otc-container").withImage("busybox").build());
    }

    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("instrumentor.dev/inject-java", pick(List.of("true", "true", "true", "true", "java",
        namespace + "/java", "false", "nope", "", "TRUE", "other/java", "../java")));
    if (names.size() > 32 && chance(2)) {
      annotations.put("instrumentor.dev/container-names", String.join(",", names)); // beyond the cap: an error outcome
    } else if (chance(3)) {
      List<String> listed = new ArrayList<>(names);
      Collections.shuffle(listed, random);
      listed = listed.subList(0, 1 + random.nextInt(listed.size()));
      if (chance(3)) {
        listed.add(pick(List.of("missing", "", " app ", "APP", listed.get(0))));
      }
      annotations.put(chance(2) ? "instrumentor.dev/container-names" : "instrumentor.dev/java-container-names",
          String.join(",", listed));
    }
    if (chance(3)) {
      annotations.put("instrumentor.dev/inject-python", pick(List.of("true", "true", "java", "false", "nope")));
      if (chance(3)) {
        annotations.put("instrumentor.dev/python-platform", pick(List.of("glibc", "musl", "alpine", "")));
      }
      if (chance(2)) {
        annotations.put("instrumentor.dev/python-container-names", pick(new ArrayList<>(names)));
      }
    }
    for (String language : List.of("nodejs", "dotnet", "go", "apache-httpd", "nginx", "sdk")) {
      if (chance(4)) {
        // ours or the OpenTelemetry Operator's key, sometimes both
        String prefix = pick(List.of("instrumentor.dev/", "instrumentor.dev/", "instrumentation.opentelemetry.io/"));
        annotations.put(prefix + "inject-" + language, pick(List.of("true", "true", "java", "false", "nope", "")));
        if (chance(4)) {
          annotations.put("instrumentation.opentelemetry.io/inject-" + language, pick(List.of("true", "false")));
        }
        if (chance(2)) {
          annotations.put(prefix + language + "-container-names", pick(new ArrayList<>(names)));
        }
      }
    }
    if (chance(5)) {
      annotations.put(pick(List.of("instrumentor.dev/dotnet-runtime", "instrumentation.opentelemetry.io/otel-dotnet-auto-runtime")),
          pick(List.of("linux-x64", "linux-musl-x64", "win-x64", "")));
    }
    if (chance(3)) {
      annotations.put(pick(List.of("instrumentor.dev/otel-go-auto-target-exe",
          "instrumentation.opentelemetry.io/otel-go-auto-target-exe")), pick(List.of("/app/server", "", " ", "server")));
    }
    if (chance(8)) {
      annotations.put(pick(List.of("instrumentation.opentelemetry.io/inject-go", "instrumentation.opentelemetry.io/inject-nginx",
          "instrumentation.opentelemetry.io/inject-java")), pick(List.of("true", "false", "java")));
    }
    if (chance(5)) {
      annotations.put("instrumentor.dev/inject-sidecar", pick(List.of("true", "agent", "missing", "false")));
    }
    if (chance(4)) {
      annotations.put("resource.opentelemetry.io/team", pick(List.of("payments", "a=b,c=d", "caf\u00e9 \u2603", " ")));
    }
    if (chance(6)) {
      annotations.put("instrumentor.dev/injection-status", pick(List.of("{}", "not json", "{\"java\":{\"status\":1}}")));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (chance(2)) {
      labels.put("app.kubernetes.io/name", pick(List.of("checkout", "x".repeat(63), "a.b-c_d")));
    }
    if (chance(3)) {
      labels.put("app.kubernetes.io/version", pick(List.of("1.2.3", "v2", "2026.11.30-rc.1")));
    }

    PodBuilder pod = new PodBuilder()
        .withNewMetadata().withName("case-" + index).withNamespace(namespace)
          .withAnnotations(annotations).withLabels(labels).endMetadata()
        .withNewSpec().withContainers(containers).withInitContainers(initContainers).withVolumes(volumes).endSpec();
    if (chance(3)) {
      String kind = pick(List.of("ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"));
      String owner = pick(List.of("shop-7d9f8b6c5", "nightly-29012345", "db", "x"));
      pod.editMetadata().withOwnerReferences(new OwnerReferenceBuilder()
          .withApiVersion(kind.equals("Job") ? "batch/v1" : kind.equals("ReplicationController") ? "v1" : "apps/v1")
          .withKind(kind).withName(owner).withUid(UUID.randomUUID().toString()).withController(true).build()).endMetadata();
    }
    if (chance(3)) {
      pod.editSpec().withNewSecurityContext().withRunAsUser(pick(List.of(0L, 1000L, 65534L)))
          .withRunAsNonRoot(chance(2) ? Boolean.TRUE : null).withFsGroup(chance(2) ? 2000L : null)
          .endSecurityContext().endSpec();
    }
    if (chance(15)) {
      pod.editSpec().withNewOs("windows").addToNodeSelector("kubernetes.io/os", "windows").endSpec();
    }
    return pod.build();
  }

  private Container container(String name, List<Volume> volumes) {
    ContainerBuilder container = new ContainerBuilder().withName(name).withImage(pick(IMAGES));
    int vars = random.nextInt(7);
    for (int i = 0; i < vars; i++) {
      container.addToEnv(env());
    }
    if (chance(4)) {
      container.addNewEnvFrom().withNewConfigMapRef("settings", true).endEnvFrom();
    }
    if (chance(6)) {
      container.addToEnvFrom(new EnvFromSourceBuilder().withPrefix("OTEL_").withNewSecretRef("otel", true).build());
    }
    List<VolumeMount> mounts = new ArrayList<>();
    if (chance(3)) {
      mounts.add(new VolumeMountBuilder().withName("data").withMountPath("/data").build());
    }
    if (chance(10)) {
      mounts.add(new VolumeMountBuilder().withName("data").withMountPath(pick(List.of(AGENT_PATH, "/conf", AGENT_PATH + "/x")))
          .build());
    }
    if (chance(12) && volumes.stream().anyMatch(v -> v.getName().equals(AGENT))) {
      mounts.add(new VolumeMountBuilder().withName(AGENT).withMountPath("/agent").build());
    }
    container.withVolumeMounts(mounts);
    if (chance(3)) {
      container.withSecurityContext(new SecurityContextBuilder().withRunAsUser(chance(2) ? 1001L : null)
          .withRunAsNonRoot(chance(2) ? Boolean.TRUE : null).withReadOnlyRootFilesystem(chance(2))
          .withNewCapabilities().withDrop("ALL").endCapabilities().build());
    }
    if (chance(3)) {
      container.withNewResources().addToLimits("memory", new Quantity(pick(List.of("64Mi", "1Gi", "300M"))))
          .addToRequests("cpu", new Quantity(pick(List.of("10m", "1", "0.5")))).endResources();
    }
    return container.build();
  }

  private EnvVar env() {
    return switch (random.nextInt(20)) {
      case 16 -> new EnvVar("NODE_OPTIONS", pick(List.of("--max-old-space-size=512", "", "--require /instrumentor/nodejs/autoinstrumentation.js",
          "--require ./tracing.js --inspect")), null);
      case 17 -> new EnvVarBuilder().withName("NODE_OPTIONS").withNewValueFrom()
          .withNewConfigMapKeyRef("node", "options", true).endValueFrom().build();
      case 18 -> new EnvVar(pick(List.of("DOTNET_STARTUP_HOOKS", "DOTNET_SHARED_STORE", "CORECLR_PROFILER_PATH")),
          pick(List.of("/app/hook.dll", "", "/a:/b")), null);
      case 19 -> new EnvVar("OTEL_DOTNET_AUTO_HOME", "/otel-dotnet-auto", null);
      case 14 -> new EnvVar("PYTHONPATH", pick(List.of("/app", "", "/app:/lib", "/instrumentor/python")), null);
      case 15 -> new EnvVarBuilder().withName("PYTHONPATH").withNewValueFrom()
          .withNewConfigMapKeyRef("path", "python", true).endValueFrom().build();
      case 0 -> new EnvVar("JAVA_TOOL_OPTIONS", pick(List.of("-Xmx256m", "", "-javaagent:/other/agent.jar",
          "-Dgreeting=gr\u00fc\u00df -Dq=\"a b\"", "$(POD_NAME)")), null);
      case 1 -> new EnvVarBuilder().withName("JAVA_TOOL_OPTIONS").withNewValueFrom()
          .withNewFieldRef("v1", "metadata.name").endValueFrom().build();
      case 2 -> new EnvVarBuilder().withName("JAVA_TOOL_OPTIONS").withNewValueFrom()
          .withNewConfigMapKeyRef("options", "jvm", true).endValueFrom().build();
      case 3 -> new EnvVar("OTEL_SERVICE_NAME", pick(List.of("checkout", "", "caf\u00e9", "$(POD_NAME)")), null);
      case 4 -> new EnvVar("OTEL_RESOURCE_ATTRIBUTES", pick(List.of("team=a", "a=b=c, ,=x", "k=\u00fcnic\u00f8de,%zz=1",
          "service.name=from-attrs")), null);
      case 5 -> new EnvVar("OTEL_EXPORTER_OTLP_ENDPOINT", pick(List.of("http://elsewhere:4318", "not a url", "")), null);
      case 6 -> new EnvVar("OTEL_TRACES_SAMPLER", pick(List.of("always_on", "parentbased_traceidratio", "bogus")), null);
      case 7 -> new EnvVar("BIG", "x".repeat(chance(4) ? 200_000 : 5_000), null);
      case 8 -> new EnvVar("REF", "$(OTEL_SERVICE_NAME)-$(POD_NAME)-$$(ESCAPED)", null);
      case 9 -> new EnvVar("my.dotted-var", "1", null);
      case 10 -> new EnvVarBuilder().withName("POD_NAME").withNewValueFrom().withNewFieldRef("v1", "metadata.name")
          .endValueFrom().build();
      case 11 -> new EnvVar("OTEL_NODE_IP", "10.0.0.1", null);
      case 12 -> new EnvVar("INSTRUMENTOR_ORIGINAL_JAVA_TOOL_OPTIONS", "-Dx=1", null);
      default -> new EnvVar("UNICODE", "\u65e5\u672c\u8a9e \ud83d\ude00 \u0000".replace("\u0000", ""), null);
    };
  }
}
