package dev.instrumentor.webhook.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.webhook.testing.AdmissionReviews;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonOutputTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static void assertSameAsJackson(JsonNode node) throws Exception {
    String ours = new String(new JsonOutput(16).tree(node).toByteArray(), StandardCharsets.UTF_8);
    assertThat(ours).isEqualTo(JSON.writeValueAsString(node));
  }

  @Test
  void writesTreesByteForByteAsJackson() throws Exception {
    assertSameAsJackson(AdmissionReviews.deploymentPodCreate());
    ObjectNode values = NODES.objectNode();
    values.put("int", -7).put("long", 1L << 40).put("big", new BigInteger("123456789012345678901234567890"))
        .put("decimal", new BigDecimal("0.10")).put("exp", new BigDecimal("1E+5")).put("double", 2.5e-7)
        .put("float", 1.5f).put("true", true).put("false", false).putNull("null");
    values.putObject("empty");
    values.putArray("none");
    values.putArray("nested").addArray().addObject().put("", "");
    assertSameAsJackson(values);
  }

  @Test
  void escapesEveryCharacterAsJacksonDoes() throws Exception {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x300; c++) {
      all.append(c);
    }
    all.append("\u20ac \ud83d\ude00 \uffff / \\ \"");
    ArrayNode strings = NODES.arrayNode().add(all.toString()).add("").add("plain ascii");
    ObjectNode names = NODES.objectNode();
    names.put(all.toString(), all.toString());
    assertSameAsJackson(strings);
    assertSameAsJackson(names);

    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      char[] chars = new char[random.nextInt(40)];
      for (int j = 0; j < chars.length; j++) {
        chars[j] = (char) (random.nextBoolean() ? random.nextInt(0x80) : 0x80 + random.nextInt(0xD000));
      }
      assertSameAsJackson(NODES.arrayNode().add(new String(chars)));
    }
  }

  @Test
  void aRenderedNodeIsWrittenAsItsTreeAndCopiesAsAPlainOne() throws Exception {
    ObjectNode container = (ObjectNode) AdmissionReviews.deploymentPodCreate().path("request").path("object")
        .path("spec").path("containers").get(0);
    JsonOutput.Rendered rendered = JsonOutput.Rendered.of(container);
    ArrayNode list = NODES.arrayNode().add(rendered).add(1).add(rendered);

    assertThat(new String(new JsonOutput(8).tree(list).toByteArray(), StandardCharsets.UTF_8))
        .isEqualTo(JSON.writeValueAsString(NODES.arrayNode().add(container).add(1).add(container)));
    assertThat(rendered).isEqualTo(container);
    assertThat(rendered.deepCopy()).isEqualTo(container).isNotInstanceOf(JsonOutput.Rendered.class);
  }

  @Test
  void commasGoBetweenValuesOnly() throws Exception {
    byte[] data = "[{\"op\":\"add\"}]".getBytes(StandardCharsets.UTF_8);
    String answer = new String(new JsonOutput(4).startObject()
        .name("a").startArray().string("x").bool(true).startObject().endObject().startArray().endArray().endArray()
        .name("b").base64(data)
        .name("c").startObject().name("d").tree(NODES.numberNode(1)).endObject()
        .endObject().toByteArray(), StandardCharsets.UTF_8);

    assertThat(answer).isEqualTo("{\"a\":[\"x\",true,{},[]],\"b\":\"" + Base64.getEncoder().encodeToString(data)
        + "\",\"c\":{\"d\":1}}");
    assertThat(JSON.readTree(answer).path("b").binaryValue()).isEqualTo(data);
  }
}
