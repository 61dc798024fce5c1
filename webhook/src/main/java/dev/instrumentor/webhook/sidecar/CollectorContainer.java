package dev.instrumentor.webhook.sidecar;

import dev.instrumentor.api.v1alpha1.ConfigMapMount;
import dev.instrumentor.api.v1alpha1.ProbeSettings;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The collector container and its config volume, the same whether it runs in a Deployment,
 * DaemonSet or StatefulSet of the operator's or as a sidecar the webhook injects.
 */
public final class CollectorContainer {

  public static final String CONTAINER_NAME = "otc-container";
  public static final String CONFIG_VOLUME = "instrumentor-collector-config";
  public static final String CONFIG_KEY = "collector.yaml";
  public static final String CONFIG_DIR = "/conf";

  private CollectorContainer() {
  }

  /** The ConfigMap holding the config of TelemetryCollector {@code name}; also the workload's name. */
  public static String resourceName(String collectorName) {
    return collectorName + "-collector";
  }

  public static Volume configVolume(String collectorName) {
    return new VolumeBuilder().withName(CONFIG_VOLUME)
        .withNewConfigMap().withName(resourceName(collectorName))
        .addNewItem().withKey(CONFIG_KEY).withPath(CONFIG_KEY).endItem()
        .endConfigMap().build();
  }

  /**
   * The volumes of the ConfigMaps in {@code spec.configmaps}, named {@code configmap-<name>} as the OpenTelemetry
   * Operator names them.
   */
  public static List<Volume> configMapVolumes(TelemetryCollectorSpec spec) {
    List<Volume> volumes = new ArrayList<>();
    if (spec.getConfigmaps() != null) {
      for (ConfigMapMount mount : spec.getConfigmaps()) {
        volumes.add(new VolumeBuilder().withName(configMapVolumeName(mount.getName()))
            .withNewConfigMap().withName(mount.getName()).endConfigMap().build());
      }
    }
    return volumes;
  }

  private static String configMapVolumeName(String configMap) {
    String name = "configmap-" + configMap;
    return name.length() <= 63 ? name : name.substring(0, 63).replaceAll("[-.]+$", "");
  }

  /**
   * @param image      the image to run (the spec's, or the operator's default)
   * @param ports      container ports to declare
   * @param healthPort the health_check extension's port for probes, or null
   */
  public static Container container(TelemetryCollectorSpec spec, String image, List<ContainerPort> ports,
      Integer healthPort) {
    return container(spec, image, ports, healthPort, "/");
  }

  /**
   * @param healthPath the path the health_check extension answers on (its {@code path}, default {@code /})
   */
  public static Container container(TelemetryCollectorSpec spec, String image, List<ContainerPort> ports,
      Integer healthPort, String healthPath) {
    List<String> args = new ArrayList<>();
    args.add("--config=" + CONFIG_DIR + "/" + CONFIG_KEY);
    if (spec.getArgs() != null) {
      Map<String, String> sorted = new TreeMap<>();
      spec.getArgs().forEach((key, value) -> sorted.put(key.replaceFirst("^-+", ""), value));
      sorted.forEach((key, value) -> args.add("--" + key + (value == null || value.isEmpty() ? "" : "=" + value)));
    }
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder().withName("POD_NAME")
        .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().build());
    env.add(new EnvVarBuilder().withName("POD_IP")
        .withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().build());
    if (spec.getEnv() != null) {
      for (EnvVar var : spec.getEnv()) {
        env.removeIf(existing -> existing.getName().equals(var.getName()));
        env.add(var);
      }
    }
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(new VolumeMountBuilder().withName(CONFIG_VOLUME).withMountPath(CONFIG_DIR).withReadOnly(true).build());
    if (spec.getVolumeMounts() != null) {
      mounts.addAll(spec.getVolumeMounts());
    }
    if (spec.getConfigmaps() != null) {
      for (ConfigMapMount mount : spec.getConfigmaps()) {
        String volume = configMapVolumeName(mount.getName());
        mounts.add(new VolumeMountBuilder().withName(volume)
            .withMountPath(Path.of("/var/conf", mount.getMountpath(), volume).normalize().toString()).build());
      }
    }
    ContainerBuilder container = new ContainerBuilder()
        .withName(CONTAINER_NAME)
        .withImage(image)
        .withImagePullPolicy(spec.getImagePullPolicy() == null ? null : spec.getImagePullPolicy().value())
        .withCommand(spec.getCommand())
        .withArgs(args)
        .withEnv(env)
        .withEnvFrom(spec.getEnvFrom())
        .withPorts(ports.isEmpty() ? null : ports)
        .withVolumeMounts(mounts)
        .withResources(spec.getResources())
        .withLifecycle(spec.getLifecycle())
        .withSecurityContext(spec.getSecurityContext() != null ? spec.getSecurityContext() : restricted());
    if (healthPort != null) {
      container.withLivenessProbe(healthProbe(healthPort, healthPath, spec.getLivenessProbe(), true))
          .withReadinessProbe(healthProbe(healthPort, healthPath, spec.getReadinessProbe(), false));
      if (spec.getStartupProbe() != null) {
        container.withStartupProbe(healthProbe(healthPort, healthPath, spec.getStartupProbe(), true));
      }
    }
    return container.build();
  }

  /**
   * An HTTP probe of the health_check extension, with the spec's timing where it gives one; a grace period only
   * where Kubernetes allows one (liveness and startup, not readiness: the API server refuses it there).
   */
  private static Probe healthProbe(int healthPort, String path, ProbeSettings timing, boolean restarts) {
    ProbeBuilder probe = new ProbeBuilder().withNewHttpGet().withPath(path).withNewPort(healthPort).endHttpGet();
    if (timing != null) {
      probe.withInitialDelaySeconds(timing.getInitialDelaySeconds()).withTimeoutSeconds(timing.getTimeoutSeconds())
          .withPeriodSeconds(timing.getPeriodSeconds()).withSuccessThreshold(timing.getSuccessThreshold())
          .withFailureThreshold(timing.getFailureThreshold())
          .withTerminationGracePeriodSeconds(restarts ? timing.getTerminationGracePeriodSeconds() : null);
    }
    return probe.build();
  }

  /** No privilege escalation, all capabilities dropped, read-only root filesystem, RuntimeDefault seccomp. */
  public static SecurityContext restricted() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  /** The pod-level default: non-root, RuntimeDefault seccomp. */
  public static PodSecurityContext restrictedPod() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(10001L)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  /** Labels every object of collector {@code name} carries; the selector uses all of them. */
  public static Map<String, String> selectorLabels(String collectorName) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("app.kubernetes.io/managed-by", "instrumentor");
    labels.put("app.kubernetes.io/instance", collectorName);
    labels.put("app.kubernetes.io/component", "opentelemetry-collector");
    return labels;
  }
}
