package dev.instrumentor.operator.runtime;

import dev.instrumentor.webhook.mutation.AgentImages;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.testing.TestTls;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
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
    return new OperatorConfig(Set.of(), "instrumentor-system", "test-replica", false, "instrumentor-operator",
        "127.0.0.1", 0, localWebhook ? null : tls.certificateFile, localWebhook ? null : tls.keyFile, localWebhook,
        "127.0.0.1", false, AgentImages.DEFAULTS, InjectorSettings.DEFAULT_COLLECTOR_IMAGE,
        InjectorSettings.DEFAULT_RUN_AS_USER, "127.0.0.1", 0, "text", "INFO", null);
  }

  public static InstrumentorOperator start(KubernetesClient client, Path directory, boolean localWebhook) throws Exception {
    return new InstrumentorOperator(config(new TestTls(directory), localWebhook), client, Clock.systemUTC()).start();
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
