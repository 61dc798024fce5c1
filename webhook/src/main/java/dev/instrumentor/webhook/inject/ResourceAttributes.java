package dev.instrumentor.webhook.inject;

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
   * Percent-encodes what would break the list (comma, equals, percent, whitespace, quotes,
   * semicolon, backslash) in a literal value; the SDK decodes it.
   */
  static String encode(String literal) {
    if (literal == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      boolean escape = c == ',' || c == '=' || c == '%' || c == ';' || c == '"' || c == '\\'
          || Character.isWhitespace(c) || c < 0x20;
      if (escape && out == null) {
        out = new StringBuilder(literal.length() + 8).append(literal, 0, i);
      }
      if (out != null) {
        if (escape) {
          out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4 & 0xF, 16)))
              .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? literal : out.toString();
  }
}
