package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * Pods of the namespace whose annotation asks for a language and resolves to no Instrumentation, grouped
 * by why.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UnresolvedPods {

  /** java, nodejs, python, dotnet or sdk. */
  private String language;

  /**
   * Ambiguous ({@code "true"} with several Instrumentations in the namespace), NotFound (a named one that
   * does not exist) or InvalidValue (neither true, false nor a name).
   */
  private String reason;

  /** What the webhook says of such a pod, and what to change. */
  private String message;

  /** How many pods. */
  private Integer pods;

  public String getLanguage() {
    return language;
  }

  public void setLanguage(String language) {
    this.language = language;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public Integer getPods() {
    return pods;
  }

  public void setPods(Integer pods) {
    this.pods = pods;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UnresolvedPods other
        && Objects.equals(language, other.language)
        && Objects.equals(reason, other.reason)
        && Objects.equals(message, other.message)
        && Objects.equals(pods, other.pods);
  }

  @Override
  public int hashCode() {
    return Objects.hash(language, reason, message, pods);
  }

  @Override
  public String toString() {
    return "UnresolvedPods{language=" + language + ", reason=" + reason + ", message=" + message + ", pods=" + pods + "}";
  }
}
