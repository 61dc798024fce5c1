package dev.instrumentor.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.testing.AdmissionReviews;
import dev.instrumentor.webhook.testing.Fixtures;
import dev.instrumentor.webhook.testing.TestTls;
import io.fabric8.zjsonpatch.JsonPatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thousands of corrupted real AdmissionReviews: every answer must be well-formed (an allowed
 * AdmissionReview echoing the uid, or a 4xx JSON error when no uid is readable), never a 5xx, and
 * the server keeps serving. The seed is fixed so a failure reproduces; change it to explore.
 */
class CorruptedRequestsTest {

  private static final long SEED = Long.getLong("resilience.seed", 20261121L);
  /** {@code -Dresilience.scale=10} multiplies every count (benchmarks/run.sh resilience). */
  private static final int SCALE = Integer.getInteger("resilience.scale", 1);
  private static final String UID = "8d3c7b0e-3f4a-4c55-9b8e-2a1f6e0c9d11";
  private final PodAdmission admission = new PodAdmission(
      Fixtures.javaMutator(InstrumentationSource.of(List.of(Fixtures.instrumentation("demo", "java", "http://c:4317"))),
          InjectorSettings.defaults()),
      NamespaceAnnotations.none(), AdmissionObserver.NONE);
  private final byte[] original = AdmissionReviews.bytes(AdmissionReviews.deploymentPodCreate());

  @Test
  void byteLevelCorruptionAlwaysGetsAWellFormedAnswer() {
    Random random = new Random(SEED);
    for (int i = 0; i < 3000 * SCALE; i++) {
      byte[] corrupted = corruptBytes(original, random);
      AdmissionResponse response = admission.handle("application/json", corrupted, corrupted.length, false, 1 << 22);
      assertWellFormed(i, response.status(), response.bodyText(), corrupted);
    }
  }

  /**
   * Under the chart's {@code -Xss512k} a deep nesting must still get an answer: whatever the reader
   * does (a guard, or a StackOverflowError that is caught), the pod is admitted, never left unanswered.
   */
  @ParameterizedTest
  @ValueSource(ints = {600, 5_000, 200_000})
  void absurdNestingUnderTheChartsStackSizeGetsAnAllowedAnswer(int depth) throws Exception {
    String review = new String(original, StandardCharsets.UTF_8);
    String nested = "[".repeat(depth) + "]".repeat(depth);
    byte[] body = review.replaceFirst("\"labels\":\\{", "\"labels\":{\"deep\":" + Matcher.quoteReplacement(nested) + ",")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(new String(body, StandardCharsets.UTF_8)).contains("\"deep\":[[[");
    AdmissionResponse[] answer = new AdmissionResponse[1];
    Throwable[] thrown = new Throwable[1];
    Thread worker = new Thread(null, () -> {
      try {
        answer[0] = admission.handle("application/json", body, body.length, false, 1 << 22);
      } catch (Throwable t) {
        thrown[0] = t;
      }
    }, "xss512k", 512 * 1024);
    worker.start();
    worker.join();
    assertThat(thrown[0]).as("nothing escapes handle()").isNull();
    assertThat(answer[0].status()).isEqualTo(200);
    JsonNode json = assertWellFormed(depth, answer[0].status(), answer[0].bodyText(), body);
    assertThat(json.path("response").path("allowed").asBoolean()).isTrue();
    assertThat(json.path("response").path("uid").asText()).isEqualTo(UID);
  }

  @Test
  void structuralCorruptionAlwaysGetsAnAllowedAnswerWithTheUid() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < 2000 * SCALE; i++) {
      ObjectNode review = AdmissionReviews.deploymentPodCreate();
      JsonNode object = review.path("request").path("object");
      corruptTree(object, random, 1 + random.nextInt(3));
      byte[] body = AdmissionReviews.bytes(review);
      AdmissionResponse response = admission.handle("application/json", body, body.length, false, 1 << 22);
      assertThat(response.status()).as("case %d: %s", i, review).isEqualTo(200);
      JsonNode answer = assertWellFormed(i, response.status(), response.bodyText(), body);
      assertThat(answer.path("response").path("uid").asText()).isEqualTo(UID);
    }
  }

  /**
   * Shapes a byte or tree mutation rarely makes: duplicate keys (the last wins, as in the API
   * server's own decoder), huge strings, huge numbers, thousands of containers asked for by name,
   * invalid UTF-8. Each gets an allowed answer with the uid, and any patch applies.
   */
  @Test
  void hostileShapesGetAnAllowedAnswerWithTheUid() {
    String review = new String(original, StandardCharsets.UTF_8);
    StringBuilder manyContainers = new StringBuilder("\"containers\":[");
    StringBuilder manyNames = new StringBuilder();
    for (int i = 0; i < 7000; i++) {
      manyContainers.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"image\":\"x\"}");
      manyNames.append(i == 0 ? "" : ",").append('c').append(i);
    }
    manyContainers.append("],\"ignored\":[");
    List<byte[]> cases = List.of(
        review.replaceFirst("\"uid\":", "\"uid\":\"first\",\"uid\":").getBytes(StandardCharsets.UTF_8),
        review.replaceFirst("\"containers\":\\[", "\"containers\":[],\"containers\":[").getBytes(StandardCharsets.UTF_8),
        review.replaceFirst("\"labels\":\\{", "\"labels\":{\"huge\":\"" + "x".repeat(3_000_000) + "\",")
            .getBytes(StandardCharsets.UTF_8),
        review.replaceFirst("\"labels\":\\{", "\"labels\":{\"n\":1e999999999,\"m\":" + "9".repeat(5000) + ",")
            .getBytes(StandardCharsets.UTF_8),
        review.replaceFirst("\"containers\":\\[", manyContainers.toString())
            .replaceFirst("\"annotations\":\\{", "\"annotations\":{\"instrumentor.dev/container-names\":\""
                + manyNames + "\",").getBytes(StandardCharsets.UTF_8),
        withInvalidUtf8(review, "\"image\":\""),
        withInvalidUtf8(review, "\"managedFields\":[{\"manager\":\""));
    for (int i = 0; i < cases.size(); i++) {
      byte[] body = cases.get(i);
      assertThat(body.length).as("case %d is a change of the review", i).isNotEqualTo(original.length);
      AdmissionResponse response = admission.handle("application/json", body, body.length, false, 1 << 23);
      assertThat(response.status()).as("case %d", i).isEqualTo(200);
      JsonNode answer = assertWellFormed(i, response.status(), response.bodyText(), body);
      assertThat(answer.path("response").path("uid").asText()).as("case %d", i).isIn(UID, "first");
      assertThat(response.body().length).as("case %d: the answer stays small", i).isLessThan(64 * 1024);
    }
  }

  private static byte[] withInvalidUtf8(String review, String after) {
    int at = review.indexOf(after);
    assertThat(at).as(after).isPositive();
    byte[] head = review.substring(0, at + after.length()).getBytes(StandardCharsets.UTF_8);
    byte[] tail = review.substring(at + after.length()).getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + 3 + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    out[head.length] = (byte) 0xC3;
    out[head.length + 1] = (byte) 0x28; // not a continuation byte
    out[head.length + 2] = (byte) 0xFF;
    System.arraycopy(tail, 0, out, head.length + 3, tail.length);
    return out;
  }

  @Test
  void theHttpsServerKeepsServingThroughCorruptedRequests(@TempDir Path directory) throws Exception {
    TestTls tls = new TestTls(directory);
    try (AdmissionServer server = new AdmissionServer(
        new AdmissionServerConfig("127.0.0.1", 0, tls.certificateFile, tls.keyFile, 1 << 20, 2, Duration.ofHours(1),
            64, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)),
        admission, () -> true).start()) {
      HttpClient client = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
      URI uri = URI.create("https://localhost:" + server.port() + "/mutate-pod");
      Random random = new Random(SEED + 2);
      for (int i = 0; i < 300 * SCALE; i++) {
        byte[] corrupted = corruptBytes(original, random);
        String contentType = random.nextInt(10) == 0 ? "text/plain" : "application/json";
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(corrupted)).build(), HttpResponse.BodyHandlers.ofString());
        assertWellFormed(i, response.statusCode(), response.body(), corrupted);
      }
      HttpResponse<String> valid = client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(original)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(valid.statusCode()).isEqualTo(200);
      assertThat(AdmissionReviews.patch(AdmissionReviews.read(valid.body()))).isNotEmpty();
    }
  }

  private static JsonNode assertWellFormed(int i, int status, String body, byte[] request) {
    String what = "case " + i + ": " + new String(request, StandardCharsets.UTF_8);
    assertThat(status).as(what).isIn(200, 400, 413, 415);
    JsonNode answer = AdmissionReviews.read(body);
    if (status != 200) {
      assertThat(answer.path("error").asText()).as(what).isNotEmpty();
      return answer;
    }
    assertThat(answer.path("kind").asText()).as(what).isEqualTo("AdmissionReview");
    assertThat(answer.path("apiVersion").asText()).as(what).startsWith("admission.k8s.io/");
    assertThat(answer.path("response").path("uid").asText()).as(what).isNotEmpty();
    assertThat(answer.path("response").path("allowed").asBoolean()).as(what).isTrue();
    JsonNode patch = AdmissionReviews.patch(answer);
    if (patch != null) {
      // a patch must apply to the object the API server holds
      JsonNode object = AdmissionReviews.read(new String(request, StandardCharsets.UTF_8)).path("request").path("object");
      assertThat(JsonPatch.apply(patch, object)).as(what).isNotNull();
    }
    return answer;
  }

  private static byte[] corruptBytes(byte[] input, Random random) {
    byte[] bytes = input.clone();
    switch (random.nextInt(5)) {
      case 0 -> {
        return Arrays.copyOf(bytes, random.nextInt(bytes.length));
      }
      case 1 -> {
        for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        return bytes;
      }
      case 2 -> {
        int at = random.nextInt(bytes.length);
        byte[] noise = new byte[1 + random.nextInt(16)];
        random.nextBytes(noise);
        byte[] out = new byte[bytes.length + noise.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(noise, 0, out, at, noise.length);
        System.arraycopy(bytes, at, out, at + noise.length, bytes.length - at);
        return out;
      }
      case 3 -> {
        int from = random.nextInt(bytes.length);
        int to = Math.min(bytes.length, from + 1 + random.nextInt(64));
        byte[] out = new byte[bytes.length - (to - from)];
        System.arraycopy(bytes, 0, out, 0, from);
        System.arraycopy(bytes, to, out, from, bytes.length - to);
        return out;
      }
      default -> {
        // swap two structural characters
        String text = new String(bytes, StandardCharsets.UTF_8);
        char[] structural = {'{', '}', '[', ']', ':', ',', '"'};
        char a = structural[random.nextInt(structural.length)];
        char b = structural[random.nextInt(structural.length)];
        int at = text.indexOf(a, random.nextInt(text.length()));
        return at < 0 ? bytes : (text.substring(0, at) + b + text.substring(at + 1)).getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  /** Replaces random nodes of the pod with values of the wrong type, or removes them. */
  private static void corruptTree(JsonNode root, Random random, int times) {
    for (int t = 0; t < times; t++) {
      List<Map.Entry<JsonNode, Object>> slots = new ArrayList<>();
      collect(root, slots);
      if (slots.isEmpty()) {
        return;
      }
      Map.Entry<JsonNode, Object> slot = slots.get(random.nextInt(slots.size()));
      JsonNode replacement = switch (random.nextInt(7)) {
        case 0 -> JsonNodeFactory.instance.textNode("x".repeat(random.nextInt(5)));
        case 1 -> JsonNodeFactory.instance.numberNode(random.nextInt() - 1000);
        case 2 -> JsonNodeFactory.instance.nullNode();
        case 3 -> JsonNodeFactory.instance.arrayNode().add(random.nextBoolean());
        case 4 -> JsonNodeFactory.instance.objectNode().put("unexpected", "value");
        case 5 -> JsonNodeFactory.instance.booleanNode(random.nextBoolean());
        default -> null; // remove
      };
      if (slot.getKey() instanceof ObjectNode parent) {
        if (replacement == null) {
          parent.remove((String) slot.getValue());
        } else {
          parent.set((String) slot.getValue(), replacement);
        }
      } else if (slot.getKey() instanceof ArrayNode parent) {
        int index = (Integer) slot.getValue();
        if (replacement == null) {
          parent.remove(index);
        } else {
          parent.set(index, replacement);
        }
      }
    }
  }

  private static void collect(JsonNode node, List<Map.Entry<JsonNode, Object>> slots) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        slots.add(Map.entry(object, field.getKey()));
        collect(field.getValue(), slots);
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        slots.add(Map.entry(array, i));
        collect(array.get(i), slots);
      }
    }
  }
}
