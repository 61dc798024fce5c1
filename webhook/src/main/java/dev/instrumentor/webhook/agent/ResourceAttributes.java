package dev.instrumentor.webhook.agent;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads and writes the {@code key=value,key=value} form of OTEL_RESOURCE_ATTRIBUTES. */
final class ResourceAttributes {

  private ResourceAttributes() {
  }

  /** Parses a value as written by a user: values are kept as written (already encoded). */
  static Map<String, String> parse(String value) {
    Map<String, String> attributes = new LinkedHashMap<>();
    if (value == null) {
      return attributes;
    }
    for (String pair : value.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        attributes.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    return attributes;
  }

  static String format(Map<String, String> attributes) {
    StringBuilder value = new StringBuilder(attributes.size() * 32);
    for (Map.Entry<String, String> attribute : attributes.entrySet()) {
      if (!value.isEmpty()) {
        value.append(',');
      }
      value.append(attribute.getKey()).append('=').append(attribute.getValue());
    }
    return value.toString();
  }

  /**
   * A literal value as OTEL_RESOURCE_ATTRIBUTES carries it: percent-encoded (UTF-8) outside the W3C
   * baggage octets (so commas, equals, spaces, quotes, semicolons, backslashes, percent signs, controls
   * and non-ASCII), which the SDKs decode; and every {@code $} doubled, so that Kubernetes' {@code $(VAR)}
   * expansion leaves the value as written.
   */
  static String encode(String literal) {
    if (literal == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      boolean plain = c > 0x20 && c < 0x7F && c != '"' && c != ',' && c != ';' && c != '\\' && c != '%' && c != '='
          && c != '$';
      if (!plain && out == null) {
        out = new StringBuilder(literal.length() + 8).append(literal, 0, i);
      }
      if (out == null) {
        continue;
      }
      if (plain) {
        out.append(c);
      } else if (c == '$') {
        out.append("$$");
      } else {
        int end = Character.isHighSurrogate(c) && i + 1 < literal.length() ? i + 2 : i + 1;
        for (byte b : literal.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
          out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
        }
        i = end - 1;
      }
    }
    return out == null ? literal : out.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
