package dev.instrumentor.webhook.mutation;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What an {@code inject-*} annotation asks for, after applying the pod-versus-namespace rule: the
 * pod's value wins over the Namespace's, except a pod {@code "true"} under a Namespace that names a
 * resource, which then uses the named one. Shared by every kind of injection (languages, sidecar).
 */
public sealed interface InjectionRequestValue {

  /** Neither the pod nor its Namespace carries the annotation. */
  record NotRequested() implements InjectionRequestValue {
  }

  /** {@code "false"}: declined on the pod or the Namespace ({@code where}). */
  record Disabled(String where) implements InjectionRequestValue {
  }

  /** {@code "true"}: the only resource of the kind in the pod's namespace. */
  record OnlyOneInNamespace() implements InjectionRequestValue {
  }

  /** {@code "<name>"} or {@code "<namespace>/<name>"}. */
  record Named(String namespace, String name) implements InjectionRequestValue {
    public String reference() {
      return namespace + "/" + name;
    }
  }

  /**
   * No annotation asks; the {@code spec.selector} of Instrumentation {@code namespace/name} chose the pod, and
   * detection the {@code containers} of the injection's language ({@code why}: how it told, for the outcome).
   */
  record Selected(String namespace, String name, List<String> containers, String why) implements InjectionRequestValue {
    public Selected {
      containers = List.copyOf(containers);
    }

    public String reference() {
      return namespace + "/" + name;
    }
  }

  /** What the status annotation records as the request of a pod a selector chose ({@code requestedWith}). */
  String SELECTOR = "spec.selector";

  /** A value that is none of the above (e.g. {@code "yes please"}). */
  record Invalid(String value, String where) implements InjectionRequestValue {
    /** What is wrong, {@code key} being the annotation that carries the value. */
    public String problem(String key) {
      return key + " on the " + where + " is \"" + value + "\": use \"true\", \"false\", \"<name>\" or \"<namespace>/<name>\"";
    }
  }

  /** DNS-1123 subdomain, the shape of a Kubernetes object name. */
  Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /**
   * Resolves annotation {@code key} of a pod in {@code podNamespace}.
   *
   * @param podAnnotations       the pod's annotations (may be null)
   * @param namespaceAnnotations its Namespace's annotations (may be null)
   */
  static InjectionRequestValue resolve(String key, Map<String, String> podAnnotations,
      Map<String, String> namespaceAnnotations, String podNamespace) {
    return decide(key, null, podAnnotations, namespaceAnnotations, podNamespace).value();
  }

  /**
   * What a request resolved to, and the annotation key that decided it.
   *
   * @param key {@code ours}, or the upstream key when that one decided
   */
  record Decided(InjectionRequestValue value, String key) {
  }

  /**
   * Resolves annotation {@code ours}, or on an object that does not carry it {@code upstream} (the
   * OpenTelemetry Operator's equivalent; may be null), of a pod in {@code podNamespace}.
   */
  static Decided decide(String ours, String upstream, Map<String, String> podAnnotations,
      Map<String, String> namespaceAnnotations, String podNamespace) {
    String podKey = present(podAnnotations, ours, upstream);
    String namespaceKey = present(namespaceAnnotations, ours, upstream);
    String pod = podKey == null ? null : value(podAnnotations, podKey);
    String namespace = namespaceKey == null ? null : value(namespaceAnnotations, namespaceKey);
    if (pod == null && namespace == null) {
      return new Decided(new NotRequested(), ours);
    }
    if (pod != null) {
      InjectionRequestValue fromPod = parse(pod, "pod", podNamespace);
      if (fromPod instanceof OnlyOneInNamespace && namespace != null
          && parse(namespace, "namespace", podNamespace) instanceof Named named) {
        return new Decided(named, namespaceKey);
      }
      return new Decided(fromPod, podKey);
    }
    return new Decided(parse(namespace, "namespace", podNamespace), namespaceKey);
  }

  /** {@code ours} when the annotations carry it, else {@code upstream} when they carry that, else null. */
  private static String present(Map<String, String> annotations, String ours, String upstream) {
    if (value(annotations, ours) != null) {
      return ours;
    }
    return upstream != null && value(annotations, upstream) != null ? upstream : null;
  }

  private static String value(Map<String, String> annotations, String key) {
    if (annotations == null) {
      return null;
    }
    String value = annotations.get(key);
    return value == null ? null : value.trim();
  }

  private static InjectionRequestValue parse(String value, String where, String podNamespace) {
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.equals("true")) {
      return new OnlyOneInNamespace();
    }
    if (lower.equals("false")) {
      return new Disabled(where);
    }
    int slash = value.indexOf('/');
    String namespace = slash < 0 ? podNamespace : value.substring(0, slash);
    String name = slash < 0 ? value : value.substring(slash + 1);
    if (NAME.matcher(name).matches() && NAME.matcher(namespace).matches() && name.length() <= 253) {
      return new Named(namespace, name);
    }
    return new Invalid(value, where);
  }
}
