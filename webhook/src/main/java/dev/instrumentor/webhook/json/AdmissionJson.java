package dev.instrumentor.webhook.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;

/**
 * The JSON of the admission path, read and written with Jackson. Every input the API server (or
 * anyone who reaches the webhook port) can send is bounded by the parser's own constraints, checked
 * as it reads: nesting depth (no recursion in Jackson's tree reader either, so any stack size
 * holds), the length of a string, a name and a number, and the token count. Numbers with a fraction
 * are read as written (BigDecimal, trailing zeros kept), so a value passed through is not rounded.
 */
public final class AdmissionJson {

  /** Objects and lists nested deeper than this are refused; a pod's deepest JSON is about 12. */
  public static final int MAX_DEPTH = 64;

  /** The reader's limits: far above any pod the API server stores (its objects are at most 3 MiB). */
  public static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
      .maxNestingDepth(MAX_DEPTH)
      .maxNumberLength(100)
      .maxNameLength(64 * 1024)
      .maxStringLength(8 * 1024 * 1024)
      .build();

  /** Reads and writes the admission path's JSON; parsers made from it have these limits. */
  public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(LIMITS)
          .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
          .build())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();

  private AdmissionJson() {
  }

  /** What {@link #write} writes with. */
  @FunctionalInterface
  public interface Writing {
    void to(JsonGenerator json) throws IOException;
  }

  /** The UTF-8 JSON that {@code writing} generates. */
  public static byte[] write(int capacity, Writing writing) {
    ByteArrayBuilder bytes = new ByteArrayBuilder(capacity);
    try (JsonGenerator json = MAPPER.createGenerator(bytes, JsonEncoding.UTF8)) {
      writing.to(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // into memory: only a generator misuse gets here
    }
    return bytes.toByteArray();
  }

  /**
   * An object node that keeps the JSON it was rendered to, for values shared by many answers (what
   * an Instrumentation contributes to every pod): the generator copies its UTF-8 bytes instead of
   * walking the tree. Never change one: its bytes would no longer say the same. A deep copy is a
   * plain object node.
   */
  public static final class Rendered extends ObjectNode {

    private final SerializableString json;

    private Rendered(ObjectNode node) {
      super(JsonNodeFactory.instance, new LinkedHashMap<>());
      node.properties().forEach(field -> _children.put(field.getKey(), field.getValue()));
      this.json = new SerializedString(node.toString());
      this.json.asUnquotedUTF8(); // encoded once, here
    }

    /** {@code node} rendered once. */
    public static Rendered of(ObjectNode node) {
      return new Rendered(node);
    }

    @Override
    public void serialize(JsonGenerator generator, SerializerProvider provider) throws IOException {
      generator.writeRawValue(json);
    }
  }
}
