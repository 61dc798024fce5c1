package dev.instrumentor.operator.collector;

import dev.instrumentor.api.v1alpha1.CollectorIngress;
import dev.instrumentor.api.v1alpha1.IngressRuleType;
import dev.instrumentor.api.v1alpha1.IngressType;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pure code: how a collector is reached — the Ingress of {@code spec.ingress} and the NetworkPolicy of
 * {@code spec.networkPolicy}, with the OpenTelemetry Operator's meaning (its {@code internal/manifests/collector}).
 */
final class CollectorExposure {

  private CollectorExposure() {
  }

  /**
   * The Ingress of the collector's Service ports, or null when {@code spec.ingress.type} is not {@code ingress}
   * (a route is OpenShift's: see {@link CollectorCompatibility}). Rules: {@code path} (default), one host and a
   * path {@code /<port name>} per port; {@code subdomain}, a host {@code <port name>.<hostname>} per port.
   */
  static Ingress ingress(TelemetryCollector collector, ObjectMeta metadata, List<ServicePort> ports) {
    CollectorIngress spec = collector.getSpec().getIngress();
    if (spec == null || spec.getType() != IngressType.INGRESS || ports.isEmpty()) {
      return null;
    }
    String service = CollectorManifests.name(collector);
    List<IngressRule> rules = new ArrayList<>();
    if (spec.getRuleType() == IngressRuleType.SUBDOMAIN) {
      for (ServicePort port : ports) {
        String name = portName(port);
        rules.add(new IngressRuleBuilder().withHost(name + "." + spec.getHostname()).withNewHttp()
            .withPaths(path("/", service, port)).endHttp().build());
      }
    } else {
      List<HTTPIngressPath> paths = ports.stream().map(port -> path("/" + portName(port), service, port)).toList();
      rules.add(new IngressRuleBuilder().withHost(CollectorManifests.blank(spec.getHostname()) ? null : spec.getHostname())
          .withNewHttp().withPaths(paths).endHttp().build());
    }
    if (spec.getAnnotations() != null && !spec.getAnnotations().isEmpty()) {
      metadata.setAnnotations(Map.copyOf(spec.getAnnotations()));
    }
    return new IngressBuilder().withMetadata(metadata).withNewSpec()
        .withIngressClassName(CollectorManifests.blank(spec.getIngressClassName()) ? null : spec.getIngressClassName())
        .withTls(spec.getTls() == null || spec.getTls().isEmpty() ? null : spec.getTls())
        .withRules(rules).endSpec().build();
  }

  private static HTTPIngressPath path(String path, String service, ServicePort port) {
    HTTPIngressPathBuilder builder = new HTTPIngressPathBuilder().withPath(path).withPathType("Prefix");
    if (port.getName() != null) {
      return builder.withNewBackend().withNewService().withName(service).withNewPort().withName(port.getName())
          .endPort().endService().endBackend().build();
    }
    return builder.withNewBackend().withNewService().withName(service).withNewPort().withNumber(port.getPort())
        .endPort().endService().endBackend().build();
  }

  private static String portName(ServicePort port) {
    return port.getName() != null ? port.getName() : "port-" + port.getPort();
  }

  /**
   * A NetworkPolicy that admits traffic to the collector's pods on their container ports only (receivers, own
   * metrics, and the health_check port the kubelet probes), from anywhere; egress is left open.
   */
  static NetworkPolicy networkPolicy(ObjectMeta metadata, Map<String, String> selector, List<ContainerPort> ports,
      Integer healthPort) {
    List<NetworkPolicyPort> allowed = new ArrayList<>();
    for (ContainerPort port : ports == null ? List.<ContainerPort>of() : ports) {
      allowed.add(new NetworkPolicyPortBuilder().withProtocol(port.getProtocol() == null ? "TCP" : port.getProtocol())
          .withPort(new IntOrString(port.getContainerPort())).build());
    }
    if (healthPort != null && allowed.stream().noneMatch(p -> p.getPort().getIntVal() == healthPort.intValue())) {
      allowed.add(new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(healthPort)).build());
    }
    return new NetworkPolicyBuilder().withMetadata(metadata).withNewSpec()
        .withNewPodSelector().withMatchLabels(selector).endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress().withPorts(allowed).endIngress()
        .endSpec().build();
  }

}
