package dev.instrumentor.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The status each resource was last given by this reconciler, which is the only writer of that
 * status: a cache that has not yet seen our own last write must not make us write it again (with a
 * new transition time). Bounded: the oldest entries go first, and a missing entry only means the
 * cached status is used.
 *
 * @param <S> the status type
 */
public final class WrittenStatuses<S> {

  private static final int CAPACITY = 20_000;

  private final Map<String, S> byUid = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, S> eldest) {
      return size() > CAPACITY;
    }
  };

  /** What we last wrote for {@code resource}, else its status as cached. */
  public synchronized S latest(HasMetadata resource, S cached) {
    S written = byUid.get(resource.getMetadata().getUid());
    return written != null ? written : cached;
  }

  public synchronized void wrote(HasMetadata resource, S status) {
    byUid.put(resource.getMetadata().getUid(), status);
  }

  /** The resource is gone: nothing to remember. */
  public synchronized void forget(HasMetadata resource) {
    byUid.remove(resource.getMetadata().getUid());
  }
}
