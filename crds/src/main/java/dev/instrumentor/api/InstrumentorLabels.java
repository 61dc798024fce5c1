package dev.instrumentor.api;

/** Labels Instrumentor sets on the objects it creates. */
public final class InstrumentorLabels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "instrumentor";
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String VERSION = "app.kubernetes.io/version";

  private InstrumentorLabels() {
  }
}
