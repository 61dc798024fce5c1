package dev.instrumentor.webhook.agent;

import dev.instrumentor.api.InstrumentorAnnotations;
import java.util.Map;

/**
 * A setting's annotation as found on a pod or its Namespace, under Instrumentor's key or the
 * OpenTelemetry Operator's equivalent ({@link InstrumentorAnnotations.Upstream#of}): the pod before
 * its Namespace and, on each, ours before upstream's.
 *
 * @param key   the key it was found under
 * @param value its value (not blank)
 * @param where {@code pod} or {@code namespace}
 */
record AnnotationValue(String key, String value, String where) {

  /** The value of {@code ours} or its upstream equivalent, or null when neither is set (or only blank). */
  static AnnotationValue of(String ours, Map<String, String> pod, Map<String, String> namespace) {
    AnnotationValue found = on(ours, pod, "pod");
    return found != null ? found : on(ours, namespace, "namespace");
  }

  /** The value of {@code ours} or its upstream equivalent on one object, or null. */
  static AnnotationValue on(String ours, Map<String, String> annotations, String where) {
    if (annotations == null) {
      return null;
    }
    for (String key : new String[] {ours, InstrumentorAnnotations.Upstream.of(ours)}) {
      String value = annotations.get(key);
      if (value != null && !value.isBlank()) {
        return new AnnotationValue(key, value, where);
      }
    }
    return null;
  }

  /** Whether it was found under the OpenTelemetry Operator's key. */
  boolean upstream() {
    return key.startsWith(InstrumentorAnnotations.Upstream.PREFIX);
  }
}
