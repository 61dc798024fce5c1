package dev.instrumentor.webhook.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.webhook.testing.AdmissionReviews;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PodPatchTest {

  private static JsonNode json(String text) {
    return AdmissionReviews.read(text.replace('\'', '"'));
  }

  private static void assertPatchTurns(JsonNode before, JsonNode after) {
    ArrayNode patch = PodPatch.diff(before, after);
    assertThat(JsonPatch.apply(patch, before)).as("patch %s", patch).isEqualTo(after);
  }

  @Test
  void minimalOperationsForTheShapesInjectionProduces() {
    assertThat(PodPatch.diff(json("{'a':1}"), json("{'a':1}"))).isEmpty();
    assertThat(PodPatch.diff(json("{'a':{'b':1}}"), json("{'a':{'b':1,'c':2}}")).toString())
        .isEqualTo("[{\"op\":\"add\",\"path\":\"/a/c\",\"value\":2}]");
    assertThat(PodPatch.diff(json("{'l':[1,2]}"), json("{'l':[1,2,3]}")).toString())
        .isEqualTo("[{\"op\":\"add\",\"path\":\"/l/2\",\"value\":3}]");
    assertThat(PodPatch.diff(json("{'l':[1,2]}"), json("{'l':[0,1,2]}")).toString())
        .isEqualTo("[{\"op\":\"replace\",\"path\":\"/l\",\"value\":[0,1,2]}]");
    assertThat(PodPatch.diff(json("{'l':[{'x':1},{'y':2}]}"), json("{'l':[{'x':1},{'y':3}]}")).toString())
        .isEqualTo("[{\"op\":\"replace\",\"path\":\"/l/1/y\",\"value\":3}]");
    assertThat(PodPatch.diff(json("{'a':1,'b':2}"), json("{'b':2}")).toString())
        .isEqualTo("[{\"op\":\"remove\",\"path\":\"/a\"}]");
    assertThat(PodPatch.diff(json("{'m':{}}"), json("{'m':{'instrumentor.dev/x~y':'v'}}")).toString())
        .isEqualTo("[{\"op\":\"add\",\"path\":\"/m/instrumentor.dev~1x~0y\",\"value\":\"v\"}]");
  }

  @Test
  void randomChangesToARealPodAlwaysPatchBackExactly() {
    Random random = new Random(42);
    JsonNode pod = AdmissionReviews.deploymentPodCreate().path("request").path("object");
    for (int i = 0; i < 2000; i++) {
      JsonNode changed = pod.deepCopy();
      for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
        edit(changed, random);
      }
      assertPatchTurns(pod, changed);
      assertPatchTurns(changed, pod);
    }
  }

  private static void edit(JsonNode root, Random random) {
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode target = containers.get(random.nextInt(containers.size()));
    if (target instanceof ObjectNode object) {
      switch (random.nextInt(3)) {
        case 0 -> object.put("k" + random.nextInt(5), random.nextInt(3));
        case 1 -> {
          Iterator<String> names = object.fieldNames();
          if (names.hasNext()) {
            object.remove(names.next());
          }
        }
        default -> object.putArray("list" + random.nextInt(2)).add(random.nextInt(3));
      }
    } else if (target instanceof ArrayNode array) {
      switch (random.nextInt(3)) {
        case 0 -> array.add(JsonNodeFactory.instance.objectNode().put("added", random.nextInt(3)));
        case 1 -> array.insert(0, JsonNodeFactory.instance.textNode("first"));
        default -> {
          if (!array.isEmpty()) {
            array.remove(random.nextInt(array.size()));
          }
        }
      }
    }
  }

  private static void collect(JsonNode node, List<JsonNode> containers) {
    if (node.isContainerNode()) {
      containers.add(node);
      if (node.isObject()) {
        node.properties().forEach(field -> collect(field.getValue(), containers));
      } else {
        node.forEach(child -> collect(child, containers));
      }
    }
  }
}
