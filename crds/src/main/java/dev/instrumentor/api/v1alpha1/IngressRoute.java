package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** An OpenShift route's settings (accepted for compatibility; routes are OpenShift's). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IngressRoute {

  /** TLS termination of the route. */
  private RouteTermination termination;

  public RouteTermination getTermination() {
    return termination;
  }

  public void setTermination(RouteTermination termination) {
    this.termination = termination;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IngressRoute other && Objects.equals(termination, other.termination);
  }

  @Override
  public int hashCode() {
    return Objects.hash(termination);
  }

  @Override
  public String toString() {
    return "IngressRoute{" + "termination=" + termination + "}";
  }
}
