package dev.instrumentor.operator.fleet;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The informer's store of every pod for the fleet view, compact: a pod is slimmed ({@link Fleet#slim}, in place, so
 * the informer's listeners get the slim pod too) and kept as its key ({@code namespace/name}, the very string the
 * informer's namespace index holds), its uid as two longs, its resourceVersion as a long and a reference to its shape:
 * namespace, phase, controller owner, template hash and annotations, which the pods of one ReplicaSet share. A shape
 * is held once, counted, and forgotten with its last pod; so are the namespaces, phases, owners' kinds and API
 * versions and annotation maps that shapes share. What a pod says beyond that (a uid that is no UUID, a
 * resourceVersion that is no number, a deletion timestamp, a health digest for a pod in trouble) it keeps beside.
 * With 100,000 pods of a made-up cluster, ~215 bytes a pod where the slim pods took ~1,670 ({@code
 * FleetPodStoreFootprint} in the tests measures it).
 *
 * <p>{@link #get}, {@link #values} and what {@link #put} and {@link #remove} answer are read-only pods ({@link HeldPod})
 * equal to the slim pod that was put, whose parts are built as they are read: fabric8's informer lists the whole
 * store at each (re)list to find the pods that are gone ({@code retainAll}), and only reads the key of each, so with
 * 100,000 pods that list costs ~5 MB for a moment instead of ~130 MB of built pods. {@link #pods()} streams built
 * pods for the fleet view. Never change a pod read (a HeldPod's setters throw; annotations are an unmodifiable map
 * shared with other pods). Writes come from the informers (one at a time: they are synchronized, and one store serves
 * the informer of every watched namespace); reads run concurrently with them and see each pod whole.
 */
public final class FleetPodStore implements ItemStore<Pod> {

  private final ConcurrentHashMap<String, Entry> pods = new ConcurrentHashMap<>();
  // guarded by this: written by put and remove only
  private final Map<Shape, Shape> shapes = new HashMap<>();
  private final Interner<String> strings = new Interner<>();
  private final Interner<Map<String, String>> annotations = new Interner<>();

  /** What the pods of one template in one phase share; counted by its pods. */
  private static final class Shape {
    final String namespace;
    final String phase;
    final List<Owner> owners;
    /** The template hash, unless it is the owner's name's suffix (a ReplicaSet's): then its length is. */
    final String templateHash;
    final short hashInOwner;
    final Map<String, String> annotations;
    /** Pods of this shape held: guarded by the store. */
    int pods;

    private Shape(String namespace, String phase, List<Owner> owners, String templateHash, short hashInOwner,
        Map<String, String> annotations) {
      this.namespace = namespace;
      this.phase = phase;
      this.owners = owners;
      this.templateHash = templateHash;
      this.hashInOwner = hashInOwner;
      this.annotations = annotations;
    }

    static Shape of(String namespace, String phase, List<Owner> owners, String templateHash,
        Map<String, String> annotations) {
      boolean inOwner = templateHash != null && !templateHash.isEmpty() && templateHash.length() < Short.MAX_VALUE
          && owners.size() == 1 && owners.get(0).name() != null && owners.get(0).name().endsWith("-" + templateHash);
      return new Shape(namespace, phase, owners, inOwner ? null : templateHash,
          (short) (inOwner ? templateHash.length() : 0), annotations);
    }

    /** This shape's values held: its namespace, phase, owners' kinds and API versions, annotations from the store's. */
    Shape canonical(Interner<String> strings, Interner<Map<String, String>> annotationMaps) {
      return new Shape(strings.acquire(namespace, UnaryOperator.identity()),
          strings.acquire(phase, UnaryOperator.identity()), owners.stream().map(owner -> owner.canonical(strings))
          .toList(), templateHash, hashInOwner, annotationMaps.acquire(annotations, map -> map.isEmpty() ? Map.of()
          : Collections.unmodifiableMap(new TreeMap<>(map))));
    }

    String templateHash() {
      if (hashInOwner == 0) {
        return templateHash;
      }
      String owner = owners.get(0).name();
      return owner.substring(owner.length() - hashInOwner);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Shape shape && Objects.equals(namespace, shape.namespace)
          && Objects.equals(phase, shape.phase) && owners.equals(shape.owners) && hashInOwner == shape.hashInOwner
          && Objects.equals(templateHash, shape.templateHash) && annotations.equals(shape.annotations);
    }

    @Override
    public int hashCode() {
      return Objects.hash(namespace, phase, owners, templateHash, hashInOwner, annotations);
    }
  }

  /** A controller owner reference; its uid as two longs when {@code uuid} (then {@code uid} is null). */
  private record Owner(String apiVersion, String kind, String name, boolean uuid, long uidHigh, long uidLow,
      String uid, Boolean controller, Boolean blockOwnerDeletion) {

    static Owner of(OwnerReference reference) {
      UUID uuid = FleetPodStore.uuid(reference.getUid());
      return new Owner(reference.getApiVersion(), reference.getKind(), reference.getName(), uuid != null,
          uuid == null ? 0 : uuid.getMostSignificantBits(), uuid == null ? 0 : uuid.getLeastSignificantBits(),
          uuid == null ? reference.getUid() : null, reference.getController(), reference.getBlockOwnerDeletion());
    }

    /** This owner, its kind and API version those other owners have. */
    Owner canonical(Interner<String> strings) {
      return new Owner(strings.acquire(apiVersion, UnaryOperator.identity()),
          strings.acquire(kind, UnaryOperator.identity()), name, uuid, uidHigh, uidLow, uid, controller,
          blockOwnerDeletion);
    }

    OwnerReference reference() {
      return new OwnerReference(apiVersion, blockOwnerDeletion, controller, kind, name,
          uuid ? new UUID(uidHigh, uidLow).toString() : uid);
    }
  }

  /** A pod's own values where they are not compact, and its health digest when it is in trouble. */
  private record Extra(String name, String uid, String resourceVersion, String deletionTimestamp, PodStatus status) {
  }

  /** One pod: its key, shape and, when {@code extra} is null, its uid and resourceVersion as numbers. */
  private static final class Entry {
    final String key;
    final Shape shape;
    final long uidHigh;
    final long uidLow;
    final long resourceVersion;
    final Extra extra;

    Entry(String key, Shape shape, long uidHigh, long uidLow, long resourceVersion, Extra extra) {
      this.key = key;
      this.shape = shape;
      this.uidHigh = uidHigh;
      this.uidLow = uidLow;
      this.resourceVersion = resourceVersion;
      this.extra = extra;
    }
  }

  /** Equal values held once and counted; the last release forgets one. Not thread-safe. */
  private static final class Interner<T> {
    private final Map<T, Held<T>> held = new HashMap<>();

    private static final class Held<T> {
      final T value;
      int count;

      Held(T value) {
        this.value = value;
      }
    }

    /** The held value equal to {@code value}, counted once more; {@code canonical} makes the one held. */
    T acquire(T value, UnaryOperator<T> canonical) {
      if (value == null) {
        return null;
      }
      Held<T> one = held.get(value);
      if (one == null) {
        one = new Held<>(canonical.apply(value));
        held.put(one.value, one);
      }
      one.count++;
      return one.value;
    }

    /** Counts {@code value} once less; true when that was its last count (it is forgotten). */
    boolean release(T value) {
      Held<T> one = value == null ? null : held.get(value);
      if (one == null || --one.count > 0) {
        return false;
      }
      held.remove(value);
      return true;
    }

    int size() {
      return held.size();
    }
  }

  /**
   * {@code namespace/name}, as fabric8's informer keys; for a pod already held, the very string held, so the
   * informer's namespace index and this store share it.
   */
  @Override
  public String getKey(Pod pod) {
    if (pod instanceof HeldPod held) {
      return held.entry.key;
    }
    String key = Cache.metaNamespaceKeyFunc(pod);
    Entry held = pods.get(key);
    return held == null ? key : held.key;
  }

  /** Slims {@code pod} in place and keeps it; the pod held before under {@code key}, or null. */
  @Override
  public synchronized Pod put(String key, Pod pod) {
    Fleet.slim(pod);
    Entry before = pods.get(key);
    Entry entry = entry(before == null ? key : before.key, pod);
    pods.put(entry.key, entry);
    if (before == null) {
      return null;
    }
    release(before.shape);
    return new HeldPod(before);
  }

  @Override
  public synchronized Pod remove(String key) {
    Entry before = pods.remove(key);
    if (before == null) {
      return null;
    }
    release(before.shape);
    return new HeldPod(before);
  }

  @Override
  public Stream<String> keySet() {
    return pods.keySet().stream();
  }

  /** Every pod as a {@link HeldPod} (~50 bytes, for the informer's list of the store, which reads keys). */
  @Override
  public Stream<Pod> values() {
    return pods.values().stream().map(HeldPod::new);
  }

  /** Every pod, each built whole as the stream reaches it (nothing else is held meanwhile): for the fleet view. */
  public Stream<Pod> pods() {
    return pods.values().stream().map(FleetPodStore::pod);
  }

  /** The pods of {@code namespace}, built whole as the stream reaches them (others are not built at all). */
  public Stream<Pod> pods(String namespace) {
    return pods.values().stream().filter(entry -> namespace.equals(entry.shape.namespace)).map(FleetPodStore::pod);
  }

  @Override
  public int size() {
    return pods.size();
  }

  @Override
  public Pod get(String key) {
    Entry entry = pods.get(key);
    return entry == null ? null : new HeldPod(entry);
  }

  /**
   * Yes: the informer announces the pods of its first list when the list is complete, each read back from this store
   * ({@link #get}: a pod built when the listener reads it), not as each page arrives. A listener slower than the list
   * (JOSDK's, mapping each pod to its Instrumentations) would otherwise hold every listed pod in its queue.
   */
  @Override
  public boolean isFullState() {
    return true;
  }

  /** Shapes held now (each with at least one pod). */
  synchronized int shapes() {
    return shapes.size();
  }

  /** Namespaces, phases, owners' kinds and API versions and annotation maps held now (each by a shape at least). */
  synchronized int shared() {
    return strings.size() + annotations.size();
  }

  private Entry entry(String key, Pod slim) {
    ObjectMeta meta = slim.getMetadata();
    PodStatus status = slim.getStatus();
    Shape shape = shape(Shape.of(meta.getNamespace(), status == null ? null : status.getPhase(),
        meta.getOwnerReferences().stream().map(Owner::of).toList(),
        meta.getLabels() == null ? null : meta.getLabels().get(Fleet.TEMPLATE_HASH), meta.getAnnotations()));
    UUID uid = uuid(meta.getUid());
    long version = version(meta.getResourceVersion());
    PodStatus troubled = status == null || status.equals(Health.phaseOnly(status.getPhase())) ? null : status;
    if (uid != null && version >= 0 && meta.getDeletionTimestamp() == null && troubled == null
        && key.equals(Cache.namespaceKeyFunc(meta.getNamespace(), meta.getName()))) {
      return new Entry(key, shape, uid.getMostSignificantBits(), uid.getLeastSignificantBits(), version, null);
    }
    return new Entry(key, shape, 0, 0, -1,
        new Extra(meta.getName(), meta.getUid(), meta.getResourceVersion(), meta.getDeletionTimestamp(), troubled));
  }

  /** The shape held equal to {@code wanted}, counted once more; for its first pod, its canonical copy. */
  private Shape shape(Shape wanted) {
    Shape shape = shapes.get(wanted);
    if (shape == null) {
      shape = wanted.canonical(strings, annotations);
      shapes.put(shape, shape);
    }
    shape.pods++;
    return shape;
  }

  /** Counts {@code shape} once less; forgets it, and releases what it shares, with its last pod. */
  private void release(Shape shape) {
    if (--shape.pods > 0) {
      return;
    }
    shapes.remove(shape);
    strings.release(shape.namespace);
    strings.release(shape.phase);
    shape.owners.forEach(owner -> {
      strings.release(owner.apiVersion());
      strings.release(owner.kind());
    });
    annotations.release(shape.annotations);
  }

  /** The slim pod {@code entry} holds, built whole (for this package's readers, which read most of it). */
  private static Pod pod(Entry entry) {
    Pod pod = new Pod();
    pod.setMetadata(metadata(entry));
    pod.setStatus(status(entry));
    return pod;
  }

  private static ObjectMeta metadata(Entry entry) {
    Shape shape = entry.shape;
    Extra extra = entry.extra;
    ObjectMeta meta = new ObjectMeta();
    meta.setNamespace(shape.namespace);
    if (extra == null) {
      boolean namespaced = shape.namespace != null && !shape.namespace.isEmpty();
      meta.setName(namespaced ? entry.key.substring(shape.namespace.length() + 1) : entry.key);
      meta.setUid(new UUID(entry.uidHigh, entry.uidLow).toString());
      meta.setResourceVersion(Long.toString(entry.resourceVersion));
    } else {
      meta.setName(extra.name());
      meta.setUid(extra.uid());
      meta.setResourceVersion(extra.resourceVersion());
      meta.setDeletionTimestamp(extra.deletionTimestamp());
    }
    List<OwnerReference> references = new ArrayList<>(shape.owners.size());
    shape.owners.forEach(owner -> references.add(owner.reference()));
    meta.setOwnerReferences(references);
    String templateHash = shape.templateHash();
    meta.setLabels(templateHash == null ? null : Map.of(Fleet.TEMPLATE_HASH, templateHash));
    meta.setAnnotations(shape.annotations);
    return meta;
  }

  private static PodStatus status(Entry entry) {
    Extra extra = entry.extra;
    return extra != null && extra.status() != null ? extra.status() : Health.phaseOnly(entry.shape.phase);
  }

  /**
   * A pod of this store as fabric8 and JOSDK get it: its entry, from which each read builds what it asks for ({@link
   * #getKey} reads the entry's key). Nothing built is kept: the informer queues these pods for its listener (100,000 of
   * them after the first list), long enough to reach the old generation, and a pod built into one of them would be
   * kept alive from there until a full collection (with 100,000 pods the heap grew to 168 MiB committed, against 129 MiB
   * without). Read-only: the setters throw, since a change would be lost.
   */
  private static final class HeldPod extends Pod {
    private final transient Entry entry;

    HeldPod(Entry entry) {
      this.entry = entry;
      super.setAdditionalProperties(null); // empty: getAdditionalProperties answers
    }

    @Override
    public String getApiVersion() {
      return "v1";
    }

    @Override
    public String getKind() {
      return "Pod";
    }

    @Override
    public ObjectMeta getMetadata() {
      return metadata(entry);
    }

    @Override
    public PodSpec getSpec() {
      return null;
    }

    @Override
    public PodStatus getStatus() {
      return status(entry);
    }

    @Override
    public Map<String, Object> getAdditionalProperties() {
      return Map.of();
    }

    @Override
    public void setApiVersion(String apiVersion) {
      throw readOnly();
    }

    @Override
    public void setKind(String kind) {
      throw readOnly();
    }

    @Override
    public void setMetadata(ObjectMeta metadata) {
      throw readOnly();
    }

    @Override
    public void setSpec(PodSpec spec) {
      throw readOnly();
    }

    @Override
    public void setStatus(PodStatus status) {
      throw readOnly();
    }

    @Override
    public void setAdditionalProperty(String name, Object value) {
      throw readOnly();
    }

    @Override
    public void setAdditionalProperties(Map<String, Object> additionalProperties) {
      throw readOnly();
    }

    private static UnsupportedOperationException readOnly() {
      return new UnsupportedOperationException("a pod of the fleet view's cache is read-only");
    }
  }

  /** The uid as a UUID when it is one written canonically (Kubernetes writes them so), else null. */
  private static UUID uuid(String uid) {
    if (uid == null || uid.length() != 36) {
      return null;
    }
    try {
      UUID parsed = UUID.fromString(uid);
      return parsed.toString().equals(uid) ? parsed : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The resourceVersion as a number when it is one written canonically (etcd's revisions are), else -1. */
  private static long version(String resourceVersion) {
    if (resourceVersion == null || resourceVersion.isEmpty() || resourceVersion.length() > 18
        || resourceVersion.length() > 1 && resourceVersion.charAt(0) == '0') {
      return -1;
    }
    for (int i = 0; i < resourceVersion.length(); i++) {
      if (resourceVersion.charAt(i) < '0' || resourceVersion.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(resourceVersion);
  }
}
