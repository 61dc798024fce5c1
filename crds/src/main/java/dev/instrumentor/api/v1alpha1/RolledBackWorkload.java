package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * A workload the webhook no longer injects with this Instrumentation, because its injected pods failed:
 * kept while the Instrumentation's generation is the one recorded (a new generation tries again).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolledBackWorkload extends Workload {

  /** The languages its pods got from this Instrumentation; none is injected into the workload any more. */
  private List<String> languages;

  /** The agents its failing pods ran: {@code language=image}. */
  private List<String> agents;

  /** The Instrumentation's generation when it was rolled back: a later one injects the workload again. */
  private Long generation;

  /** CrashLoopBackOff, OOMKilled, AgentInitFailed or NotReady. */
  private String reason;

  /** What failed: the pod, container, exit code and restarts. */
  private String message;

  /** When it was rolled back (RFC 3339). */
  private String at;

  /** When it was restarted without the agent (RFC 3339); absent until then. */
  private String restartedAt;

  /** Why it was not restarted (a paused Deployment, OnDelete, refused): its pods must be deleted by hand. */
  private String notRestarted;

  public List<String> getLanguages() {
    return languages;
  }

  public void setLanguages(List<String> languages) {
    this.languages = languages;
  }

  public List<String> getAgents() {
    return agents;
  }

  public void setAgents(List<String> agents) {
    this.agents = agents;
  }

  public Long getGeneration() {
    return generation;
  }

  public void setGeneration(Long generation) {
    this.generation = generation;
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

  public String getAt() {
    return at;
  }

  public void setAt(String at) {
    this.at = at;
  }

  public String getRestartedAt() {
    return restartedAt;
  }

  public void setRestartedAt(String restartedAt) {
    this.restartedAt = restartedAt;
  }

  public String getNotRestarted() {
    return notRestarted;
  }

  public void setNotRestarted(String notRestarted) {
    this.notRestarted = notRestarted;
  }

  /** Whether it is {@code kind namespace/name}. */
  public boolean is(String kind, String namespace, String name) {
    return Objects.equals(getKind(), kind) && Objects.equals(getNamespace(), namespace) && Objects.equals(getName(), name);
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o) && o instanceof RolledBackWorkload other
        && Objects.equals(languages, other.languages)
        && Objects.equals(agents, other.agents)
        && Objects.equals(generation, other.generation)
        && Objects.equals(reason, other.reason)
        && Objects.equals(message, other.message)
        && Objects.equals(at, other.at)
        && Objects.equals(restartedAt, other.restartedAt)
        && Objects.equals(notRestarted, other.notRestarted);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), languages, agents, generation, reason, message, at, restartedAt, notRestarted);
  }

  @Override
  public String toString() {
    return "RolledBackWorkload{" + super.toString() + ", languages=" + languages + ", agents=" + agents
        + ", generation=" + generation + ", reason=" + reason + ", message=" + message + ", at=" + at
        + ", restartedAt=" + restartedAt + ", notRestarted=" + notRestarted + "}";
  }
}
