package dev.instrumentor.webhook.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.function.Function;

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

  /** Each thread's output buffer (see {@link #generate}). */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private AdmissionJson() {
  }

  /** What {@link #write} writes with. */
  @FunctionalInterface
  public interface Writing {
    void to(JsonGenerator json) throws IOException;
  }

  /** The UTF-8 JSON that {@code writing} generates. */
  public static byte[] write(Writing writing) {
    return generate(writing, ByteArrayOutputStream::toByteArray);
  }

  /**
   * The standard base64 (with padding, as Kubernetes decodes a patch) of the UTF-8 JSON that
   * {@code writing} generates; the JSON itself is never copied out of the thread's buffer.
   */
  public static byte[] base64(Writing writing) {
    return generate(writing, out -> Base64.getEncoder().encode(out.contents()).array());
  }

  /**
   * Runs {@code writing} into this thread's buffer and takes {@code result} of it. The buffer is
   * kept between calls (up to {@link Scratch#KEPT} bytes), so an answer costs one copy at its size,
   * not a growing chain of blocks and a copy; a write nested in another gets a buffer of its own.
   */
  private static byte[] generate(Writing writing, Function<Scratch, byte[]> result) {
    Scratch kept = SCRATCH.get();
    Scratch out = kept.inUse ? new Scratch() : kept;
    out.inUse = true;
    try {
      try (JsonGenerator json = MAPPER.createGenerator(out, JsonEncoding.UTF8)) {
        writing.to(json);
      }
      return result.apply(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // into memory: only a generator misuse gets here
    } finally {
      out.release();
    }
  }

  /** A thread's output buffer: reset after each use, dropped when one answer made it larger than KEPT. */
  private static final class Scratch extends ByteArrayOutputStream {
    static final int INITIAL = 8 * 1024;
    static final int KEPT = 64 * 1024;
    boolean inUse;

    Scratch() {
      super(INITIAL);
    }

    ByteBuffer contents() {
      return ByteBuffer.wrap(buf, 0, count);
    }

    void release() {
      reset();
      if (buf.length > KEPT) {
        buf = new byte[INITIAL];
      }
      inUse = false;
    }
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
