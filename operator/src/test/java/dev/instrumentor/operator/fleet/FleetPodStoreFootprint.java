package dev.instrumentor.operator.fleet;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Not a test: the retained heap per pod of the fleet view's pod cache, JOSDK's {@code TransformingItemStore} over
 * {@link Fleet#slim} (before) against {@link FleetPodStore} (after). Columns: the store alone; inside fabric8's
 * {@code CacheImpl} with its namespace index (as the informer holds it); the same after every pod was updated once
 * (a new resourceVersion); a copy of JOSDK's primary-to-secondary index of the pods (kept before; the reconciler's
 * inverse mapper spares it now); what the informer holds in all; shapes and the parts they share. Then what a read
 * of every pod costs. A made-up cluster of {@code pods} pods (default 100,000) in 40 namespaces: ten DaemonSets on
 * 1,000 nodes, then Deployments (1 to 50 replicas, 10 on average), StatefulSets, Jobs and bare pods; 60 % of the
 * workloads ask for an agent and carry the webhook's outcome, 1 % of the pods are in trouble, 0.2 % terminating.
 * Heap used after full collections with the serial collector; run it alone on the machine:
 *
 * <pre>
 * ./mvnw -B -q -pl operator -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -XX:+UseSerialGC -Xmx1g -cp operator/target/test-classes:operator/target/classes:$(cat /tmp/cp.txt) \
 *     dev.instrumentor.operator.fleet.FleetPodStoreFootprint 100000 [few]
 * </pre>
 */
public final class FleetPodStoreFootprint {

  private static final String[] KINDS = {"Deployment", "Deployment", "Deployment", "Deployment", "Deployment",
      "Deployment", "Deployment", "Deployment", "StatefulSet", "Job", "Job", "Pod"};
  private static final int[] REPLICAS = {1, 2, 2, 3, 3, 3, 5, 8, 12, 20, 50};
  /** Few replicas: more shapes for as many pods. */
  private static final int[] FEW_REPLICAS = {1, 1, 2, 2, 3, 3, 5};
  private static final String[] LANGUAGES = {"java", "java", "java", "python", "nodejs", "dotnet"};
  private static final int NAMESPACES = 40;
  private static final int NODES = 1000;
  private static final int DAEMON_SETS = 10;

  private FleetPodStoreFootprint() {
  }

  /** One kind of workload and the pods it makes, with fresh strings each (as JSON decoding makes them). */
  private record Workload(String kind, String namespace, String name, String hash, String uid, String language,
      int generation, int replicas) {
  }

  /** Arguments: the number of pods (100000), {@code few} for Deployments and StatefulSets of 1 to 5 replicas. */
  public static void main(String[] args) throws InterruptedException {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    List<Workload> cluster = cluster(count, args.length > 1 && args[1].equals("few") ? FEW_REPLICAS : REPLICAS,
        new Random(42));
    System.out.printf("%d pods, %d workloads, %d namespaces; bytes per pod:%n", count, cluster.size(), NAMESPACES);
    Map<String, Supplier<ItemStore<Pod>>> stores = new LinkedHashMap<>();
    stores.put("TransformingItemStore(Fleet::slim)", () -> new TransformingItemStore<>(Fleet::slim));
    stores.put("FleetPodStore", FleetPodStore::new);
    // warm-up: classes, Jackson's and fabric8's static caches are allocated before the first measurement
    stores.values().forEach(store -> fill(cluster, 2000, new CacheImpl<>(), store.get(), null));
    System.out.printf("%-36s %6s %9s %9s %6s %9s %15s%n", "", "store", "+ns index", "+updates", "+p2s", "informer",
        "shapes/shared");
    for (Map.Entry<String, Supplier<ItemStore<Pod>>> store : stores.entrySet()) {
      footprint(store.getKey(), store.getValue(), cluster, count);
    }
    for (Map.Entry<String, Supplier<ItemStore<Pod>>> store : stores.entrySet()) {
      reads(store.getKey(), store.getValue().get(), cluster, count);
    }
  }

  private static void footprint(String name, Supplier<ItemStore<Pod>> stores, List<Workload> cluster, int count)
      throws InterruptedException {
    long empty = used();
    ItemStore<Pod> alone = stores.get();
    fill(cluster, count, null, alone, null);
    double storeAlone = (used() - empty) / (double) count;
    String shapes = alone instanceof FleetPodStore compact ? compact.shapes() + " / " + compact.shared() : "";
    alone = null;
    empty = used();
    CacheImpl<Pod> cache = new CacheImpl<>();
    ItemStore<Pod> store = stores.get();
    Map<ResourceID, Set<ResourceID>> p2s = new HashMap<>();
    fill(cluster, count, cache, store, p2s);
    long withIndexes = used();
    p2s = null;
    long withCache = used();
    fill(cluster, count, cache, store, null); // every pod updated once: a new resourceVersion
    long updated = used();
    // before, JOSDK kept its primary-to-secondary index of the pods; the reconciler's inverse mapper spares it now
    double p2sIndex = (withIndexes - withCache) / (double) count;
    double informer = (updated - empty) / (double) count + (store instanceof FleetPodStore ? 0 : p2sIndex);
    System.out.printf("%-36s %6.0f %9.0f %9.0f %6.0f %9.0f %15s%n", name, storeAlone,
        (withCache - empty) / (double) count, (updated - empty) / (double) count, p2sIndex, informer, shapes);
    if (cache.list().size() != count) {
      throw new IllegalStateException("lost pods");
    }
  }

  /** What reading every pod costs: a pass over the store's values, a list of them all held, a fleet view. */
  private static void reads(String name, ItemStore<Pod> store, List<Workload> cluster, int count)
      throws InterruptedException {
    fill(cluster, count, null, store, null);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long best = Long.MAX_VALUE;
    long allocated = 0;
    for (int run = 0; run < 10; run++) {
      long bytes = threads.getCurrentThreadAllocatedBytes();
      long start = System.nanoTime();
      long names = store.values().mapToLong(pod -> pod.getMetadata().getName().length()).sum();
      best = Math.min(best, System.nanoTime() - start);
      allocated = threads.getCurrentThreadAllocatedBytes() - bytes;
      if (names == 0) {
        throw new IllegalStateException();
      }
    }
    long before = used();
    List<Pod> all = store.values().toList();
    all.forEach(store::getKey);
    long held = used() - before;
    InstrumentationSource source = InstrumentationSource.of(instrumentations());
    long view = Long.MAX_VALUE;
    for (int run = 0; run < 5; run++) {
      long start = System.nanoTime();
      Fleet.view(source.list("team-07").get(0), store.values()::iterator, namespace -> null, source);
      view = Math.min(view, System.nanoTime() - start);
    }
    System.out.printf("%-36s every pod read: %6.1f ms, %5.0f bytes allocated a pod; all held in a list (an informer's relist, keys read): %5.0f bytes a"
        + " pod; a fleet view: %6.1f ms%n", name, best / 1e6, allocated / (double) count, held / (double) all.size(),
        view / 1e6);
  }

  private static void fill(List<Workload> cluster, int count, CacheImpl<Pod> cache, ItemStore<Pod> store,
      Map<ResourceID, Set<ResourceID>> p2s) {
    if (cache != null && cache.listKeys().isEmpty()) {
      cache.setItemStore(store);
    }
    InstrumentationSource source = InstrumentationSource.of(instrumentations());
    Random random = new Random(7);
    int made = 0;
    for (Workload workload : cluster) {
      for (int i = 0; i < workload.replicas() && made < count; i++, made++) {
        Pod pod = pod(workload, i, random);
        if (cache == null) {
          store.put(store.getKey(pod), pod);
        } else {
          cache.put(pod);
        }
        if (p2s != null) {
          // JOSDK's DefaultPrimaryToSecondaryIndex, fed as InformerEventSource.onAdd feeds it
          for (ResourceID primary : primaries(pod, source)) {
            p2s.computeIfAbsent(primary, id -> ConcurrentHashMap.newKeySet()).add(ResourceID.fromResource(pod));
          }
        }
      }
    }
  }

  /** The reconciler's secondary-to-primary mapper. */
  private static Set<ResourceID> primaries(Pod pod, InstrumentationSource source) {
    Set<ResourceID> targets = new HashSet<>();
    for (Fleet.Ask ask : Fleet.asks(pod, null, source)) {
      if (ask.instrumentation() != null) {
        String key = ask.instrumentation();
        targets.add(new ResourceID(key.substring(key.indexOf('/') + 1), key.substring(0, key.indexOf('/'))));
      } else {
        source.list(pod.getMetadata().getNamespace()).forEach(i -> targets.add(ResourceID.fromResource(i)));
      }
    }
    return targets;
  }

  private static List<Instrumentation> instrumentations() {
    List<Instrumentation> result = new ArrayList<>();
    for (int n = 0; n < NAMESPACES; n++) {
      Instrumentation instrumentation = new Instrumentation();
      instrumentation.getMetadata().setNamespace(namespace(n));
      instrumentation.getMetadata().setName("agents");
      instrumentation.getMetadata().setGeneration(3L);
      result.add(instrumentation);
    }
    return result;
  }

  private static String namespace(int n) {
    return String.format("team-%02d", n);
  }

  private static List<Workload> cluster(int count, int[] replicaCounts, Random random) {
    List<Workload> cluster = new ArrayList<>();
    for (int pods = 0, w = 0; pods < count; w++) {
      // a DaemonSet's pod on every node: ten of them (a tenth of the pods), the other workloads after them
      String kind = w < DAEMON_SETS ? "DaemonSet" : KINDS[random.nextInt(KINDS.length)];
      int replicas = switch (kind) {
        case "Deployment", "StatefulSet" -> replicaCounts[random.nextInt(replicaCounts.length)];
        case "DaemonSet" -> NODES;
        default -> 1;
      };
      String language = random.nextInt(10) < 6 ? LANGUAGES[random.nextInt(LANGUAGES.length)] : null;
      cluster.add(new Workload(kind, namespace(random.nextInt(NAMESPACES)), "service-" + w + "-" + word(random, 6),
          hash(random), UUID.randomUUID().toString(), language,
          random.nextInt(10) < 8 ? 3 : 2, replicas));
      pods += replicas;
    }
    return cluster;
  }

  /** As Kubernetes spells a template hash: 9 or 10 of its safe characters. */
  private static String hash(Random random) {
    String safe = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder hash = new StringBuilder();
    for (int i = 9 + random.nextInt(2); i > 0; i--) {
      hash.append(safe.charAt(random.nextInt(safe.length())));
    }
    return hash.toString();
  }

  /** Five letters, unique within the workload. */
  private static String suffix(int i, Random random) {
    return word(random, 2) + (char) ('a' + i / 676 % 26) + (char) ('a' + i / 26 % 26) + (char) ('a' + i % 26);
  }

  private static String word(Random random, int length) {
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < length; i++) {
      word.append((char) ('a' + random.nextInt(26)));
    }
    return word.toString();
  }

  private static Pod pod(Workload workload, int i, Random random) {
    String owner = switch (workload.kind()) {
      case "Deployment" -> workload.name() + "-" + workload.hash();
      case "Pod" -> null;
      default -> workload.name();
    };
    String name = switch (workload.kind()) {
      case "StatefulSet" -> workload.name() + "-" + i;
      case "Pod" -> workload.name();
      default -> owner + "-" + suffix(i, random);
    };
    PodBuilder pod = new PodBuilder().withNewMetadata().withNamespace(fresh(workload.namespace())).withName(name)
        .withUid(UUID.randomUUID().toString()).withResourceVersion(Long.toString(100_000_000L + random.nextInt(1 << 30)))
        .withCreationTimestamp("2026-12-01T10:00:00Z").addToLabels("app", fresh(workload.name()))
        .addToAnnotations("kubectl.kubernetes.io/restartedAt", "2026-11-30T08:00:00Z")
        .addToAnnotations("prometheus.io/scrape", "true").endMetadata();
    if (owner != null) {
      pod.editMetadata().addNewOwnerReference().withApiVersion(fresh(workload.kind().equals("Job") ? "batch/v1"
          : "apps/v1")).withKind(fresh(workload.kind().equals("Deployment") ? "ReplicaSet" : workload.kind()))
          .withName(fresh(owner)).withUid(fresh(workload.uid())).withController(true).withBlockOwnerDeletion(true)
          .endOwnerReference().endMetadata();
    }
    if (workload.kind().equals("Deployment")) {
      pod.editMetadata().addToLabels("pod-template-hash", fresh(workload.hash())).endMetadata();
    }
    if (workload.language() != null) {
      String reference = workload.namespace() + "/agents@" + workload.generation();
      pod.editMetadata().addToAnnotations("instrumentor.dev/inject-" + workload.language(), fresh("true"))
          .addToAnnotations("instrumentor.dev/injection-status", "{\"" + workload.language()
              + "\":{\"status\":\"injected\",\"reason\":\"agent attached\",\"instrumentation\":\"" + reference
              + "\",\"containers\":[\"app\"]}}").endMetadata();
    }
    if (random.nextInt(500) == 0) {
      pod.editMetadata().withDeletionTimestamp("2026-12-01T11:00:00Z").endMetadata();
    }
    pod.withNewSpec().withNodeName("node-" + random.nextInt(NODES)).addNewContainer().withName("app")
        .withImage("registry.example.com/" + workload.name() + ":1.0").addNewEnv().withName("PORT").withValue("8080")
        .endEnv().endContainer().endSpec();
    return status(pod, workload, random).build();
  }

  private static PodBuilder status(PodBuilder pod, Workload workload, Random random) {
    boolean troubled = random.nextInt(100) == 0;
    String phase = workload.kind().equals("Job") ? "Succeeded" : "Running";
    ContainerStatusBuilder container = new ContainerStatusBuilder().withName("app").withRestartCount(troubled ? 4 : 0)
        .withReady(!troubled).withImage("registry.example.com/" + workload.name() + ":1.0")
        .withContainerID("containerd://" + UUID.randomUUID());
    container = troubled ? container.withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting()
        .endState() : container.withNewState().withNewRunning().withStartedAt("2026-12-01T10:00:02Z").endRunning()
        .endState();
    return pod.withNewStatus().withPhase(fresh(phase)).withPodIP("10.1.2.3").withHostIP("192.168.0.7")
        .withStartTime("2026-12-01T10:00:01Z").withQosClass("Burstable")
        .addNewCondition().withType("Ready").withStatus(troubled ? "False" : "True").endCondition()
        .addNewCondition().withType("ContainersReady").withStatus(troubled ? "False" : "True").endCondition()
        .addToContainerStatuses(container.build()).endStatus();
  }

  /** A copy, as each pod decoded from JSON has its own. */
  private static String fresh(String value) {
    return new String(value.toCharArray());
  }

  private static long used() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(20);
    }
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
