package dev.instrumentor.operator.targetallocator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pure code: the targets Prometheus' {@code kubernetes_sd_configs} finds in a Pod ({@code role: pod}) or an
 * EndpointSlice ({@code role: endpointslice}, and {@code endpoints} with that role's label names), with the
 * {@code __meta_kubernetes_*} labels Prometheus documents, so that a scrape config's relabeling, run by the
 * collector, reads what it would read in Prometheus.
 */
final class PrometheusLabels {

  private static final String META = "__meta_kubernetes_";

  private PrometheusLabels() {
  }

  /** Prometheus' label-name sanitizing: every character outside [a-zA-Z0-9_] becomes '_'. */
  static String sanitize(String name) {
    return name.replaceAll("[^a-zA-Z0-9_]", "_");
  }

  /** One target per declared container port; a container with none gives a target without a port. */
  static List<ScrapeTarget> podTargets(String job, Pod pod) {
    List<ScrapeTarget> targets = new ArrayList<>();
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (ip == null || ip.isBlank() || pod.getMetadata().getDeletionTimestamp() != null) {
      return targets;
    }
    Map<String, String> common = podLabels(pod);
    String address = ip.contains(":") ? "[" + ip + "]" : ip;
    List<Container> containers = pod.getSpec().getContainers();
    List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
    for (Container container : concat(containers, inits)) {
      Map<String, String> labels = new TreeMap<>(common);
      labels.put(META + "pod_container_name", container.getName());
      labels.put(META + "pod_container_image", String.valueOf(container.getImage()));
      labels.put(META + "pod_container_init", String.valueOf(inits.contains(container)));
      if (container.getPorts() == null || container.getPorts().isEmpty()) {
        if (!inits.contains(container)) {
          targets.add(ScrapeTarget.of(job, address, labels, pod.getSpec().getNodeName()));
        }
        continue;
      }
      for (ContainerPort port : container.getPorts()) {
        Map<String, String> withPort = new TreeMap<>(labels);
        withPort.put(META + "pod_container_port_name", port.getName() == null ? "" : port.getName());
        withPort.put(META + "pod_container_port_number", String.valueOf(port.getContainerPort()));
        withPort.put(META + "pod_container_port_protocol", port.getProtocol() == null ? "TCP" : port.getProtocol());
        targets.add(ScrapeTarget.of(job, address + ":" + port.getContainerPort(), withPort, pod.getSpec().getNodeName()));
      }
    }
    return targets;
  }

  private static List<Container> concat(List<Container> a, List<Container> b) {
    List<Container> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  static Map<String, String> podLabels(Pod pod) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(META + "namespace", pod.getMetadata().getNamespace());
    labels.put(META + "pod_name", pod.getMetadata().getName());
    labels.put(META + "pod_uid", String.valueOf(pod.getMetadata().getUid()));
    labels.put(META + "pod_ip", String.valueOf(pod.getStatus().getPodIP()));
    labels.put(META + "pod_host_ip", String.valueOf(pod.getStatus().getHostIP()));
    labels.put(META + "pod_node_name", String.valueOf(pod.getSpec().getNodeName()));
    labels.put(META + "pod_phase", String.valueOf(pod.getStatus().getPhase()));
    boolean ready = pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    labels.put(META + "pod_ready", String.valueOf(ready));
    metadataLabels(labels, "pod", pod.getMetadata().getLabels(), pod.getMetadata().getAnnotations());
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    if (owners != null) {
      owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst().ifPresent(owner -> {
        labels.put(META + "pod_controller_kind", owner.getKind());
        labels.put(META + "pod_controller_name", owner.getName());
      });
    }
    return labels;
  }

  private static void metadataLabels(Map<String, String> labels, String role, Map<String, String> objectLabels,
      Map<String, String> annotations) {
    if (objectLabels != null) {
      objectLabels.forEach((key, value) -> {
        labels.put(META + role + "_label_" + sanitize(key), value);
        labels.put(META + role + "_labelpresent_" + sanitize(key), "true");
      });
    }
    if (annotations != null) {
      annotations.forEach((key, value) -> {
        labels.put(META + role + "_annotation_" + sanitize(key), value);
        labels.put(META + role + "_annotationpresent_" + sanitize(key), "true");
      });
    }
  }

  /**
   * One target per endpoint address and port of the slice; with its Service's labels, and its pod's where the
   * endpoint is a pod. {@code endpointsRole}: the label names of Prometheus' {@code endpoints} role.
   */
  static List<ScrapeTarget> endpointSliceTargets(String job, EndpointSlice slice, Service service,
      java.util.function.Function<String, Pod> pods, boolean endpointsRole) {
    List<ScrapeTarget> targets = new ArrayList<>();
    if (slice.getEndpoints() == null || slice.getPorts() == null) {
      return targets;
    }
    String prefix = META + (endpointsRole ? "endpoint_" : "endpointslice_");
    Map<String, String> common = new TreeMap<>();
    common.put(META + "namespace", slice.getMetadata().getNamespace());
    String serviceName = slice.getMetadata().getLabels() == null ? null
        : slice.getMetadata().getLabels().get("kubernetes.io/service-name");
    if (endpointsRole) {
      common.put(META + "endpoints_name", serviceName == null ? slice.getMetadata().getName() : serviceName);
    } else {
      common.put(META + "endpointslice_name", slice.getMetadata().getName());
      common.put(META + "endpointslice_address_type", String.valueOf(slice.getAddressType()));
    }
    if (service != null) {
      common.put(META + "service_name", service.getMetadata().getName());
      metadataLabels(common, "service", service.getMetadata().getLabels(), service.getMetadata().getAnnotations());
    }
    Map<String, Pod> seen = new TreeMap<>();
    for (Endpoint endpoint : slice.getEndpoints()) {
      Map<String, String> labels = new TreeMap<>(common);
      boolean ready = endpoint.getConditions() == null || endpoint.getConditions().getReady() == null
          || endpoint.getConditions().getReady();
      labels.put(prefix + (endpointsRole ? "ready" : "endpoint_conditions_ready"), String.valueOf(ready));
      if (endpoint.getHostname() != null) {
        labels.put(prefix + (endpointsRole ? "hostname" : "endpoint_hostname"), endpoint.getHostname());
      }
      if (endpoint.getNodeName() != null) {
        labels.put(prefix + (endpointsRole ? "node_name" : "endpoint_node_name"), endpoint.getNodeName());
      }
      Pod pod = null;
      if (endpoint.getTargetRef() != null) {
        String kind = endpoint.getTargetRef().getKind();
        labels.put(prefix + (endpointsRole ? "address_target_kind" : "address_target_kind"), String.valueOf(kind));
        labels.put(prefix + "address_target_name", String.valueOf(endpoint.getTargetRef().getName()));
        if ("Pod".equals(kind)) {
          pod = pods.apply(endpoint.getTargetRef().getName());
          if (pod != null && pod.getStatus() != null) {
            labels.putAll(podLabels(pod));
            seen.put(pod.getMetadata().getName(), pod);
          } else {
            pod = null;
          }
        }
      }
      for (String address : endpoint.getAddresses()) {
        for (EndpointPort port : slice.getPorts()) {
          Map<String, String> withPort = new TreeMap<>(labels);
          withPort.put(prefix + "port_name", port.getName() == null ? "" : port.getName());
          withPort.put(prefix + "port_protocol", port.getProtocol() == null ? "TCP" : port.getProtocol());
          if (port.getAppProtocol() != null) {
            withPort.put(prefix + "port_app_protocol", port.getAppProtocol());
          }
          if (pod != null) {
            containerPortLabels(withPort, pod, port);
          }
          String host = address.contains(":") ? "[" + address + "]" : address;
          targets.add(ScrapeTarget.of(job, host + ":" + port.getPort(), withPort, endpoint.getNodeName()));
        }
      }
    }
    uncoveredPorts(job, slice, common, seen.values(), targets);
    return targets;
  }

  /**
   * As Prometheus: a container port of a backing pod that no port of the slice covers is a target too, with the
   * pod's labels and no port labels of the slice (a ServiceMonitor's targetPort may name it).
   */
  private static void uncoveredPorts(String job, EndpointSlice slice, Map<String, String> common, Collection<Pod> pods,
      List<ScrapeTarget> targets) {
    for (Pod pod : pods) {
      String ip = pod.getStatus().getPodIP();
      if (ip == null || ip.isBlank()) {
        continue;
      }
      for (Container container : pod.getSpec().getContainers()) {
        for (ContainerPort declared : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
          String protocol = declared.getProtocol() == null ? "TCP" : declared.getProtocol();
          boolean covered = slice.getPorts().stream().anyMatch(port -> declared.getContainerPort().equals(port.getPort())
              && protocol.equals(port.getProtocol() == null ? "TCP" : port.getProtocol()));
          if (!covered) {
            Map<String, String> labels = new TreeMap<>(common);
            labels.putAll(podLabels(pod));
            containerPort(labels, container, declared);
            String host = ip.contains(":") ? "[" + ip + "]" : ip;
            targets.add(ScrapeTarget.of(job, host + ":" + declared.getContainerPort(), labels, pod.getSpec().getNodeName()));
          }
        }
      }
    }
  }

  /** The labels of one container port of a pod's (not an init) container. */
  private static void containerPort(Map<String, String> labels, Container container, ContainerPort declared) {
    labels.put(META + "pod_container_name", container.getName());
    labels.put(META + "pod_container_image", String.valueOf(container.getImage()));
    labels.put(META + "pod_container_port_name", declared.getName() == null ? "" : declared.getName());
    labels.put(META + "pod_container_port_number", String.valueOf(declared.getContainerPort()));
    labels.put(META + "pod_container_port_protocol", declared.getProtocol() == null ? "TCP" : declared.getProtocol());
    labels.put(META + "pod_container_init", "false");
  }

  /** As Prometheus: the container of the endpoint's pod that declares the endpoint's port, if one does. */
  private static void containerPortLabels(Map<String, String> labels, Pod pod, EndpointPort port) {
    String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
    for (Container container : pod.getSpec().getContainers()) {
      for (ContainerPort declared : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
        if (declared.getContainerPort().equals(port.getPort())
            && protocol.equals(declared.getProtocol() == null ? "TCP" : declared.getProtocol())) {
          containerPort(labels, container, declared);
          return;
        }
      }
    }
  }
}
