package dev.instrumentor.webhook.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * Writes the admission answer as UTF-8 JSON into a growing byte array: the same bytes Jackson's
 * generator writes (a test compares them), in less time for what an answer holds, mostly ASCII
 * strings that need no escape, and a base64 patch that needs none at all. Commas are placed by the
 * writer: a name or a value after a value gets one. A {@link Rendered} node is copied as the bytes
 * it was rendered to.
 */
public final class JsonOutput {

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private byte[] bytes;
  private int size;
  private boolean afterValue;

  public JsonOutput(int capacity) {
    bytes = new byte[capacity];
  }

  public JsonOutput startObject() {
    separate();
    put((byte) '{');
    afterValue = false;
    return this;
  }

  public JsonOutput endObject() {
    put((byte) '}');
    afterValue = true;
    return this;
  }

  public JsonOutput startArray() {
    separate();
    put((byte) '[');
    afterValue = false;
    return this;
  }

  public JsonOutput endArray() {
    put((byte) ']');
    afterValue = true;
    return this;
  }

  public JsonOutput name(String name) {
    separate();
    quoted(name);
    put((byte) ':');
    afterValue = false;
    return this;
  }

  public JsonOutput string(String value) {
    separate();
    quoted(value);
    afterValue = true;
    return this;
  }

  public JsonOutput bool(boolean value) {
    return plain(value ? "true" : "false");
  }

  /** {@code data} as a base64 string (RFC 4648 with padding, what Kubernetes decodes). */
  public JsonOutput base64(byte[] data) {
    separate();
    byte[] encoded = Base64.getEncoder().encode(data);
    ensure(encoded.length + 2);
    bytes[size++] = '"';
    System.arraycopy(encoded, 0, bytes, size, encoded.length);
    size += encoded.length;
    bytes[size++] = '"';
    afterValue = true;
    return this;
  }

  /** A JSON tree. */
  public JsonOutput tree(JsonNode node) {
    if (node instanceof Rendered rendered) {
      separate();
      copy(rendered.json, 0, rendered.json.length);
      afterValue = true;
      return this;
    }
    switch (node.getNodeType()) {
      case OBJECT -> {
        startObject();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          name(field.getKey());
          tree(field.getValue());
        }
        endObject();
      }
      case ARRAY -> {
        startArray();
        for (JsonNode item : node) {
          tree(item);
        }
        endArray();
      }
      case STRING -> string(node.textValue());
      case BOOLEAN -> bool(node.booleanValue());
      case NULL -> plain("null");
      case NUMBER -> plain(node.isBigDecimal() ? node.decimalValue().toString() : node.numberValue().toString());
      default -> throw new IllegalArgumentException("cannot write a " + node.getNodeType() + " node");
    }
    return this;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  private JsonOutput plain(String ascii) {
    separate();
    ensure(ascii.length());
    for (int i = 0; i < ascii.length(); i++) {
      bytes[size++] = (byte) ascii.charAt(i);
    }
    afterValue = true;
    return this;
  }

  private void separate() {
    if (afterValue) {
      put((byte) ',');
    }
  }

  /** A string in quotes: ASCII is copied char by char, the rest encoded as UTF-8; escapes as Jackson's. */
  private void quoted(String text) {
    int length = text.length();
    ensure(length + 2);
    byte[] out = bytes;
    int n = size;
    out[n++] = '"';
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        size = n;
        quotedUtf8(text.substring(i).getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (c == '"' || c == '\\' || c < 0x20) {
        size = n;
        escape((byte) c);
        ensure(length - i + 1);
        out = bytes;
        n = size;
      } else {
        out[n++] = (byte) c;
      }
    }
    out[n++] = '"';
    size = n;
  }

  /** The rest of a string that is not all ASCII, and its closing quote. */
  private void quotedUtf8(byte[] utf8) {
    int run = 0;
    for (int i = 0; i < utf8.length; i++) {
      byte c = utf8[i];
      if (c == '"' || c == '\\' || c >= 0 && c < 0x20) {
        copy(utf8, run, i);
        escape(c);
        run = i + 1;
      }
    }
    copy(utf8, run, utf8.length);
    put((byte) '"');
  }

  private void copy(byte[] from, int start, int end) {
    ensure(end - start);
    System.arraycopy(from, start, bytes, size, end - start);
    size += end - start;
  }

  /** As Jackson escapes: the short forms it uses, else a six-character unicode escape. */
  private void escape(byte c) {
    ensure(6);
    bytes[size++] = '\\';
    switch (c) {
      case '"', '\\' -> bytes[size++] = c;
      case '\b' -> bytes[size++] = 'b';
      case '\t' -> bytes[size++] = 't';
      case '\n' -> bytes[size++] = 'n';
      case '\f' -> bytes[size++] = 'f';
      case '\r' -> bytes[size++] = 'r';
      default -> {
        bytes[size++] = 'u';
        bytes[size++] = '0';
        bytes[size++] = '0';
        bytes[size++] = HEX[c >> 4];
        bytes[size++] = HEX[c & 0xF];
      }
    }
  }

  private void put(byte b) {
    ensure(1);
    bytes[size++] = b;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }

  /**
   * An object node that keeps the JSON it was rendered to, for values shared by many answers (what
   * an Instrumentation contributes to every pod): written without walking the tree. Never change
   * one: its bytes would no longer say the same. A deep copy is a plain object node.
   */
  public static final class Rendered extends ObjectNode {

    private final byte[] json;

    private Rendered(ObjectNode node) {
      super(JsonNodeFactory.instance, new java.util.LinkedHashMap<>());
      node.properties().forEach(field -> _children.put(field.getKey(), field.getValue()));
      this.json = new JsonOutput(256).tree(node).toByteArray();
    }

    /** {@code node} rendered once. */
    public static Rendered of(ObjectNode node) {
      return new Rendered(node);
    }
  }
}
