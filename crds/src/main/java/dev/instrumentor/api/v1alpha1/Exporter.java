package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * The OTLP exporter of the injected agents.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.endpoint) || self.endpoint.matches('^(https?|grpc)://[^\\\\s/?#]+(/[^\\\\s]*)?$')",
    message = "spec.exporter.endpoint must be a URL with a scheme and a host, e.g. http://otel-collector.observability:4318"
        + " (http:// or https://; for gRPC, the port 4317 or spec.exporter.protocol: grpc)",
    fieldPath = ".endpoint")
@ValidationRule(value = "!has(self.endpoint) || !self.endpoint.startsWith('grpc://')",
    message = "spec.exporter.endpoint: the agents refuse grpc:// URLs; write http:// (or https://) and set"
        + " spec.exporter.protocol: grpc",
    fieldPath = ".endpoint")
public class Exporter {

  /**
   * OTLP endpoint URL (OTEL_EXPORTER_OTLP_ENDPOINT), e.g.
   * http://otel-collector.observability:4317 or, for a collector on the pod's node,
   * http://$(OTEL_NODE_IP):4317.
   */
  private String endpoint;

  /**
   * OTLP protocol (OTEL_EXPORTER_OTLP_PROTOCOL). Empty: grpc when the endpoint's port is 4317,
   * else http/protobuf.
   */
  private ExporterProtocol protocol;

  /** TLS material for the exporter, mounted from a Secret and/or a ConfigMap. */
  private Tls tls;

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public ExporterProtocol getProtocol() {
    return protocol;
  }

  public void setProtocol(ExporterProtocol protocol) {
    this.protocol = protocol;
  }

  public Tls getTls() {
    return tls;
  }

  public void setTls(Tls tls) {
    this.tls = tls;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Exporter other)) {
      return false;
    }
    return Objects.equals(endpoint, other.endpoint)
        && Objects.equals(protocol, other.protocol)
        && Objects.equals(tls, other.tls);
  }

  @Override
  public int hashCode() {
    return Objects.hash(endpoint, protocol, tls);
  }

  @Override
  public String toString() {
    return "Exporter{" + "endpoint=" + endpoint + ", protocol=" + protocol + ", tls=" + tls + "}";
  }
}
