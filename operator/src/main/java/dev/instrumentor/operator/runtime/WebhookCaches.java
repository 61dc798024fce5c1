package dev.instrumentor.operator.runtime;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.RolledBackWorkload;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.operator.kube.OnAnyChange;
import dev.instrumentor.webhook.admission.NamespaceAnnotations;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.sidecar.CollectorSource;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The caches the admission path reads: Instrumentations, TelemetryCollectors and Namespaces, kept by
 * informers on every replica (leader or not), so admission never calls the API server.
 */
public final class WebhookCaches implements AutoCloseable {

  private final List<SharedIndexInformer<Instrumentation>> instrumentations = new ArrayList<>();
  private final List<SharedIndexInformer<TelemetryCollector>> collectors = new ArrayList<>();
  private final SharedIndexInformer<Namespace> namespaces;
  /** Changes seen to Instrumentations: the selecting ones are listed again only after one. */
  private final AtomicLong instrumentationChanges = new AtomicLong();
  private volatile Selecting selecting = new Selecting(-1, List.of());

  /** The Instrumentations with a spec.selector, as of {@code version} changes. */
  private record Selecting(long version, List<Instrumentation> instrumentations) {
  }

  private WebhookCaches(KubernetesClient client, Set<String> watchNamespaces) {
    if (watchNamespaces.isEmpty()) {
      instrumentations.add(client.resources(Instrumentation.class).inAnyNamespace().runnableInformer(0));
      collectors.add(client.resources(TelemetryCollector.class).inAnyNamespace().runnableInformer(0));
    } else {
      for (String namespace : watchNamespaces) {
        instrumentations.add(client.resources(Instrumentation.class).inNamespace(namespace).runnableInformer(0));
        collectors.add(client.resources(TelemetryCollector.class).inNamespace(namespace).runnableInformer(0));
      }
    }
    namespaces = client.namespaces().runnableInformer(0);
    // every admission asks which Instrumentations select: they are listed again only when one changed
    instrumentations.forEach(informer -> informer.addEventHandler(
        new OnAnyChange<>(instrumentationChanges::incrementAndGet)));
  }

  /** The Instrumentations with a spec.selector, listed again only after an Instrumentation changed. */
  private List<Instrumentation> selecting() {
    long version = instrumentationChanges.get();
    Selecting cached = selecting;
    if (cached.version() == version) {
      return cached.instrumentations();
    }
    List<Instrumentation> result = new ArrayList<>(0);
    instrumentations.forEach(informer -> informer.getStore().list().stream().filter(InstrumentationSource::selects)
        .forEach(result::add));
    // a change during the listing moved the version on: the next admission lists again (the store is updated a
    // moment before its handlers run, so a new selector is seen within that moment)
    List<Instrumentation> listed = List.copyOf(result);
    selecting = new Selecting(version, listed);
    return listed;
  }

  /** The number of objects each cache holds, per kind: read when metrics are collected. */
  Map<String, LongSupplier> sizes() {
    return Map.of(
        "Instrumentation", () -> instrumentations.stream().mapToLong(informer -> informer.getStore().list().size()).sum(),
        "TelemetryCollector", () -> collectors.stream().mapToLong(informer -> informer.getStore().list().size()).sum(),
        "Namespace", () -> namespaces.getStore().list().size());
  }

  /** A custom resource's conditions, as the API server has them. */
  public record ResourceConditions(String kind, String namespace, String name,
      List<Condition> conditions) {
  }

  /** The conditions of every Instrumentation and TelemetryCollector cached: read when metrics are collected. */
  List<ResourceConditions> conditions() {
    List<ResourceConditions> result = new ArrayList<>();
    instrumentations.forEach(informer -> informer.getStore().list().forEach(i -> result.add(new ResourceConditions(
        "Instrumentation", i.getMetadata().getNamespace(), i.getMetadata().getName(),
        i.getStatus() == null || i.getStatus().getConditions() == null ? List.of() : i.getStatus().getConditions()))));
    collectors.forEach(informer -> informer.getStore().list().forEach(c -> result.add(new ResourceConditions(
        "TelemetryCollector", c.getMetadata().getNamespace(), c.getMetadata().getName(),
        c.getStatus() == null || c.getStatus().getConditions() == null ? List.of() : c.getStatus().getConditions()))));
    return result;
  }

  /** A workload an Instrumentation ({@code namespace/name}) rolled back. */
  public record RolledBack(String instrumentation, RolledBackWorkload workload) {
  }

  /** The workloads rolled back by every Instrumentation cached, at its current generation: read when metrics are collected. */
  List<RolledBack> rolledBack() {
    List<RolledBack> result = new ArrayList<>();
    instrumentations.forEach(informer -> informer.getStore().list().forEach(i -> {
      if (i.getStatus() != null && i.getStatus().getRollbacks() != null) {
        i.getStatus().getRollbacks().stream().filter(r -> java.util.Objects.equals(r.getGeneration(), i.getMetadata().getGeneration()))
            .forEach(r -> result.add(new RolledBack(i.getMetadata().getNamespace() + "/" + i.getMetadata().getName(), r)));
      }
    }));
    return result;
  }

  private final List<CompletableFuture<?>> started = new ArrayList<>();

  /** Starts the informers; {@link #awaitSynced} waits for their first list. */
  public static WebhookCaches start(KubernetesClient client, Set<String> watchNamespaces) {
    WebhookCaches caches = new WebhookCaches(client, watchNamespaces);
    caches.all().forEach(informer -> caches.started.add(informer.start().toCompletableFuture()));
    return caches;
  }

  /** Waits up to {@code timeoutSeconds} for every informer's first list. */
  public WebhookCaches awaitSynced(long timeoutSeconds) {
    try {
      CompletableFuture.allOf(started.toArray(CompletableFuture<?>[]::new)).get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      close();
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof KubernetesClientException k && k.getCode() == 404) {
          throw new IllegalStateException("the Instrumentor CRDs are not installed in this cluster:"
              + " kubectl apply --server-side -f crds/", e);
        }
        if (cause instanceof KubernetesClientException k && k.getCode() == 403) {
          throw new IllegalStateException("not allowed to list and watch Instrumentations, TelemetryCollectors"
              + " and Namespaces: check the operator's RBAC (" + k.getMessage() + ")", e);
        }
      }
      throw new IllegalStateException("the webhook caches did not sync: " + e.getMessage(), e);
    }
    return this;
  }

  private List<SharedIndexInformer<? extends HasMetadata>> all() {
    List<SharedIndexInformer<? extends HasMetadata>> all = new ArrayList<>(instrumentations);
    all.addAll(collectors);
    all.add(namespaces);
    return all;
  }

  /** Whether every informer has synced and is watching. */
  public boolean synced() {
    return all().stream().allMatch(i -> i.hasSynced() && i.isRunning());
  }

  public InstrumentationSource instrumentationSource() {
    return new InstrumentationSource() {
      @Override
      public List<Instrumentation> list(String namespace) {
        return byNamespace(instrumentations, namespace);
      }

      @Override
      public List<Instrumentation> selecting() {
        return WebhookCaches.this.selecting();
      }

      @Override
      public Optional<Instrumentation> get(String namespace, String name) {
        return byKey(instrumentations, namespace, name);
      }
    };
  }

  public CollectorSource collectorSource() {
    return new CollectorSource() {
      @Override
      public List<TelemetryCollector> sidecars(String namespace) {
        return byNamespace(collectors, namespace).stream().filter(CollectorSource::isSidecar).toList();
      }

      @Override
      public Optional<TelemetryCollector> get(String namespace, String name) {
        return byKey(collectors, namespace, name);
      }
    };
  }

  public NamespaceAnnotations namespaceAnnotations() {
    return new NamespaceAnnotations() {
      @Override
      public Map<String, String> of(String namespace) {
        Namespace found = namespaces.getStore().getByKey(namespace);
        Map<String, String> annotations = found == null ? null : found.getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
      }

      @Override
      public Map<String, String> labels(String namespace) {
        Namespace found = namespaces.getStore().getByKey(namespace);
        Map<String, String> labels = found == null ? null : found.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
      }
    };
  }

  /**
   * The objects of {@code namespace}, read from each store rather than its namespace index: fabric8 updates an index
   * entry by removing the key and adding it back, and {@code byIndex} takes no lock, so a read in between finds none
   * (fabric8io/kubernetes-client#7265). During a storm of pods the leader rewrites the Instrumentation's status many
   * times a second, and a pod now and then was admitted "no Instrumentation in namespace" (AdmissionStormBenchmark);
   * the store replaces an object in one put.
   */
  private static <T extends HasMetadata> List<T> byNamespace(List<SharedIndexInformer<T>> informers, String namespace) {
    List<T> found = new ArrayList<>();
    for (SharedIndexInformer<T> informer : informers) {
      for (T object : informer.getStore().list()) {
        if (namespace.equals(object.getMetadata().getNamespace())) {
          found.add(object);
        }
      }
    }
    found.sort(Comparator.comparing(r -> r.getMetadata().getName()));
    return found;
  }

  private static <T extends HasMetadata> Optional<T> byKey(List<SharedIndexInformer<T>> informers, String namespace,
      String name) {
    String key = Cache.namespaceKeyFunc(namespace, name);
    for (SharedIndexInformer<T> informer : informers) {
      T found = informer.getStore().getByKey(key);
      if (found != null) {
        return Optional.of(found);
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    all().forEach(SharedIndexInformer::close);
  }
}
