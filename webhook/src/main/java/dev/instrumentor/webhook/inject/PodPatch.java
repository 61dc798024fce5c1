package dev.instrumentor.webhook.inject;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.EnumSet;

/**
 * The RFC 6902 JSON patch from one object to another, with add, replace and remove operations only.
 * Both sides go through the same serialization, so the patch holds only what changed, and applies
 * to the object as the user or the API server wrote it (fields the model does not know included).
 */
public final class PodPatch {

  private static final EnumSet<DiffFlags> FLAGS = EnumSet.of(
      DiffFlags.OMIT_VALUE_ON_REMOVE, DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION);

  private PodPatch() {
  }

  /** The patch turning {@code before} into {@code after}; an empty array when they are equal. */
  public static JsonNode diff(KubernetesSerialization serialization, Object before, Object after) {
    return JsonDiff.asJson(serialization.convertValue(before, JsonNode.class),
        serialization.convertValue(after, JsonNode.class), FLAGS);
  }
}
