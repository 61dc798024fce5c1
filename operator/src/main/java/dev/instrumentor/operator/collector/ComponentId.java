package dev.instrumentor.operator.collector;

import java.util.regex.Pattern;

/**
 * A collector component or pipeline id: {@code type} or {@code type/name}, e.g. {@code otlp/jaeger}.
 *
 * @param type the component type, e.g. {@code otlp}
 * @param name the instance name, or empty
 */
record ComponentId(String type, String name) {

  private static final Pattern TYPE = Pattern.compile("[a-zA-Z][0-9a-zA-Z_]{0,62}");

  /** Parses an id; null when it does not have the collector's syntax. */
  static ComponentId parse(String id) {
    if (id == null) {
      return null;
    }
    int slash = id.indexOf('/');
    String type = slash < 0 ? id : id.substring(0, slash);
    String name = slash < 0 ? "" : id.substring(slash + 1);
    if (!TYPE.matcher(type).matches() || slash >= 0 && name.isEmpty()) {
      return null;
    }
    return new ComponentId(type, name);
  }

  @Override
  public String toString() {
    return name.isEmpty() ? type : type + "/" + name;
  }
}
