package dev.instrumentor.webhook.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.instrumentor.webhook.testing.AdmissionReviews;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonProjectionTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Numbers compare by value: Jackson reads 1.5 as a double, the projection as written. */
  private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> a.isNumber() && b.isNumber()
      ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

  private static JsonNode read(JsonProjection projection, String json) throws IOException {
    return projection.read(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keepsOnlyTheNamedFieldsAndListItemsInPlace() throws IOException {
    JsonProjection projection = JsonProjection.object(
        "keep", JsonProjection.WHOLE,
        "list", JsonProjection.listOf(JsonProjection.object("name", JsonProjection.WHOLE)));

    JsonNode node = read(projection, " {'skip':{'deep':[1,{'x':[2, -3.5e2, \"a\\\"b\"]}], 'n': null},'keep':{'a':[1,2]},"
        + "'list':[{'name':'a','big':{'y':true}},{'other':false},{'name':'c'}],'tail':'x'}\n");

    assertThat(node.toString().replace('"', '\''))
        .isEqualTo("{'keep':{'a':[1,2]},'list':[{'name':'a'},{},{'name':'c'}]}");
  }

  @Test
  void namesWithEscapesAreMatchedByWhatTheyMean() throws IOException {
    JsonProjection projection = JsonProjection.object("name", JsonProjection.WHOLE, "n\u00e9", JsonProjection.WHOLE);
    JsonNode node = read(projection, "{'na\\u006de':'a','n\\u00e9':'b','n\u00e9':'c','nam':'x','names':'y'}");
    assertThat(node.toString()).isEqualTo("{\"name\":\"a\",\"n\u00e9\":\"c\"}");
  }

  @Test
  void aValueOfAnotherTypeIsKeptWholeForTheReaderToReport() throws IOException {
    JsonProjection projection = JsonProjection.object("spec", JsonProjection.object("containers",
        JsonProjection.listOf(JsonProjection.object("name", JsonProjection.WHOLE))));

    assertThat(read(projection, "{'spec':'oops'}").path("spec").asText()).isEqualTo("oops");
    assertThat(read(projection, "{'spec':{'containers':{'a':1}}}").path("spec").path("containers").path("a").asInt())
        .isEqualTo(1);
    assertThat(read(projection, "{'spec':[{'x':1}]}").path("spec").toString()).isEqualTo("[{\"x\":1}]");
    assertThat(read(projection, "{'spec':{'containers':[3,null]}}").path("spec").path("containers").toString())
        .isEqualTo("[3,null]");
  }

  @Test
  void scalarsKeepTheirValues() throws IOException {
    JsonNode node = read(JsonProjection.WHOLE, "{'i':-1,'z':-0,'l':12345678901,'m':-9223372036854775808,"
        + "'b':123456789012345678901234567890,'d':0.10,'e':1E+2,'t':true,'f':false,'n':null,"
        + "'s':'caf\u00e9 \\u00e9\\n\\t\\\\\\/\\ud83d\\ude00 \ud83d\ude00','empty':'','o':{},'a':[]}");
    assertThat(node.path("i").isInt()).isTrue();
    assertThat(node.path("i").asInt()).isEqualTo(-1);
    assertThat(node.path("z").asInt()).isZero();
    assertThat(node.path("l").isLong()).isTrue();
    assertThat(node.path("m").asLong()).isEqualTo(Long.MIN_VALUE);
    assertThat(node.path("b").bigIntegerValue().toString()).isEqualTo("123456789012345678901234567890");
    assertThat(node.path("d").decimalValue().toPlainString()).isEqualTo("0.10");
    assertThat(node.path("e").decimalValue().intValueExact()).isEqualTo(100);
    assertThat(node.path("t").booleanValue()).isTrue();
    assertThat(node.path("f").booleanValue()).isFalse();
    assertThat(node.path("n").isNull()).isTrue();
    assertThat(node.path("s").asText()).isEqualTo("café é\n\t\\/\ud83d\ude00 \ud83d\ude00");
    assertThat(node.path("empty").asText()).isEmpty();
    assertThat(node.path("o").isObject()).isTrue();
    assertThat(node.path("a").isArray()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "{", "{'a'}", "{'a':}", "{'a':1,}", "{,}", "[1,]", "[1 2]", "{'a' 1}", "{a:1}",
      "01", "1.", "-", "1e", "+1", ".5", "tru", "nul", "'abc", "'a\\x'", "'\\u12G4'", "'\\u12'", "'tab\there'",
      "{} {}", "[]]", "{'a':1}}", "'\\", "NaN"})
  void malformedJsonFailsWhereverItIs(String json) {
    JsonProjection skipsEverything = JsonProjection.object();
    for (JsonProjection projection : List.of(JsonProjection.WHOLE, skipsEverything)) {
      assertThatThrownBy(() -> read(projection, json)).as(json).isInstanceOf(IOException.class)
          .hasMessageStartingWith("malformed JSON at byte");
      assertThatThrownBy(() -> read(projection, "{'skipped':" + json + "}")).as(json).isInstanceOf(IOException.class);
    }
  }

  @Test
  void deepNestingIsRefusedBeforeTheStackIs() throws IOException {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    for (JsonProjection projection : List.of(JsonProjection.object(), JsonProjection.WHOLE)) {
      assertThatThrownBy(() -> read(projection, "{'x':" + deep + "}"))
          .hasMessageContaining("nested deeper than " + AdmissionJson.MAX_DEPTH);
    }
    String deepest = "[".repeat(AdmissionJson.MAX_DEPTH - 1) + "]".repeat(AdmissionJson.MAX_DEPTH - 1);
    assertThat(read(JsonProjection.WHOLE, "{'x':" + deepest + "}").path("x").isArray()).isTrue();
  }

  @Test
  void readsWholeDocumentsAsJacksonDoes() throws IOException {
    for (JsonNode document : List.of(AdmissionReviews.deploymentPodCreate(),
        JSON.readTree("{\"k\":[1,-2.5,3e10,{\"u\":\"\\u0041\\u00e9\"},[],{}],\"t\":[true,false,null]}"))) {
      byte[] bytes = JSON.writeValueAsBytes(document);
      assertThat(JsonProjection.WHOLE.read(bytes).equals(SAME_VALUE, JSON.readTree(bytes))).isTrue();
    }
  }

  /** Strings are scanned eight bytes at a time: every special byte at every offset of a word. */
  @Test
  void stringsAgreeWithJacksonWhereverTheirSpecialBytesFall() throws IOException {
    List<String> specials = List.of("\\\"", "\\\\", "\\n", "\\u00e9", "\u00e9", "\u20ac", "\ud83d\ude00", "\t", "\u0001", "\"");
    int compared = 0;
    for (int length = 0; length <= 20; length++) {
      for (int position = 0; position <= length; position++) {
        for (String special : specials) {
          String content = "a".repeat(position) + special + "b".repeat(length - position);
          for (String document : List.of("{\"k\":\"" + content + "\",\"n\":1}", "[\"" + content + "\"]")) {
            byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
            JsonNode jackson;
            try {
              jackson = JSON.readTree(bytes);
            } catch (IOException e) {
              jackson = null;
            }
            for (JsonProjection projection : List.of(JsonProjection.WHOLE, JsonProjection.object("n", JsonProjection.WHOLE))) {
              JsonNode ours;
              try {
                ours = projection.read(bytes);
              } catch (IOException e) {
                ours = null;
              }
              assertThat(ours == null).as(document).isEqualTo(jackson == null);
              if (ours != null && projection == JsonProjection.WHOLE) {
                assertThat(ours).as(document).isEqualTo(jackson);
                compared++;
              }
            }
          }
        }
      }
    }
    assertThat(compared).isGreaterThan(2000);
  }

  /**
   * Differential fuzzing against Jackson: an AdmissionReview with random ASCII bytes replaced,
   * inserted or deleted is accepted by both or refused by both, and read the same.
   */
  @Test
  void agreesWithJacksonOnCorruptedReviews() throws IOException {
    byte[] original = JSON.writeValueAsBytes(AdmissionReviews.deploymentPodCreate());
    byte[] alphabet = "{}[],:\"\\ 0123456789.-+eEtrufalsn/u\tx".getBytes(StandardCharsets.US_ASCII);
    Random random = new Random(42);
    int accepted = 0;
    for (int round = 0; round < 3000; round++) {
      byte[] bytes = original.clone();
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(bytes.length);
        byte b = alphabet[random.nextInt(alphabet.length)];
        switch (random.nextInt(3)) {
          case 0 -> bytes[at] = b;
          case 1 -> bytes = splice(bytes, at, new byte[] {b}, 0);
          default -> bytes = splice(bytes, at, new byte[0], 1);
        }
      }
      JsonNode jackson;
      try {
        jackson = JSON.readTree(bytes);
        if (JSON.getFactory().createParser(bytes).nextToken() == null) {
          jackson = null; // an empty document
        }
      } catch (IOException e) {
        jackson = null;
      }
      JsonNode ours;
      try {
        ours = JsonProjection.WHOLE.read(bytes);
      } catch (IOException e) {
        ours = null;
      }
      String input = new String(bytes, StandardCharsets.UTF_8);
      if (jackson == null || ours == null) {
        // Jackson accepts content after the first value by default; the projection does not
        boolean trailing = jackson != null && trailingContent(bytes);
        assertThat(ours == null).as(input).isEqualTo(jackson == null || trailing);
      } else {
        accepted++;
        assertThat(ours.equals(SAME_VALUE, jackson)).as(input).isTrue();
      }
    }
    assertThat(accepted).as("some corrupted reviews are still valid JSON").isGreaterThan(100);
  }

  private static boolean trailingContent(byte[] bytes) {
    try (var parser = JSON.getFactory().createParser(bytes)) {
      parser.nextToken();
      parser.skipChildren();
      return parser.nextToken() != null;
    } catch (IOException e) {
      return true;
    }
  }

  private static byte[] splice(byte[] bytes, int at, byte[] insert, int delete) {
    byte[] out = new byte[bytes.length + insert.length - delete];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(bytes, at + delete, out, at + insert.length, bytes.length - at - delete);
    return out;
  }
}
