package dev.instrumentor.operator.collector;

import dev.instrumentor.api.v1alpha1.ConfigMapMount;
import dev.instrumentor.api.v1alpha1.TelemetryCollectorSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Pure code: the Secrets and ConfigMaps a collector's pods read (through {@code env}, {@code envFrom}
 * and volumes), and a hash of their content for the pod template, so that rotating a credential rolls
 * the pods. The hash covers content only (keys and bytes, not resourceVersion or labels), so the
 * operator's cache and an offline render of the same objects give the same bytes.
 */
public final class CollectorInputs {

  /** Pod-template annotation: the content hash of every Secret and ConfigMap the pods read. */
  public static final String INPUTS_HASH_ANNOTATION = "instrumentor.dev/inputs-hash";
  /** What the operator's cache keeps of a Secret or ConfigMap instead of its data. */
  static final String CONTENT_ANNOTATION = "instrumentor.dev/content-sha256";
  private static final String ABSENT = "absent";

  /** A Secret or ConfigMap the pods read; {@code optional} ones may be absent without the pods waiting. */
  public record Ref(String kind, String name, boolean optional, String via) {
    String key() {
      return kind + "/" + name;
    }
  }

  /** The content hash over all inputs, and the required ones that do not exist. */
  public record Versions(String hash, List<Ref> missing) {
  }

  private CollectorInputs() {
  }

  /** Every Secret and ConfigMap the spec names, one entry per object (required wins over optional). */
  public static List<Ref> referenced(TelemetryCollectorSpec spec) {
    Map<String, Ref> refs = new TreeMap<>();
    for (EnvVar env : nullSafe(spec.getEnv())) {
      if (env.getValueFrom() == null) {
        continue;
      }
      var secret = env.getValueFrom().getSecretKeyRef();
      if (secret != null) {
        add(refs, new Ref("Secret", secret.getName(), Boolean.TRUE.equals(secret.getOptional()), "env " + env.getName()));
      }
      var configMap = env.getValueFrom().getConfigMapKeyRef();
      if (configMap != null) {
        add(refs, new Ref("ConfigMap", configMap.getName(), Boolean.TRUE.equals(configMap.getOptional()),
            "env " + env.getName()));
      }
    }
    for (EnvFromSource from : nullSafe(spec.getEnvFrom())) {
      if (from.getSecretRef() != null) {
        add(refs, new Ref("Secret", from.getSecretRef().getName(), Boolean.TRUE.equals(from.getSecretRef().getOptional()),
            "envFrom"));
      }
      if (from.getConfigMapRef() != null) {
        add(refs, new Ref("ConfigMap", from.getConfigMapRef().getName(),
            Boolean.TRUE.equals(from.getConfigMapRef().getOptional()), "envFrom"));
      }
    }
    for (ConfigMapMount mount : nullSafe(spec.getConfigmaps())) {
      add(refs, new Ref("ConfigMap", mount.getName(), false, "spec.configmaps"));
    }
    for (Volume volume : nullSafe(spec.getVolumes())) {
      String via = "volume " + volume.getName();
      if (volume.getSecret() != null) {
        add(refs, new Ref("Secret", volume.getSecret().getSecretName(), Boolean.TRUE.equals(volume.getSecret().getOptional()),
            via));
      }
      if (volume.getConfigMap() != null) {
        add(refs, new Ref("ConfigMap", volume.getConfigMap().getName(),
            Boolean.TRUE.equals(volume.getConfigMap().getOptional()), via));
      }
      if (volume.getProjected() != null) {
        for (VolumeProjection source : nullSafe(volume.getProjected().getSources())) {
          if (source.getSecret() != null) {
            add(refs, new Ref("Secret", source.getSecret().getName(), Boolean.TRUE.equals(source.getSecret().getOptional()),
                via));
          }
          if (source.getConfigMap() != null) {
            add(refs, new Ref("ConfigMap", source.getConfigMap().getName(),
                Boolean.TRUE.equals(source.getConfigMap().getOptional()), via));
          }
        }
      }
    }
    return List.copyOf(refs.values());
  }

  /**
   * The refs the operator can follow in {@code namespace}: every ConfigMap, and Secrets where it may
   * watch them ({@code secretNamespaces}: namespaces, {@code *} for all, empty for none).
   */
  public static List<Ref> followed(List<Ref> refs, Set<String> secretNamespaces, String namespace) {
    return refs.stream().filter(ref -> !ref.kind().equals("Secret") || watchesSecrets(secretNamespaces, namespace))
        .toList();
  }

  /** Whether Secrets of {@code namespace} are watched. */
  private static boolean watchesSecrets(Set<String> secretNamespaces, String namespace) {
    return secretNamespaces.contains("*") || secretNamespaces.contains(namespace);
  }

  private static void add(Map<String, Ref> refs, Ref ref) {
    if (ref.name() == null || ref.name().isBlank()) {
      return;
    }
    refs.merge(ref.key(), ref, (a, b) -> a.optional() ? b : a);
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }

  /**
   * The hash of the inputs' content as {@code lookup} finds them (null: does not exist); null when
   * the spec references none, so a collector that reads no Secret has no such annotation.
   */
  public static Versions versions(List<Ref> refs, Function<Ref, HasMetadata> lookup) {
    if (refs.isEmpty()) {
      return new Versions(null, List.of());
    }
    StringBuilder text = new StringBuilder();
    List<Ref> missing = new ArrayList<>();
    for (Ref ref : refs) {
      HasMetadata object = lookup.apply(ref);
      if (object == null && !ref.optional()) {
        missing.add(ref);
      }
      text.append(ref.key()).append('=').append(object == null ? ABSENT : contentHash(object)).append('\n');
    }
    return new Versions(CollectorManifests.hash(text.toString()), List.copyOf(missing));
  }

  /**
   * SHA-256 over a Secret's or ConfigMap's keys and value bytes (stringData as the API server stores
   * it: merged into data); what {@link #withoutData} kept when the object comes from the cache.
   */
  public static String contentHash(HasMetadata object) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(CONTENT_ANNOTATION) && !hasData(object)) {
      return annotations.get(CONTENT_ANNOTATION);
    }
    Map<String, byte[]> content = new TreeMap<>();
    if (object instanceof Secret secret) {
      decode(secret.getData(), content);
      if (secret.getStringData() != null) {
        secret.getStringData().forEach((key, value) -> content.put(key, value.getBytes(StandardCharsets.UTF_8)));
      }
    } else if (object instanceof ConfigMap configMap) {
      if (configMap.getData() != null) {
        configMap.getData().forEach((key, value) -> content.put("data:" + key, value.getBytes(StandardCharsets.UTF_8)));
      }
      decode(configMap.getBinaryData(), content);
    }
    StringBuilder text = new StringBuilder();
    content.forEach((key, bytes) -> text.append(key).append('=').append(Base64.getEncoder().encodeToString(bytes))
        .append('\n'));
    return CollectorManifests.hash(text.toString());
  }

  private static boolean hasData(HasMetadata object) {
    if (object instanceof Secret secret) {
      return !empty(secret.getData()) || !empty(secret.getStringData());
    }
    if (object instanceof ConfigMap configMap) {
      return !empty(configMap.getData()) || !empty(configMap.getBinaryData());
    }
    return false;
  }

  private static boolean empty(Map<?, ?> map) {
    return map == null || map.isEmpty();
  }

  private static void decode(Map<String, String> base64, Map<String, byte[]> into) {
    if (base64 != null) {
      base64.forEach((key, value) -> into.put(key, Base64.getDecoder().decode(value)));
    }
  }

  /**
   * What the operator caches of a Secret or ConfigMap: name, namespace, resourceVersion and the hash
   * of its content — never the content, so credentials are not held in the operator's memory and the
   * cache stays small. Trimmed in place: the informer hands this same object to its listeners, so no
   * full copy waits in their queue.
   */
  public static <R extends HasMetadata> R withoutData(R object) {
    String hash = contentHash(object);
    object.setMetadata(new ObjectMetaBuilder().withName(object.getMetadata().getName())
        .withNamespace(object.getMetadata().getNamespace()).withUid(object.getMetadata().getUid())
        .withResourceVersion(object.getMetadata().getResourceVersion())
        .withAnnotations(Map.of(CONTENT_ANNOTATION, hash)).build());
    if (object instanceof Secret secret) {
      secret.setData(null);
      secret.setStringData(null);
      secret.getAdditionalProperties().clear();
    } else if (object instanceof ConfigMap configMap) {
      configMap.setData(null);
      configMap.setBinaryData(null);
      configMap.getAdditionalProperties().clear();
    }
    return object;
  }

  /** "Secret grafana-cloud (envFrom), ConfigMap ca (volume ca)". */
  public static String describe(List<Ref> refs) {
    List<String> parts = new ArrayList<>();
    for (Ref ref : refs) {
      parts.add(ref.kind() + " " + ref.name() + " (" + ref.via() + ")");
    }
    return String.join(", ", new TreeSet<>(parts));
  }
}
