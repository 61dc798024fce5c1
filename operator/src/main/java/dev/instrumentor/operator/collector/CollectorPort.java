package dev.instrumentor.operator.collector;

/**
 * A port the collector listens on.
 *
 * @param name        the Service/container port name (a DNS label of at most 15 characters)
 * @param port        the port number
 * @param protocol    TCP or UDP
 * @param appProtocol grpc, http, or null
 * @param component   the component it comes from, e.g. {@code receivers.otlp}, or {@code spec.ports}
 */
public record CollectorPort(String name, int port, String protocol, String appProtocol, String component) {
}
