package dev.instrumentor.operator.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.v1alpha1.CollectorMode;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import dev.instrumentor.webhook.mutation.AgentImages;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.testing.TestTls;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Starts the whole operator process in-process against a fabric8 mock API server in CRUD mode. */
public final class OperatorHarness {

  private OperatorHarness() {
  }

  public static OperatorConfig config(TestTls tls, boolean localWebhook) {
    return config(tls, localWebhook, 0);
  }

  /** With /healthz, /readyz and /metrics on {@code metricsPort} (0: any free port). */
  public static OperatorConfig config(TestTls tls, boolean localWebhook, int metricsPort) {
    return new OperatorConfig(Set.of(), "instrumentor-system", "test-replica", false, "instrumentor-operator",
        "127.0.0.1", 0, localWebhook ? null : tls.certificateFile, localWebhook ? null : tls.keyFile, localWebhook,
        "127.0.0.1", false, AgentImages.DEFAULTS, InjectorSettings.DEFAULT_COLLECTOR_IMAGE,
        InjectorSettings.DEFAULT_RUN_AS_USER, "127.0.0.1", metricsPort, "text", "INFO", null);
  }

  public static InstrumentorOperator start(KubernetesClient client, Path directory, boolean localWebhook) throws Exception {
    return new InstrumentorOperator(config(new TestTls(directory), localWebhook), client, Clock.systemUTC()).start();
  }

  /** A minimal valid collector config: OTLP in, batch, debug out. */
  public static final String DEBUG_CONFIG = """
      receivers:
        otlp:
          protocols: {grpc: {}, http: {}}
      processors: {batch: {}}
      exporters: {debug: {}}
      service:
        pipelines:
          traces: {receivers: [otlp], processors: [batch], exporters: [debug]}
      """;

  /** The operator as a 1.31 API server runs it (collectors injected as native sidecars), webhook over TLS. */
  public static InstrumentorOperator start(KubernetesMockServer server, KubernetesClient client, TestTls tls)
      throws Exception {
    server.setVersionInfo(new VersionInfo.Builder().withMajor("1").withMinor("31").build());
    return new InstrumentorOperator(config(tls, false), client, Clock.systemUTC()).start();
  }

  /** A TelemetryCollector {@code namespace/name} in {@code mode} (2 replicas for a Deployment) with {@code config}. */
  public static TelemetryCollector collector(String namespace, String name, CollectorMode mode, String config) {
    TelemetryCollector collector = new TelemetryCollector();
    collector.getMetadata().setName(name);
    collector.getMetadata().setNamespace(namespace);
    TelemetryCollectorSpec spec = new TelemetryCollectorSpec();
    spec.setMode(mode);
    spec.setReplicas(mode == CollectorMode.DEPLOYMENT ? 2 : null);
    spec.setConfig(new KubernetesSerialization().unmarshal(config, JsonNode.class));
    collector.setSpec(spec);
    return collector;
  }

  /** Takes every request the mock server recorded since the last call: "METHOD path". */
  public static List<String> drainRequests(KubernetesMockServer server) throws InterruptedException {
    List<String> requests = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      requests.add(request.getMethod() + " " + request.getPath());
    }
    return requests;
  }
}
