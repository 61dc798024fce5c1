package dev.instrumentor.operator.targetallocator;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/** An informer handler that only says something changed: the allocator recomputes from the caches, not the events. */
final class OnAnyChange<T> implements ResourceEventHandler<T> {

  private final Runnable changed;

  OnAnyChange(Runnable changed) {
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
