package dev.instrumentor.operator.targetallocator;

/** A collector pod that scrapes what it is given: its name (the collector_id it asks with) and its node. */
public record CollectorPod(String name, String node) {
}
