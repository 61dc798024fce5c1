package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Objects;

/**
 * A port of the collector: a Service port (ClusterIP) and the container port behind it, on the node's address
 * too with hostPort. Field names as the OpenTelemetry Operator's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PortSpec {

  /** The port's name (required when there are several). */
  private String name;

  /** The Service's port. */
  @Required
  @Min(1)
  @Max(65535)
  private Integer port;

  /** The container port. Empty: port. */
  private IntOrString targetPort;

  /** TCP (default), UDP or SCTP. */
  @Pattern("^(TCP|UDP|SCTP)$")
  private String protocol;

  /** The application protocol (e.g. grpc, http). */
  private String appProtocol;

  /** Not allowed: the collector's Service is of type ClusterIP. */
  private Integer nodePort;

  /** Expose the container port on the node's address too. */
  @Min(0)
  @Max(65535)
  private Integer hostPort;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public IntOrString getTargetPort() {
    return targetPort;
  }

  public void setTargetPort(IntOrString targetPort) {
    this.targetPort = targetPort;
  }

  public String getProtocol() {
    return protocol;
  }

  public void setProtocol(String protocol) {
    this.protocol = protocol;
  }

  public String getAppProtocol() {
    return appProtocol;
  }

  public void setAppProtocol(String appProtocol) {
    this.appProtocol = appProtocol;
  }

  public Integer getNodePort() {
    return nodePort;
  }

  public void setNodePort(Integer nodePort) {
    this.nodePort = nodePort;
  }

  public Integer getHostPort() {
    return hostPort;
  }

  public void setHostPort(Integer hostPort) {
    this.hostPort = hostPort;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PortSpec other && Objects.equals(name, other.name)
        && Objects.equals(port, other.port)
        && Objects.equals(targetPort, other.targetPort)
        && Objects.equals(protocol, other.protocol)
        && Objects.equals(appProtocol, other.appProtocol)
        && Objects.equals(nodePort, other.nodePort)
        && Objects.equals(hostPort, other.hostPort);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, port, targetPort, protocol, appProtocol, nodePort, hostPort);
  }

  @Override
  public String toString() {
    return "PortSpec{" + "name=" + name + ", " + "port=" + port + ", " + "targetPort=" + targetPort + ", " + "protocol=" + protocol + ", " + "appProtocol=" + appProtocol + ", " + "nodePort=" + nodePort + ", " + "hostPort=" + hostPort + "}";
  }
}
