package dev.instrumentor.api.v1alpha1;

/** The API group and version of Instrumentor's custom resources. */
public final class ApiGroup {

  public static final String GROUP = "instrumentor.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  /** The kubectl category that lists every Instrumentor resource: {@code kubectl get instrumentor}. */
  public static final String CATEGORY = "instrumentor";

  private ApiGroup() {
  }
}
