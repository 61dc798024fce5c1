package dev.instrumentor.webhook.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The process's one fabric8 serialization: the client, its informers, JOSDK's cloner, the webhook and the
 * reconcilers share its ObjectMapper, so that each model class is introspected and its deserializer built once
 * (each {@code new KubernetesSerialization()} has an ObjectMapper and caches of its own).
 *
 * <p>Unlike fabric8's default it does not look for every kind of the model on the class path: that
 * {@link java.util.ServiceLoader} loads and instantiates every kind (~750 classes, ~470 of them used by nothing else:
 * Gateway API, flow control, dynamic resource allocation...) the first time a watch event is read, and the operator
 * watches about fifteen kinds. The kinds
 * to read by their type are registered ({@link KubernetesSerialization#registerKubernetesResource}) before a
 * client reads watch events of them; a watch event of another kind is still read right (fabric8 reads it as a
 * {@code GenericKubernetesResource} and converts it to the watched type), only with twice the work. Offline
 * commands that read any kind from YAML ({@code inject}, {@code render}) keep fabric8's default.
 */
public final class KubeSerialization {

  /** The shared instance. */
  public static final KubernetesSerialization SHARED = create();

  private KubeSerialization() {
  }

  /** A new serialization as {@link #SHARED} is made: fabric8's, without the class path scan. */
  public static KubernetesSerialization create() {
    return new KubernetesSerialization(new ObjectMapper(), false);
  }
}
