package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;
import java.util.Objects;

/**
 * Desired state of an Instrumentation: where the injected agents send telemetry and how they are
 * configured.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstrumentationSpec {

  /** Where the agents send telemetry: the OTLP endpoint, its protocol and TLS material. */
  private Exporter exporter;

  /**
   * Context propagators, in order (OTEL_PROPAGATORS). Empty: the agent default
   * (tracecontext,baggage).
   */
  private List<Propagator> propagators;

  /**
   * Trace sampler (OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG). Not applied to a container
   * that sets either variable itself.
   */
  private Sampler sampler;

  /** Resource attributes added to all telemetry of instrumented pods. */
  private Resource resource;

  /** How defaults such as the service name are derived. */
  private Defaults defaults;

  /**
   * Environment variables for every instrumented container of every language. A container's own
   * variables win over these; language blocks (java.env) win over these.
   */
  private List<EnvVar> env;

  /**
   * Pull policy of the injected init containers. Empty: the Kubernetes default for the image tag.
   */
  private PullPolicy imagePullPolicy;

  /**
   * Security context of the injected init containers. Empty: a context that passes the restricted
   * Pod Security level (non-root, no privilege escalation, all capabilities dropped,
   * RuntimeDefault seccomp, read-only root filesystem).
   */
  private SecurityContext initContainerSecurityContext;

  /** Java auto-instrumentation: the agent image, its environment, resources and extensions. */
  private JavaSpec java;

  /** Python auto-instrumentation: the image of the distro and instrumentations, its environment, resources. */
  private PythonSpec python;

  /** Node.js auto-instrumentation: the image of the SDK and instrumentations, its environment, resources. */
  private NodeJsSpec nodejs;

  /** .NET auto-instrumentation: the image of the CLR profiler and startup hook, its environment, resources. */
  private DotNetSpec dotnet;

  /** Go automatic instrumentation (eBPF): the sidecar's image, environment, resources, security context. */
  private GoSpec go;

  /** The Apache HTTPD module: its image, directives (attrs), the server's version and configuration directory. */
  private ApacheHttpdSpec apacheHttpd;

  /** The nginx module: its image, directives (attrs), the server's configuration file. */
  private NginxSpec nginx;

  /**
   * What to do about workloads whose pods missed injection (created before the Instrumentation or
   * while the webhook was down) or run an older generation: report only (default), or restart them.
   */
  private Rollout rollout;

  /**
   * Pods instrumented without an inject-* annotation: chosen by their labels (and their Namespace's), each
   * container with the language detected from its image, command and environment.
   */
  private InstrumentationSelector selector;

  /**
   * Health of the workloads this Instrumentation injects, and their automatic rollback when its agent makes
   * them fail (off by default: failing pods are reported in status either way).
   */
  private Rollback rollback;

  public Rollback getRollback() {
    return rollback;
  }

  public void setRollback(Rollback rollback) {
    this.rollback = rollback;
  }

  public InstrumentationSelector getSelector() {
    return selector;
  }

  public void setSelector(InstrumentationSelector selector) {
    this.selector = selector;
  }

  public Rollout getRollout() {
    return rollout;
  }

  public void setRollout(Rollout rollout) {
    this.rollout = rollout;
  }


  public Exporter getExporter() {
    return exporter;
  }

  public void setExporter(Exporter exporter) {
    this.exporter = exporter;
  }

  public List<Propagator> getPropagators() {
    return propagators;
  }

  public void setPropagators(List<Propagator> propagators) {
    this.propagators = propagators;
  }

  public Sampler getSampler() {
    return sampler;
  }

  public void setSampler(Sampler sampler) {
    this.sampler = sampler;
  }

  public Resource getResource() {
    return resource;
  }

  public void setResource(Resource resource) {
    this.resource = resource;
  }

  public Defaults getDefaults() {
    return defaults;
  }

  public void setDefaults(Defaults defaults) {
    this.defaults = defaults;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }

  public PullPolicy getImagePullPolicy() {
    return imagePullPolicy;
  }

  public void setImagePullPolicy(PullPolicy imagePullPolicy) {
    this.imagePullPolicy = imagePullPolicy;
  }

  public SecurityContext getInitContainerSecurityContext() {
    return initContainerSecurityContext;
  }

  public void setInitContainerSecurityContext(SecurityContext initContainerSecurityContext) {
    this.initContainerSecurityContext = initContainerSecurityContext;
  }

  public JavaSpec getJava() {
    return java;
  }

  public void setJava(JavaSpec java) {
    this.java = java;
  }

  public PythonSpec getPython() {
    return python;
  }

  public void setPython(PythonSpec python) {
    this.python = python;
  }

  public NodeJsSpec getNodejs() {
    return nodejs;
  }

  public void setNodejs(NodeJsSpec nodejs) {
    this.nodejs = nodejs;
  }

  public DotNetSpec getDotnet() {
    return dotnet;
  }

  public void setDotnet(DotNetSpec dotnet) {
    this.dotnet = dotnet;
  }

  public GoSpec getGo() {
    return go;
  }

  public void setGo(GoSpec go) {
    this.go = go;
  }

  public ApacheHttpdSpec getApacheHttpd() {
    return apacheHttpd;
  }

  public void setApacheHttpd(ApacheHttpdSpec apacheHttpd) {
    this.apacheHttpd = apacheHttpd;
  }

  public NginxSpec getNginx() {
    return nginx;
  }

  public void setNginx(NginxSpec nginx) {
    this.nginx = nginx;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof InstrumentationSpec other)) {
      return false;
    }
    return Objects.equals(exporter, other.exporter)
        && Objects.equals(propagators, other.propagators)
        && Objects.equals(sampler, other.sampler)
        && Objects.equals(resource, other.resource)
        && Objects.equals(defaults, other.defaults)
        && Objects.equals(env, other.env)
        && Objects.equals(imagePullPolicy, other.imagePullPolicy)
        && Objects.equals(initContainerSecurityContext, other.initContainerSecurityContext)
        && Objects.equals(java, other.java)
        && Objects.equals(python, other.python)
        && Objects.equals(nodejs, other.nodejs)
        && Objects.equals(dotnet, other.dotnet)
        && Objects.equals(go, other.go)
        && Objects.equals(apacheHttpd, other.apacheHttpd)
        && Objects.equals(nginx, other.nginx)
        && Objects.equals(rollout, other.rollout)
        && Objects.equals(selector, other.selector)
        && Objects.equals(rollback, other.rollback);
  }

  @Override
  public int hashCode() {
    return Objects.hash(exporter, propagators, sampler, resource, defaults, env, imagePullPolicy, initContainerSecurityContext, java, python,
        nodejs, dotnet, go, apacheHttpd, nginx, rollout, selector, rollback);
  }

  @Override
  public String toString() {
    return "InstrumentationSpec{" + "exporter=" + exporter + ", propagators=" + propagators + ", sampler=" + sampler + ", resource=" + resource + ", defaults=" + defaults + ", env=" + env + ", imagePullPolicy=" + imagePullPolicy + ", initContainerSecurityContext=" + initContainerSecurityContext + ", java=" + java + ", python=" + python
        + ", nodejs=" + nodejs + ", dotnet=" + dotnet + ", go=" + go + ", apacheHttpd=" + apacheHttpd + ", nginx=" + nginx + ", rollout=" + rollout + ", selector=" + selector + ", rollback=" + rollback + "}";
  }
}
