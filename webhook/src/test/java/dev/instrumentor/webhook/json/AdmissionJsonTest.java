package dev.instrumentor.webhook.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.webhook.testing.AdmissionReviews;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AdmissionJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void aRenderedNodeIsWrittenAsItsTreeAndCopiesAsAPlainOne() throws Exception {
    ObjectNode container = (ObjectNode) AdmissionReviews.deploymentPodCreate().path("request").path("object")
        .path("spec").path("containers").get(0);
    container.put("unicode", "caf\u00e9 \ud83d\ude00 \"quoted\"\n");
    AdmissionJson.Rendered rendered = AdmissionJson.Rendered.of(container);
    ArrayNode list = NODES.arrayNode().add(rendered).add(1).add(rendered);

    byte[] written = AdmissionJson.write(json -> json.writeTree(list));

    assertThat(new String(written, StandardCharsets.UTF_8))
        .isEqualTo(JSON.writeValueAsString(NODES.arrayNode().add(container).add(1).add(container)));
    assertThat(rendered).isEqualTo(container);
    assertThat(rendered.deepCopy()).isEqualTo(container).isNotInstanceOf(AdmissionJson.Rendered.class);
  }

  @Test
  void binaryIsStandardBase64WithPaddingAsKubernetesDecodesIt() throws Exception {
    for (String text : new String[] {"", "a", "ab", "abc", "[{\"op\":\"add\",\"path\":\"/x\",\"value\":\"\u00ff\u00fe\"}]"}) {
      byte[] data = text.getBytes(StandardCharsets.UTF_8);
      byte[] written = AdmissionJson.write(json -> json.writeBinary(data));
      assertThat(new String(written, StandardCharsets.US_ASCII))
          .isEqualTo("\"" + Base64.getEncoder().encodeToString(data) + "\"");
    }
  }

  @Test
  void theWriterRefusesTreesNestedBeyondTheLimit() {
    ArrayNode deep = NODES.arrayNode();
    ArrayNode inner = deep;
    for (int i = 0; i < AdmissionJson.MAX_DEPTH + 1; i++) {
      inner = inner.addArray();
    }
    assertThatThrownBy(() -> AdmissionJson.write(json -> json.writeTree(deep)))
        .hasRootCauseInstanceOf(IOException.class);
  }

  @Test
  void theBase64IsThatOfTheWrittenJson() {
    ArrayNode patch = NODES.arrayNode();
    patch.addObject().put("op", "add").put("path", "/metadata/annotations").putObject("value").put("k", "caf\u00e9");
    byte[] json = AdmissionJson.write(generator -> generator.writeTree(patch));
    assertThat(AdmissionJson.base64(generator -> generator.writeTree(patch)))
        .isEqualTo(Base64.getEncoder().encode(json));
    assertThat(AdmissionJson.base64(generator -> { })).isEmpty();
  }

  @Test
  void theThreadsBufferServesANestedWriteALargeOneAndOneThatFailed() {
    String large = "x".repeat(200_000); // past what the thread keeps between writes
    byte[] outer = AdmissionJson.write(generator -> {
      generator.writeStartArray();
      byte[] inner = AdmissionJson.write(nested -> nested.writeString("inner"));
      generator.writeString(new String(inner, StandardCharsets.UTF_8));
      generator.writeString(large);
      generator.writeEndArray();
    });
    assertThat(new String(outer, StandardCharsets.UTF_8)).isEqualTo("[\"\\\"inner\\\"\",\"" + large + "\"]");
    assertThatThrownBy(() -> AdmissionJson.write(generator -> {
      generator.writeString("half written");
      throw new IOException("broken");
    })).hasRootCauseMessage("broken");
    assertThat(new String(AdmissionJson.write(generator -> generator.writeString("after")), StandardCharsets.UTF_8))
        .isEqualTo("\"after\"");
  }
}
