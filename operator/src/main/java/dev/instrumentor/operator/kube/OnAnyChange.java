package dev.instrumentor.operator.kube;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * An informer handler that only says something changed: its user recomputes from the caches, not the events (the
 * target allocator; the webhook's list of selecting Instrumentations).
 */
public final class OnAnyChange<T> implements ResourceEventHandler<T> {

  private final Runnable changed;

  public OnAnyChange(Runnable changed) {
    this.changed = changed;
  }

  @Override
  public void onAdd(T object) {
    changed.run();
  }

  @Override
  public void onUpdate(T before, T after) {
    changed.run();
  }

  @Override
  public void onDelete(T object, boolean deletedFinalStateUnknown) {
    changed.run();
  }
}
