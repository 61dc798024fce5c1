package dev.instrumentor.e2e.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * An OTLP/gRPC receiver on a given loopback port, without generated stubs: the Export methods take
 * raw bytes, decoded with opentelemetry-proto.
 */
public final class OtlpGrpcReceiver extends OtlpCollector implements AutoCloseable {

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private final Server server;

  public OtlpGrpcReceiver(int port) throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(service("opentelemetry.proto.collector.trace.v1.TraceService", true))
        .addService(service("opentelemetry.proto.collector.metrics.v1.MetricsService", false))
        .addService(service("opentelemetry.proto.collector.logs.v1.LogsService", false))
        .build().start();
  }

  private ServerServiceDefinition service(String name, boolean traces) {
    MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(name, "Export"))
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    return ServerServiceDefinition.builder(name)
        .addMethod(export, ServerCalls.asyncUnaryCall((request, response) -> {
          if (traces) {
            try {
              accept(ExportTraceServiceRequest.parseFrom(request));
            } catch (InvalidProtocolBufferException e) {
              response.onError(e);
              return;
            }
          }
          response.onNext(new byte[0]); // an empty Export*ServiceResponse
          response.onCompleted();
        }))
        .build();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
