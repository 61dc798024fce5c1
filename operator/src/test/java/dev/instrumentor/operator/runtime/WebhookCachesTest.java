package dev.instrumentor.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationStatus;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the admission path reads from the informer caches. */
@EnableKubernetesMockClient(crud = true)
class WebhookCachesTest {

  KubernetesClient client;

  /**
   * A namespace's only Instrumentation is found while the leader rewrites its status, as during a storm of pods
   * (the fleet view's counts): AdmissionStormBenchmark saw a pod admitted "no Instrumentation in namespace" while
   * the cache took an update.
   */
  @Test
  void anInstrumentationBeingUpdatedIsNeverMissing() throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      Instrumentation instrumentation = Fixtures.instrumentation("shop", "java", "http://collector:4318");
      instrumentation.getMetadata().setGeneration(null);
      client.resource(instrumentation).create();
      WebhookCaches caches = WebhookCaches.start(client, Set.of()).awaitSynced(30);
      InstrumentationSource source = caches.instrumentationSource();
      await().atMost(Duration.ofSeconds(10)).until(() -> source.list("shop").size() == 1);

      AtomicLong reads = new AtomicLong();
      AtomicInteger missing = new AtomicInteger();
      Thread reader = new Thread(() -> {
        while (writing.get()) {
          reads.incrementAndGet();
          if (source.list("shop").isEmpty()) {
            missing.incrementAndGet();
          }
        }
      });
      reader.start();
      int updates = 200;
      for (int i = 0; i < updates; i++) {
        Instrumentation current = client.resources(Instrumentation.class).inNamespace("shop").withName("java").get();
        InstrumentationStatus status = new InstrumentationStatus();
        status.setInjected(i);
        current.setStatus(status);
        client.resource(current).updateStatus();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        Instrumentation cached = source.get("shop", "java").orElseThrow();
        return cached.getStatus() != null && cached.getStatus().getInjected() == updates - 1;
      });
      writing.set(false);
      reader.join();
      caches.close();
      assertThat(missing.get()).as("reads (of %d) that found no Instrumentation in its namespace", reads.get())
          .isZero();
    } finally {
      writing.set(false);
    }
  }
}
