package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Exposes the collector's receiver ports through an Ingress (networking.k8s.io/v1) of the collector's Service.
 * Field names as the OpenTelemetry Operator's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CollectorIngress {

  /**
   * ingress: an Ingress is created; route: an OpenShift route (not created here: the condition Exposed says
   * so). Empty: nothing.
   */
  private IngressType type;

  /**
   * path (default): one host, a path /<port name> per port; subdomain: a host <port name>.<hostname> per port.
   */
  private IngressRuleType ruleType;

  /** The host of the rules. */
  private String hostname;

  /** Annotations of the Ingress (an ingress controller's settings). */
  private Map<String, String> annotations;

  /** TLS of the Ingress. */
  private List<IngressTLS> tls;

  /** The IngressClass. Empty: the cluster's default class. */
  private String ingressClassName;

  /** OpenShift route settings (type route). */
  private IngressRoute route;

  public IngressType getType() {
    return type;
  }

  public void setType(IngressType type) {
    this.type = type;
  }

  public IngressRuleType getRuleType() {
    return ruleType;
  }

  public void setRuleType(IngressRuleType ruleType) {
    this.ruleType = ruleType;
  }

  public String getHostname() {
    return hostname;
  }

  public void setHostname(String hostname) {
    this.hostname = hostname;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }

  public List<IngressTLS> getTls() {
    return tls;
  }

  public void setTls(List<IngressTLS> tls) {
    this.tls = tls;
  }

  public String getIngressClassName() {
    return ingressClassName;
  }

  public void setIngressClassName(String ingressClassName) {
    this.ingressClassName = ingressClassName;
  }

  public IngressRoute getRoute() {
    return route;
  }

  public void setRoute(IngressRoute route) {
    this.route = route;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CollectorIngress other && Objects.equals(type, other.type)
        && Objects.equals(ruleType, other.ruleType)
        && Objects.equals(hostname, other.hostname)
        && Objects.equals(annotations, other.annotations)
        && Objects.equals(tls, other.tls)
        && Objects.equals(ingressClassName, other.ingressClassName)
        && Objects.equals(route, other.route);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, ruleType, hostname, annotations, tls, ingressClassName, route);
  }

  @Override
  public String toString() {
    return "CollectorIngress{" + "type=" + type + ", " + "ruleType=" + ruleType + ", " + "hostname=" + hostname + ", " + "annotations=" + annotations + ", " + "tls=" + tls + ", " + "ingressClassName=" + ingressClassName + ", " + "route=" + route + "}";
  }
}
