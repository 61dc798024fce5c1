package dev.instrumentor.operator.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.Observability;
import dev.instrumentor.api.v1alpha1.ObservabilityMetrics;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import dev.instrumentor.operator.kube.ResourceApplier;
import dev.instrumentor.operator.runtime.OperatorHarness;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a collector's ServiceMonitor comes to, request by request, against a mock API server that serves the
 * Prometheus Operator's API or not.
 */
@EnableKubernetesMockClient
class ServiceMonitorsTest {

  private static final String DISCOVERY = "/apis/monitoring.coreos.com/v1";
  private static final String MONITORS = "/apis/monitoring.coreos.com/v1/namespaces/observability/servicemonitors";

  KubernetesClient client;
  KubernetesMockServer server;

  private final MutableClock clock = new MutableClock();
  private ServiceMonitors monitors;
  private ResourceApplier applier;
  private TelemetryCollector collector;

  @BeforeEach
  void setUp() throws Exception {
    monitors = new ServiceMonitors(clock);
    applier = new ResourceApplier(client, false);
    collector = new TelemetryCollector();
    collector.getMetadata().setName("gateway");
    collector.getMetadata().setNamespace("observability");
    collector.getMetadata().setUid("uid-gateway");
    TelemetryCollectorSpec spec = new TelemetryCollectorSpec();
    Observability observability = new Observability();
    ObservabilityMetrics metrics = new ObservabilityMetrics();
    metrics.setEnableMetrics(true);
    observability.setMetrics(metrics);
    spec.setObservability(observability);
    collector.setSpec(spec);
    OperatorHarness.drainRequests(server);
  }

  private void served() {
    server.expect().get().withPath(DISCOVERY).andReturn(200, new APIResourceListBuilder().withGroupVersion(
        "monitoring.coreos.com/v1").withResources(new APIResourceBuilder().withKind("ServiceMonitor")
        .withName("servicemonitors").withNamespaced(true).build()).build()).always();
  }

  private GenericKubernetesResource existing(String ownerUid) {
    GenericKubernetesResource monitor = CollectorManifests.serviceMonitor(collector);
    if (!ownerUid.equals(collector.getMetadata().getUid())) {
      monitor.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withUid(ownerUid)
          .withName("someone").withKind("TelemetryCollector").build()));
    }
    monitor.getMetadata().setResourceVersion("7");
    return monitor;
  }

  @Test
  void withoutThePrometheusOperatorNothingIsWrittenAndTheApiIsAskedAgainNextTime() throws Exception {
    server.expect().get().withPath(DISCOVERY).andReturn(404, "").always();

    assertThat(reconcile(CollectorManifests.serviceMonitor(collector), false)).isEqualTo(ServiceMonitors.MISSING);
    assertThat(reconcile(CollectorManifests.serviceMonitor(collector), false)).isEqualTo(ServiceMonitors.MISSING);

    // a no is not kept: installing the Prometheus Operator later is noticed without a restart
    assertThat(OperatorHarness.drainRequests(server)).containsExactly("GET " + DISCOVERY, "GET " + DISCOVERY);
  }

  @Test
  void oursIsCreatedAndDiscoveryIsKeptAMinute() throws Exception {
    served();
    server.expect().get().withPath(MONITORS + "/gateway-collector").andReturn(404, "").once();
    server.expect().post().withPath(MONITORS).andReturn(201, existing("uid-gateway")).once();
    // then it is there, as asked for: nothing more is written
    server.expect().get().withPath(MONITORS + "/gateway-collector").andReturn(200, existing("uid-gateway")).always();

    assertThat(reconcile(CollectorManifests.serviceMonitor(collector), false)).isEqualTo(ServiceMonitors.IN_PLACE);
    assertThat(OperatorHarness.drainRequests(server)).containsExactly("GET " + DISCOVERY,
        "GET " + MONITORS + "/gateway-collector", "POST " + MONITORS);

    clock.advance(Duration.ofSeconds(59));
    assertThat(reconcile(CollectorManifests.serviceMonitor(collector), true)).isEqualTo(ServiceMonitors.IN_PLACE);
    assertThat(OperatorHarness.drainRequests(server)).containsExactly("GET " + MONITORS + "/gateway-collector");
    clock.advance(Duration.ofSeconds(2));
    reconcile(CollectorManifests.serviceMonitor(collector), true);
    assertThat(OperatorHarness.drainRequests(server)).containsExactly("GET " + DISCOVERY,
        "GET " + MONITORS + "/gateway-collector");
  }

  @Test
  void oneOfThatNameThatIsNotOursIsLeftAlone() throws Exception {
    served();
    server.expect().get().withPath(MONITORS + "/gateway-collector").andReturn(200, existing("uid-of-another")).always();

    assertThat(reconcile(CollectorManifests.serviceMonitor(collector), false)).isEqualTo("NameTaken");
    assertThat(OperatorHarness.drainRequests(server)).allMatch(request -> request.startsWith("GET "));
  }

  @Test
  void oursIsDeletedOnceNoLongerAskedForAndAForeignOneIsNot() throws Exception {
    served();
    server.expect().get().withPath(MONITORS + "/gateway-collector").andReturn(200, existing("uid-gateway")).once();
    server.expect().delete().withPath(MONITORS + "/gateway-collector").andReturn(200, existing("uid-gateway")).once();

    assertThat(reconcile(null, true)).isEqualTo("NotApplicable");
    assertThat(OperatorHarness.drainRequests(server)).contains("DELETE " + MONITORS + "/gateway-collector");

    server.expect().get().withPath(MONITORS + "/gateway-collector").andReturn(200, existing("uid-of-another")).once();
    reconcile(null, true);
    assertThat(OperatorHarness.drainRequests(server)).noneMatch(request -> request.startsWith("DELETE"));
  }

  @Test
  void aCollectorThatNeverHadOneAndAsksForNoneCostsNoRequest() throws Exception {
    collector.getSpec().getObservability().getMetrics().setEnableMetrics(false);

    assertThat(reconcile(null, false)).isEqualTo("NotAsked");
    assertThat(OperatorHarness.drainRequests(server)).isEmpty();
  }

  private String reconcile(GenericKubernetesResource desired, boolean hadMonitor) {
    return monitors.reconcile(client, applier, collector, desired, hadMonitor);
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-02T12:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
