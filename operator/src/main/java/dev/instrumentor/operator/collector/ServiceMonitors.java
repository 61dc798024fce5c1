package dev.instrumentor.operator.collector;

import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.operator.kube.ResourceApplier;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collector's ServiceMonitor, where the Prometheus Operator's API is served: applied when asked for (one of
 * that name that is not ours is left alone), deleted when no longer asked for. The API may be absent or
 * installed later, so there is no cache: whether it is served is asked at most once a minute, and only for
 * a collector that wants or had a ServiceMonitor; the object is read by name.
 */
final class ServiceMonitors {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceMonitors.class);
  /** How long a yes from discovery is kept; a collector that found no API is reconciled again after it. */
  static final Duration DISCOVERY_TTL = Duration.ofMinutes(1);
  /** The Observability reason when the API is not served. */
  static final String MISSING = "PrometheusOperatorMissing";
  /** The Observability reason when ours is in place. */
  static final String IN_PLACE = "ServiceMonitor";
  /** The Observability reason when one of that name is not ours. */
  static final String TAKEN = "NameTaken";
  /** The Observability reason when the collector's metrics are not asked for. */
  static final String NOT_ASKED = "NotAsked";
  /** The Observability reason when there is nothing to scrape (a sidecar). */
  static final String NOT_APPLICABLE = "NotApplicable";

  /** Named in full, so reading one asks no discovery of the client. */
  private static final ResourceDefinitionContext API = new ResourceDefinitionContext.Builder()
      .withGroup("monitoring.coreos.com").withVersion("v1").withKind("ServiceMonitor").withPlural("servicemonitors")
      .withNamespaced(true).build();

  private final Clock clock;
  private volatile Instant discoveredAt = Instant.MIN;
  private volatile boolean discovered;

  ServiceMonitors(Clock clock) {
    this.clock = clock;
  }

  /**
   * Makes the collector's ServiceMonitor what {@code desired} says (null: none) and says what was found, the
   * Observability condition's reason: {@link #NOT_ASKED}, {@link #NOT_APPLICABLE}, {@link #MISSING},
   * {@link #TAKEN} or {@link #IN_PLACE}.
   *
   * @param hadMonitor whether the collector's status says it had one (it may have to be deleted)
   */
  String reconcile(KubernetesClient client, ResourceApplier applier, TelemetryCollector collector,
      GenericKubernetesResource desired, boolean hadMonitor) {
    boolean wanted = desired != null;
    // the API is asked about only for a collector that wants or had a ServiceMonitor
    boolean served = (wanted || hadMonitor) && served(client);
    boolean taken = false;
    if (served && wanted) {
      GenericKubernetesResource existing = existing(client, collector);
      if (existing == null || ownedBy(existing, collector)) {
        applier.apply(API, desired, existing);
      } else {
        taken = true;
      }
    }
    if (served && hadMonitor && !wanted) {
      GenericKubernetesResource stale = existing(client, collector);
      if (stale != null && ownedBy(stale, collector)) {
        LOG.info("deleting ServiceMonitor {}: no longer asked for", stale.getMetadata().getName());
        client.genericKubernetesResources(API).inNamespace(stale.getMetadata().getNamespace())
            .withName(stale.getMetadata().getName()).delete();
      }
    }
    return !CollectorManifests.enableMetrics(collector.getSpec()) ? NOT_ASKED : !wanted ? NOT_APPLICABLE
        : !served ? MISSING : taken ? TAKEN : IN_PLACE;
  }

  /**
   * Whether the API server serves monitoring.coreos.com/v1 ServiceMonitors (the Prometheus Operator is
   * installed). A yes is kept a minute; a no is asked again (a collector asking for a ServiceMonitor without
   * the Prometheus Operator is retried a minute later, so installing it later is noticed without a restart).
   */
  private boolean served(KubernetesClient client) {
    Instant now = clock.instant();
    if (!discovered || now.isAfter(discoveredAt.plus(DISCOVERY_TTL))) {
      try {
        var resources = client.getApiResources(CollectorManifests.SERVICE_MONITOR_API_VERSION);
        discovered = resources != null && resources.getResources().stream()
            .anyMatch(resource -> "ServiceMonitor".equals(resource.getKind()));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        discovered = false;
      }
      discoveredAt = now;
    }
    return discovered;
  }

  private static GenericKubernetesResource existing(KubernetesClient client, TelemetryCollector collector) {
    return client.genericKubernetesResources(API).inNamespace(collector.getMetadata().getNamespace()).withName(CollectorManifests.name(collector)).get();
  }

  private static boolean ownedBy(HasMetadata object, TelemetryCollector collector) {
    return object.getMetadata().getOwnerReferences() != null && object.getMetadata().getOwnerReferences().stream()
        .anyMatch(owner -> Objects.equals(owner.getUid(), collector.getMetadata().getUid()));
  }
}
