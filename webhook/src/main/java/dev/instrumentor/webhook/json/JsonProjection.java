package dev.instrumentor.webhook.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads only the named parts of a JSON document, straight from its UTF-8 bytes: the named fields of
 * an object (each kept whole, or projected further), the items of a list, and nothing else. What is
 * not named is checked (the whole document must be valid RFC 8259 JSON, with no content after it;
 * bytes that are not UTF-8 in a string read as U+FFFD) but never decoded or turned into a tree: a
 * skipped field costs a scan of its bytes. Numbers with a fraction or exponent are read as written
 * (BigDecimal), integers as int, long or BigInteger. A value of
 * another JSON type than the projection expects is kept whole, for the reader to report.
 *
 * <p>The admission path reads an AdmissionReview this way: it needs a few fields of a pod that the
 * API server sends with its defaults, managed fields and status, and a general-purpose parser spends
 * most of its time on the parts it then throws away.
 */
public final class JsonProjection {

  /** Keep the value whole. */
  public static final JsonProjection WHOLE = new JsonProjection(null, null);

  /**
   * Objects and lists nested deeper than this are refused: a stack-exhaustion guard for this reader
   * and for everything that later walks what it read (copies, comparisons, the answer's generator).
   */
  static final int MAX_DEPTH = AdmissionJson.MAX_DEPTH;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long SPACES = 0x2020202020202020L;
  private static final long HIGHS = 0x8080808080808080L;

  private final Map<String, JsonProjection> fields;
  private final JsonProjection items;
  // the fields again, for matching a name's bytes without decoding it
  private final String[] names;
  private final byte[][] nameBytes;

  private JsonProjection(Map<String, JsonProjection> fields, JsonProjection items) {
    this.fields = fields;
    this.items = items;
    this.names = fields == null ? new String[0] : fields.keySet().toArray(String[]::new);
    this.nameBytes = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      nameBytes[i] = names[i].getBytes(StandardCharsets.UTF_8);
    }
  }

  private static int indexOf(byte[] bytes, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** The field whose name is {@code bytes[from, to)} (no escapes in it), or null. */
  private String field(byte[] bytes, int from, int to) {
    for (int i = 0; i < names.length; i++) {
      byte[] name = nameBytes[i];
      if (name.length == to - from && Arrays.equals(name, 0, name.length, bytes, from, to)) {
        return names[i];
      }
    }
    return null;
  }

  /** An object of which only these fields are read: name, projection, name, projection... */
  public static JsonProjection object(Object... namesAndProjections) {
    Map<String, JsonProjection> fields = new HashMap<>();
    for (int i = 0; i < namesAndProjections.length; i += 2) {
      fields.put((String) namesAndProjections[i], (JsonProjection) namesAndProjections[i + 1]);
    }
    return new JsonProjection(Map.copyOf(fields), null);
  }

  /** A list whose items are read with {@code item}. */
  public static JsonProjection listOf(JsonProjection item) {
    return new JsonProjection(null, item);
  }

  /**
   * Reads the document in {@code json[offset, offset + length)}.
   *
   * @throws IOException when it is not one valid JSON value (the message gives the byte offset)
   */
  public JsonNode read(byte[] json, int offset, int length) throws IOException {
    Reader reader = new Reader(json, offset, offset + length);
    reader.whitespace();
    if (reader.at == reader.end) {
      throw reader.error("no content");
    }
    JsonNode node = reader.value(this);
    reader.whitespace();
    if (reader.at != reader.end) {
      throw reader.error("content after the value");
    }
    return node;
  }

  /** Reads a whole document. */
  public JsonNode read(byte[] json) throws IOException {
    return read(json, 0, json.length);
  }

  /** A recursive-descent reader; {@code projection} null means skip. */
  private static final class Reader {

    private final byte[] bytes;
    private final int end;
    private int at;
    private int depth;

    Reader(byte[] bytes, int start, int end) {
      this.bytes = bytes;
      this.at = start;
      this.end = end;
    }

    /** The value at {@link #at}; null when skipped. */
    JsonNode value(JsonProjection projection) throws IOException {
      byte c = bytes[at];
      switch (c) {
        case '{' -> {
          return object(projection);
        }
        case '[' -> {
          return array(projection);
        }
        case '"' -> {
          if (projection == null) {
            skipString();
            return null;
          }
          return NODES.textNode(string());
        }
        case 't' -> {
          literal("true");
          return projection == null ? null : NODES.booleanNode(true);
        }
        case 'f' -> {
          literal("false");
          return projection == null ? null : NODES.booleanNode(false);
        }
        case 'n' -> {
          literal("null");
          return projection == null ? null : NODES.nullNode();
        }
        default -> {
          if (c == '-' || c >= '0' && c <= '9') {
            return number(projection != null);
          }
          throw error("unexpected character");
        }
      }
    }

    private JsonNode object(JsonProjection projection) throws IOException {
      enter();
      boolean keep = projection != null;
      boolean projected = keep && projection.fields != null;
      ObjectNode object = keep ? NODES.objectNode() : null;
      at++;
      whitespace();
      if (peek() == '}') {
        at++;
        depth--;
        return object;
      }
      while (true) {
        if (peek() != '"') {
          throw error("expected a field name");
        }
        JsonProjection field = null;
        String name = null;
        if (projected) {
          // a projected object's names are matched as bytes: the many it skips are never decoded
          int from = at + 1;
          skipString();
          if (indexOf(bytes, (byte) '\\', from, at - 1) < 0) {
            name = projection.field(bytes, from, at - 1);
          } else {
            at = from - 1; // a name with escapes: decoded (the API server never writes one)
            name = string();
          }
          field = name == null ? null : projection.fields.get(name);
        } else if (keep) {
          name = string();
          field = WHOLE;
        } else {
          skipString();
        }
        whitespace();
        if (peek() != ':') {
          throw error("expected ':'");
        }
        at++;
        whitespace();
        peek();
        JsonNode value = value(field);
        if (field != null) {
          object.set(name, value);
        }
        whitespace();
        byte next = peek();
        at++;
        if (next == '}') {
          depth--;
          return object;
        }
        if (next != ',') {
          throw error("expected ',' or '}'", at - 1);
        }
        whitespace();
        peek();
      }
    }

    private JsonNode array(JsonProjection projection) throws IOException {
      enter();
      boolean keep = projection != null;
      JsonProjection item = !keep ? null : projection.items != null ? projection.items : WHOLE;
      if (keep && projection.fields != null) {
        item = WHOLE; // a list where an object was expected: kept whole, for the reader to report
      }
      ArrayNode array = keep ? NODES.arrayNode() : null;
      at++;
      whitespace();
      if (peek() == ']') {
        at++;
        depth--;
        return array;
      }
      while (true) {
        JsonNode value = value(item);
        if (keep) {
          array.add(value);
        }
        whitespace();
        byte next = peek();
        at++;
        if (next == ']') {
          depth--;
          return array;
        }
        if (next != ',') {
          throw error("expected ',' or ']'", at - 1);
        }
        whitespace();
        peek();
      }
    }

    private void enter() throws IOException {
      if (++depth > MAX_DEPTH) {
        throw error("nested deeper than " + MAX_DEPTH);
      }
    }

    /** The string at {@link #at} (its opening quote), decoded; {@link #at} moves past its closing quote. */
    private String string() throws IOException {
      int start = at + 1;
      int i = start;
      while (true) {
        i = special(i);
        if (i >= end) {
          throw error("unterminated string", i);
        }
        byte c = bytes[i];
        if (c == '"') {
          at = i + 1;
          return new String(bytes, start, i - start, StandardCharsets.UTF_8);
        }
        if (c == '\\') {
          at = i;
          return escapedString(start);
        }
        if (c >= 0 && c < 0x20) {
          throw error("control character in a string", i);
        }
        i++;
      }
    }

    /**
     * The index of the first byte from {@code i} that ends a run of plain string content: a quote,
     * a backslash or a control character; {@link #end} if none. Eight bytes at a time: per byte
     * {@code (x - 1) & ~x & 0x80} is set when {@code x} is zero (for the quote and the backslash,
     * after xor with them) and {@code (x - 0x20) & ~x & 0x80} when it is below 0x20; the lowest
     * set byte is always a true one (a borrow only marks bytes above it).
     */
    private int special(int i) {
      byte[] b = bytes;
      while (i + 8 <= end) {
        long word = (long) LONGS.get(b, i);
        long quote = word ^ 0x2222222222222222L;
        long backslash = word ^ 0x5C5C5C5C5C5C5C5CL;
        long hits = ((quote - ONES) & ~quote | (backslash - ONES) & ~backslash | (word - SPACES) & ~word) & HIGHS;
        if (hits != 0) {
          return i + (Long.numberOfTrailingZeros(hits) >>> 3);
        }
        i += 8;
      }
      while (i < end) {
        byte c = b[i];
        if (c == '"' || c == '\\' || c >= 0 && c < 0x20) {
          return i;
        }
        i++;
      }
      return end;
    }

    /** The slow path: the string from {@code start} has escapes, the first at {@link #at}. */
    private String escapedString(int start) throws IOException {
      StringBuilder value = new StringBuilder(at - start + 16);
      int run = start; // start of the current run of bytes without escapes
      while (at < end) {
        byte c = bytes[at];
        if (c == '"') {
          value.append(new String(bytes, run, at - run, StandardCharsets.UTF_8));
          at++;
          return value.toString();
        }
        if (c >= 0 && c < 0x20) {
          throw error("control character in a string");
        }
        if (c != '\\') {
          at++;
          continue;
        }
        value.append(new String(bytes, run, at - run, StandardCharsets.UTF_8));
        if (at + 1 >= end) {
          throw error("unterminated string");
        }
        byte escape = bytes[at + 1];
        switch (escape) {
          case '"', '\\', '/' -> value.append((char) escape);
          case 'b' -> value.append('\b');
          case 'f' -> value.append('\f');
          case 'n' -> value.append('\n');
          case 'r' -> value.append('\r');
          case 't' -> value.append('\t');
          case 'u' -> {
            value.append((char) hex4(at + 2));
            at += 4;
          }
          default -> throw error("invalid escape");
        }
        at += 2;
        run = at;
      }
      throw error("unterminated string");
    }

    private void skipString() throws IOException {
      byte[] b = bytes;
      int i = at + 1;
      while (true) {
        i = special(i);
        if (i >= end) {
          throw error("unterminated string", i);
        }
        byte c = b[i];
        if (c == '"') {
          at = i + 1;
          return;
        }
        if (c == '\\') {
          if (i + 1 >= end) {
            throw error("unterminated string", i);
          }
          byte escape = b[i + 1];
          if (escape == 'u') {
            hex4(i + 2);
            i += 4;
          } else if (escape != '"' && escape != '\\' && escape != '/' && escape != 'b' && escape != 'f'
              && escape != 'n' && escape != 'r' && escape != 't') {
            throw error("invalid escape", i);
          }
          i += 2;
        } else if (c >= 0 && c < 0x20) {
          throw error("control character in a string", i);
        } else {
          i++;
        }
      }
    }

    private int hex4(int from) throws IOException {
      if (from + 4 > end) {
        throw error("unterminated string");
      }
      int value = 0;
      for (int i = from; i < from + 4; i++) {
        int digit = Character.digit(bytes[i], 16);
        if (digit < 0) {
          throw error("invalid \\u escape", i);
        }
        value = value << 4 | digit;
      }
      return value;
    }

    /** A number per RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private JsonNode number(boolean keep) throws IOException {
      int start = at;
      if (bytes[at] == '-') {
        at++;
      }
      if (at < end && bytes[at] == '0') {
        at++;
      } else if (digits() == 0) {
        throw error("invalid number", start);
      }
      boolean integral = true;
      if (at < end && bytes[at] == '.') {
        at++;
        integral = false;
        if (digits() == 0) {
          throw error("invalid number", start);
        }
      }
      if (at < end && (bytes[at] == 'e' || bytes[at] == 'E')) {
        at++;
        integral = false;
        if (at < end && (bytes[at] == '+' || bytes[at] == '-')) {
          at++;
        }
        if (digits() == 0) {
          throw error("invalid number", start);
        }
      }
      if (!keep) {
        return null;
      }
      String text = new String(bytes, start, at - start, StandardCharsets.ISO_8859_1);
      if (!integral) {
        return NODES.numberNode(new BigDecimal(text)); // as written: no rounding through double
      }
      if (text.length() <= 18) {
        long value = Long.parseLong(text);
        return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
      }
      BigInteger value = new BigInteger(text);
      return value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
    }

    private int digits() {
      int start = at;
      while (at < end && bytes[at] >= '0' && bytes[at] <= '9') {
        at++;
      }
      return at - start;
    }

    private void literal(String word) throws IOException {
      if (at + word.length() > end) {
        throw error("invalid literal");
      }
      for (int i = 0; i < word.length(); i++) {
        if (bytes[at + i] != word.charAt(i)) {
          throw error("invalid literal");
        }
      }
      at += word.length();
    }

    void whitespace() {
      int i = at;
      while (i < end) {
        byte c = bytes[i];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
          break;
        }
        i++;
      }
      at = i;
    }

    /** The byte at {@link #at}, which must exist. */
    private byte peek() throws IOException {
      if (at >= end) {
        throw error("unexpected end");
      }
      return bytes[at];
    }

    IOException error(String problem) {
      return error(problem, at);
    }

    private IOException error(String problem, int position) {
      return new IOException("malformed JSON at byte " + position + ": " + problem);
    }
  }
}
