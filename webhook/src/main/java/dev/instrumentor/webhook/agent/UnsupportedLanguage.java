package dev.instrumentor.webhook.agent;

import dev.instrumentor.api.InstrumentorAnnotations;
import dev.instrumentor.api.Language;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectionRequestValue;
import dev.instrumentor.webhook.mutation.Injector;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodEdits;
import dev.instrumentor.webhook.mutation.PodJson;
import java.util.List;

/**
 * A language the OpenTelemetry Operator injects and Instrumentor does not: a pod that asks for it
 * with the upstream annotation is admitted unchanged with a skipped outcome that says so, rather
 * than silently.
 */
final class UnsupportedLanguage implements Injector {

  private final String name;
  private final String annotation;
  private final String description;

  private UnsupportedLanguage(String name, String annotation, String description) {
    this.name = name;
    this.annotation = annotation;
    this.description = description;
  }

  /** Apache HTTPD and nginx. */
  static List<Injector> all() {
    return List.of(
        new UnsupportedLanguage("apache-httpd", InstrumentorAnnotations.Upstream.INJECT_APACHE_HTTPD,
            "the Apache HTTPD OpenTelemetry module"),
        new UnsupportedLanguage("nginx", InstrumentorAnnotations.Upstream.INJECT_NGINX, "the nginx OpenTelemetry module"));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String annotation() {
    return annotation;
  }

  @Override
  public boolean alreadyInjected(PodJson pod) {
    return false;
  }

  @Override
  public InjectionOutcome inject(PodJson pod, PodContext context, InjectionRequestValue request, PodEdits edits) {
    return InjectionOutcome.skipped(name, "Instrumentor does not inject " + description + ", which " + annotation
        + " asks for: the pod runs without it (Instrumentor injects " + Language.listed() + ")", null);
  }
}
