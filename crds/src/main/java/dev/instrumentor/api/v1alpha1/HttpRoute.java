package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * Exposes the collector's receiver ports through Gateway API HTTPRoutes (gateway.networking.k8s.io/v1) attached
 * to a Gateway, when that API is served. Field names as the OpenTelemetry Operator's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HttpRoute {

  /** Create the HTTPRoutes. */
  private Boolean enabled;

  /** The Gateway the routes attach to. */
  private String gateway;

  /** The Gateway's namespace. Empty: the collector's. */
  private String gatewayNamespace;

  /** Hostnames the routes match. */
  private List<String> hostnames;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getGateway() {
    return gateway;
  }

  public void setGateway(String gateway) {
    this.gateway = gateway;
  }

  public String getGatewayNamespace() {
    return gatewayNamespace;
  }

  public void setGatewayNamespace(String gatewayNamespace) {
    this.gatewayNamespace = gatewayNamespace;
  }

  public List<String> getHostnames() {
    return hostnames;
  }

  public void setHostnames(List<String> hostnames) {
    this.hostnames = hostnames;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HttpRoute other && Objects.equals(enabled, other.enabled)
        && Objects.equals(gateway, other.gateway)
        && Objects.equals(gatewayNamespace, other.gatewayNamespace)
        && Objects.equals(hostnames, other.hostnames);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, gateway, gatewayNamespace, hostnames);
  }

  @Override
  public String toString() {
    return "HttpRoute{" + "enabled=" + enabled + ", " + "gateway=" + gateway + ", " + "gatewayNamespace=" + gatewayNamespace + ", " + "hostnames=" + hostnames + "}";
  }
}
