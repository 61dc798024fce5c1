package dev.instrumentor.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class FleetPodStoreTest {

  private static final String STATUS = "{\"java\":{\"status\":\"injected\",\"reason\":\"r\","
      + "\"instrumentation\":\"shop/java@3\",\"containers\":[\"app\"]}}";

  /** A pod as the API server sends it: spec, status, foreign labels and annotations, two owners (one controller). */
  private static Pod pod(String namespace, String name, String replicaSet, String phase) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .withUid(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString()).withResourceVersion("4711")
        .withCreationTimestamp("2026-12-01T10:00:00Z").addToFinalizers("example.com/keep")
        .addToLabels("app", "shop").addToAnnotations("instrumentor.dev/inject-java", "true")
        .addToAnnotations("instrumentor.dev/injection-status", STATUS)
        .addToAnnotations("instrumentation.opentelemetry.io/inject-python", "false")
        .addToAnnotations("kubectl.kubernetes.io/restartedAt", "2026-12-01T09:59:00Z").endMetadata();
    if (replicaSet != null) {
      pod.editMetadata().addToLabels("pod-template-hash", replicaSet.substring(replicaSet.lastIndexOf('-') + 1))
          .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName(replicaSet)
          .withUid(UUID.nameUUIDFromBytes(replicaSet.getBytes(StandardCharsets.UTF_8)).toString()).withController(true)
          .withBlockOwnerDeletion(true).endOwnerReference()
          .addNewOwnerReference().withApiVersion("v1").withKind("ConfigMap").withName("not-a-controller")
          .withUid("u").endOwnerReference().endMetadata();
    }
    pod.withNewSpec().addNewContainer().withName("app").withImage("shop/app:1").endContainer().endSpec();
    return phase == null ? pod.build() : pod.withNewStatus().withPhase(phase).withPodIP("10.0.0.1")
        .addNewCondition().withType("Ready").withStatus("True").endCondition()
        .addToContainerStatuses(new ContainerStatusBuilder().withName("app").withRestartCount(0).withReady(true)
            .withNewState().withNewRunning().withStartedAt("2026-12-01T10:00:05Z").endRunning().endState().build())
        .endStatus().build();
  }

  private static Pod pod(String name, String replicaSet) {
    return pod("shop", name, replicaSet, "Running");
  }

  private static Pod troubled(Pod pod) {
    return new PodBuilder(pod).editStatus().withStartTime("2026-12-01T10:00:01Z").editFirstCondition()
        .withStatus("False").endCondition().editFirstContainerStatus().withRestartCount(3).withReady(false)
        .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
        .withNewLastState().withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated().endLastState()
        .endContainerStatus().endStatus().build();
  }

  /** Puts {@code pod} as the informer does and answers what the store now hands back for it. */
  private static Pod roundTrip(FleetPodStore store, Pod pod) {
    String key = store.getKey(pod);
    store.put(key, pod);
    return store.get(key);
  }

  private static void assertRoundTrip(UnaryOperator<Pod> variant) {
    FleetPodStore store = new FleetPodStore();
    Pod back = roundTrip(store, variant.apply(pod("checkout-5d8f7-abcde", "checkout-5d8f7")));
    assertThat(back).isEqualTo(Fleet.slim(variant.apply(pod("checkout-5d8f7-abcde", "checkout-5d8f7"))));
    assertThat(store.values()).containsExactly(back);
  }

  @Test
  void aPodComesBackEqualToItsSlimForm() {
    FleetPodStore store = new FleetPodStore();
    Pod back = roundTrip(store, pod("checkout-5d8f7-abcde", "checkout-5d8f7"));
    Pod slim = Fleet.slim(pod("checkout-5d8f7-abcde", "checkout-5d8f7"));
    assertThat(back).isEqualTo(slim).isNotSameAs(slim);
    assertThat(back.getMetadata().getUid()).isEqualTo(slim.getMetadata().getUid());
    assertThat(back.getMetadata().getResourceVersion()).isEqualTo("4711");
    assertThat(back.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getName()).isEqualTo("checkout-5d8f7"));
    assertThat(back.getMetadata().getLabels()).containsOnlyKeys("pod-template-hash");
    assertThat(back.getMetadata().getAnnotations()).containsOnlyKeys("instrumentor.dev/inject-java",
        "instrumentor.dev/injection-status", "instrumentation.opentelemetry.io/inject-python");
    assertThat(back.getStatus()).isEqualTo(Health.digest(pod("checkout-5d8f7-abcde", "checkout-5d8f7").getStatus()));
    assertThat(back.getSpec()).isNull();
    assertThat(Fleet.workload(back)).isEqualTo(new Fleet.Workload("Deployment", "shop", "checkout"));
  }

  @Test
  void whatIsNotCompactComesBackToo() {
    // terminating, in trouble (its health digest), a uid that is no UUID, resourceVersions that are no canonical number
    assertRoundTrip(pod -> new PodBuilder(pod).editMetadata().withDeletionTimestamp("2026-12-01T11:00:00Z")
        .endMetadata().build());
    assertRoundTrip(FleetPodStoreTest::troubled);
    assertRoundTrip(pod -> new PodBuilder(pod).editMetadata().withUid("not-a-uuid").endMetadata().build());
    assertRoundTrip(pod -> new PodBuilder(pod).editMetadata().withUid(pod.getMetadata().getUid().toUpperCase())
        .endMetadata().build());
    assertRoundTrip(pod -> new PodBuilder(pod).editMetadata().withResourceVersion("0042").endMetadata().build());
    assertRoundTrip(pod -> new PodBuilder(pod).editMetadata().withResourceVersion("v7").endMetadata().build());
    assertRoundTrip(pod -> new PodBuilder(pod).editMetadata().withResourceVersion("0").endMetadata().build());
    assertRoundTrip(pod -> new PodBuilder(pod).editMetadata().withResourceVersion(null).withUid(null).endMetadata()
        .build());
    // no owner, no labels or annotations, no status, a status without a phase, finished
    assertRoundTrip(pod -> new PodBuilder(pod).editMetadata().withOwnerReferences(List.of()).withLabels(null)
        .withAnnotations(null).endMetadata().build());
    // a template hash that is not the owner's name's suffix, or without an owner; an owner whose uid is no UUID;
    // two controllers (the API server refuses them)
    assertRoundTrip(pod -> new PodBuilder(pod).editMetadata().addToLabels("pod-template-hash", "7d9f8").endMetadata()
        .build());
    assertRoundTrip(pod -> new PodBuilder(pod).editMetadata().withOwnerReferences(List.of()).endMetadata().build());
    assertRoundTrip(pod -> new PodBuilder(pod).editMetadata().editFirstOwnerReference().withUid("rs").withName("5d8f7")
        .endOwnerReference().endMetadata().build());
    assertRoundTrip(pod -> new PodBuilder(pod).editMetadata().editLastOwnerReference().withController(true)
        .endOwnerReference().endMetadata().build());
    assertRoundTrip(pod -> new PodBuilder(pod).withStatus(null).build());
    assertRoundTrip(pod -> new PodBuilder(pod).editStatus().withPhase(null).endStatus().build());
    assertRoundTrip(pod -> new PodBuilder(pod).editStatus().withPhase("Succeeded").endStatus().build());
  }

  @Test
  void thePodPutIsSlimmedInPlaceForTheInformersListeners() {
    Pod pod = pod("checkout-5d8f7-abcde", "checkout-5d8f7");
    new FleetPodStore().put("shop/checkout-5d8f7-abcde", pod);
    assertThat(pod).isEqualTo(Fleet.slim(pod("checkout-5d8f7-abcde", "checkout-5d8f7")));
  }

  @Test
  void putAnswersThePodItReplacesAndRemoveThePodItRemoves() {
    FleetPodStore store = new FleetPodStore();
    assertThat(store.put("shop/a", pod("a", "checkout-5d8f7"))).isNull();
    Pod before = store.get("shop/a");
    Pod updated = new PodBuilder(pod("a", "checkout-5d8f7")).editMetadata().withResourceVersion("4712").endMetadata()
        .editStatus().withPhase("Failed").endStatus().build();
    assertThat(store.put("shop/a", updated)).isEqualTo(before);
    assertThat(store.get("shop/a").getMetadata().getResourceVersion()).isEqualTo("4712");
    assertThat(store.get("shop/a").getStatus().getPhase()).isEqualTo("Failed");
    store.put("other/a", pod("other", "a", null, "Pending"));
    assertThat(store.size()).isEqualTo(2);
    assertThat(store.keySet()).containsExactlyInAnyOrder("shop/a", "other/a");
    assertThat(store.pods(("other"))).singleElement()
        .satisfies(pod -> assertThat(pod.getMetadata().getNamespace()).isEqualTo("other"));
    assertThat(store.remove("shop/a")).isEqualTo(Fleet.slim(updated));
    assertThat(store.remove("shop/a")).isNull();
    assertThat(store.get("shop/a")).isNull();
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.keySet()).containsExactly("other/a");
  }

  @Test
  void thePodsOfOneTemplateShareTheirShape() {
    FleetPodStore store = new FleetPodStore();
    Pod a = roundTrip(store, pod("checkout-5d8f7-a", "checkout-5d8f7"));
    Pod b = roundTrip(store, pod("checkout-5d8f7-b", "checkout-5d8f7"));
    roundTrip(store, pod("cart-9c4b2-a", "cart-9c4b2"));
    assertThat(store.shapes()).isEqualTo(2);
    assertThat(b.getMetadata().getAnnotations()).isSameAs(a.getMetadata().getAnnotations());
    assertThat(b.getMetadata().getLabels()).isEqualTo(a.getMetadata().getLabels());
    assertThat(b.getMetadata().getOwnerReferences()).isEqualTo(a.getMetadata().getOwnerReferences());
    assertThat(b.getMetadata().getUid()).isNotEqualTo(a.getMetadata().getUid());
  }

  @Test
  void theKeyOfAPodHeldIsTheStringHeldSoTheNamespaceIndexSharesIt() {
    FleetPodStore store = new FleetPodStore();
    store.put(store.getKey(pod("a", "checkout-5d8f7")), pod("a", "checkout-5d8f7"));
    String held = store.keySet().findFirst().orElseThrow();
    assertThat(store.getKey(pod("a", "checkout-5d8f7"))).isSameAs(held);
    assertThat(store.getKey(pod("b", "checkout-5d8f7"))).isEqualTo("shop/b");
  }

  @Test
  void shapesAndWhatTheyShareAreForgottenWithTheirLastPod() {
    FleetPodStore store = new FleetPodStore();
    for (int generation = 0; generation < 200; generation++) {
      // a rollout: a new ReplicaSet's pods come (Pending, then Running), the old one's go
      String replicaSet = "checkout-" + (10000 + generation);
      for (int i = 0; i < 3; i++) {
        store.put("shop/" + replicaSet + "-" + i, pod("shop", replicaSet + "-" + i, replicaSet, "Pending"));
        store.put("shop/" + replicaSet + "-" + i, pod("shop", replicaSet + "-" + i, replicaSet, "Running"));
      }
      String old = "checkout-" + (10000 + generation - 1);
      for (int i = 0; generation > 0 && i < 3; i++) {
        store.remove("shop/" + old + "-" + i);
      }
      assertThat(store.size()).isEqualTo(3);
      assertThat(store.shapes()).isEqualTo(1);
      assertThat(store.shared()).as("namespace, phase, owner's API version and kind, annotations").isEqualTo(5);
    }
    store.keySet().toList().forEach(store::remove);
    assertThat(store.shapes()).isZero();
    assertThat(store.shared()).isZero();
  }

  @Test
  void fabric8sCacheIndexesAndFindsThePodsItHolds() {
    CacheImpl<Pod> cache = new CacheImpl<>();
    FleetPodStore store = new FleetPodStore();
    cache.setItemStore(store);
    cache.put(pod("a", "checkout-5d8f7"));
    cache.put(pod("other", "b", null, "Running"));
    Pod updated = new PodBuilder(pod("a", "checkout-5d8f7")).editMetadata().withResourceVersion("4712").endMetadata()
        .build();
    assertThat(cache.put(updated).getMetadata().getResourceVersion()).isEqualTo("4711");
    assertThat(cache.byIndex(CacheImpl.NAMESPACE_INDEX, "shop")).containsExactly(Fleet.slim(updated));
    assertThat(cache.indexKeys(CacheImpl.NAMESPACE_INDEX, "shop")).singleElement()
        .isSameAs(store.keySet().filter("shop/a"::equals).findFirst().orElseThrow());
    assertThat(cache.getByKey("other/b").getMetadata().getName()).isEqualTo("b");
    assertThat(cache.remove(pod("a", "checkout-5d8f7"))).isEqualTo(Fleet.slim(updated));
    assertThat(cache.byIndex(CacheImpl.NAMESPACE_INDEX, "shop")).isEmpty();
    assertThat(cache.listKeys()).containsExactly("other/b");
    assertThat(store.shapes()).isEqualTo(1);
  }

  @Test
  void theInformersListOfTheStoreKeysEachPodByTheKeyHeldAndRemovesThroughIt() {
    CacheImpl<Pod> cache = new CacheImpl<>();
    FleetPodStore store = new FleetPodStore();
    cache.setItemStore(store);
    cache.put(pod("a", "checkout-5d8f7"));
    cache.put(pod("b", "checkout-5d8f7"));
    // fabric8's relist (ProcessorStore.retainAll) lists the store and keys each pod: the key is the one held
    List<Pod> listed = cache.list();
    assertThat(listed).extracting(cache::getKey).containsExactlyInAnyOrder("shop/a", "shop/b");
    assertThat(cache.getKey(listed.get(0))).isSameAs(store.keySet().filter(cache.getKey(listed.get(0))::equals)
        .findFirst().orElseThrow());
    // a pod gone from the relist is removed through the pod listed, and reads whole for the delete notification
    Pod gone = listed.stream().filter(pod -> cache.getKey(pod).equals("shop/a")).findFirst().orElseThrow();
    assertThat(cache.remove(gone)).isEqualTo(Fleet.slim(pod("a", "checkout-5d8f7")));
    assertThat(gone).isEqualTo(Fleet.slim(pod("a", "checkout-5d8f7")));
    assertThat(cache.byIndex(CacheImpl.NAMESPACE_INDEX, "shop")).containsExactly(Fleet.slim(pod("b", "checkout-5d8f7")));
    assertThat(store.isFullState()).as("first list announced when complete, read back from the store").isTrue();
  }

  @Test
  void aPodReadFromTheStoreIsReadOnly() {
    FleetPodStore store = new FleetPodStore();
    Pod held = roundTrip(store, pod("a", "checkout-5d8f7"));
    assertThat(held.getApiVersion()).isEqualTo("v1");
    assertThat(held.getKind()).isEqualTo("Pod");
    assertThat(held.getAdditionalProperties()).isEmpty();
    assertThat(held.hashCode()).isEqualTo(Fleet.slim(pod("a", "checkout-5d8f7")).hashCode());
    assertThatThrownBy(() -> held.setMetadata(null))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("read-only");
    assertThatThrownBy(() -> held.setStatus(null))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> held.setAdditionalProperty("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(new PodBuilder(held).build()).as("a copy is an ordinary pod").isEqualTo(held);
  }

  @Test
  void readersSeeEveryPodWholeWhileTheInformerWrites() throws InterruptedException {
    FleetPodStore store = new FleetPodStore();
    for (int i = 0; i < 200; i++) {
      store.put("shop/p" + i, pod("p" + i, "rs-" + i % 7));
    }
    List<Pod> pods = new ArrayList<>();
    for (int round = 0; round < 3000; round++) {
      pods.add(pod("shop", "p" + round % 200, "rs-" + round % 11, round % 2 == 0 ? "Running" : "Pending"));
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      Thread reader = new Thread(() -> {
        while (writing.get()) {
          store.values().forEach(pod -> {
            String name = pod.getMetadata().getName();
            if (!pod.getMetadata().getUid().equals(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8))
                .toString()) || !Cache.metaNamespaceKeyFunc(pod).equals("shop/" + name)) {
              failures.add(new AssertionError("torn pod " + pod));
            }
          });
        }
      });
      reader.setUncaughtExceptionHandler((thread, e) -> failures.add(e));
      reader.start();
      readers.add(reader);
    }
    for (int round = 0; round < 3000; round++) {
      int i = round % 200;
      if (round % 3 == 0) {
        store.remove("shop/p" + i);
      }
      store.put("shop/p" + i, pods.get(round));
    }
    writing.set(false);
    for (Thread reader : readers) {
      reader.join();
    }
    assertThat(failures).isEmpty();
    assertThat(store.size()).isEqualTo(200);
    assertThat(store.shapes()).as("one per ReplicaSet and phase held").isEqualTo((int) store.values()
        .map(pod -> pod.getMetadata().getOwnerReferences().get(0).getName() + pod.getStatus().getPhase()).distinct()
        .count());
  }
}
