package dev.instrumentor.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.operator.collector.TelemetryCollectorReconciler;
import dev.instrumentor.operator.runtime.InstrumentorOperator;
import dev.instrumentor.operator.runtime.OperatorHarness;
import dev.instrumentor.webhook.testing.TestTls;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class WatchedKindsTest {

  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void aWatchEventOfEveryWatchedKindReadsAsItsClass() {
    KubernetesSerialization serialization = WatchedKinds.registered();
    for (Class<? extends HasMetadata> kind : WatchedKinds.all()) {
      assertThat(event(serialization, HasMetadata.getApiVersion(kind), HasMetadata.getKind(kind)).getObject())
          .as(kind.getName()).isInstanceOf(kind);
    }
  }

  /** What ties the list to the operator: every watch the whole operator opens is of a kind on it. */
  @Test
  void everyKindTheOperatorWatchesIsOnTheList(@TempDir Path directory) throws Exception {
    Set<String> watched = new TreeSet<>();
    InstrumentorOperator operator = OperatorHarness.start(server, client, new TestTls(directory));
    try {
      // every informer the operator is known to start (the webhook's, the fleet view's, the collectors'
      // reconciler's): a watch of a kind missing from the list is caught if it opens by the time these have
      List<String> expected = new ArrayList<>(List.of(resource(Instrumentation.class),
          resource(TelemetryCollector.class), resource(Namespace.class), resource(Pod.class)));
      TelemetryCollectorReconciler.OWNED.forEach(kind -> expected.add(resource(kind)));
      // each watch follows its informer's list: wait until the expected ones have all been opened
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        OperatorHarness.drainRequests(server).stream().filter(request -> request.contains("watch=true"))
            .map(WatchedKindsTest::watchedResource).forEach(watched::add);
        return watched.containsAll(expected);
      });
    } finally {
      operator.close();
    }
    Set<String> listed = new TreeSet<>();
    WatchedKinds.all().forEach(kind -> listed.add(resource(kind)));
    assertThat(listed).as("WatchedKinds.all(), as group/version/plural").containsAll(watched);
  }

  /** {@code group/version/plural} ("" for the core group) of a watch request, "GET /apis/apps/v1/namespaces/x/...". */
  private static String watchedResource(String request) {
    String path = request.substring(request.indexOf(' ') + 1).replaceFirst("\\?.*", "");
    List<String> segments = new ArrayList<>(List.of(path.substring(1).split("/")));
    String group = segments.get(0).equals("api") ? "" : segments.remove(1);
    String version = segments.get(1);
    List<String> rest = segments.subList(2, segments.size());
    String plural = rest.size() > 2 && rest.get(0).equals("namespaces") ? rest.get(2) : rest.get(0);
    return group + "/" + version + "/" + plural;
  }

  private static String resource(Class<? extends HasMetadata> kind) {
    return Objects.toString(HasMetadata.getGroup(kind), "") + "/" + HasMetadata.getVersion(kind) + "/"
        + HasMetadata.getPlural(kind);
  }

  private static WatchEvent event(KubernetesSerialization serialization, String apiVersion, String kind) {
    return serialization.unmarshal("{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"" + apiVersion
        + "\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"n\",\"namespace\":\"ns\"}}}", WatchEvent.class);
  }
}
