package dev.instrumentor.operator.targetallocator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Prometheus' {@code relabel_configs}, applied to a target's labels as Prometheus applies them (the actions
 * replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase;
 * regexes anchored at both ends; {@code $1}, {@code ${1}} and {@code ${name}} in replacements). The allocator
 * uses it as upstream's {@code relabel-config} filter does: a target that a job's relabeling drops is given to no
 * collector; the ones kept are handed out with their discovered labels, since the collector relabels them itself.
 * Go's regexes (RE2) and Java's agree on what scrape configs use; RE2's few extras are refused with the rule's
 * index.
 */
public final class Relabeling {

  private static final Set<String> ACTIONS = Set.of("replace", "keep", "drop", "keepequal", "dropequal", "hashmod",
      "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase");
  private static final Pattern REFERENCE = Pattern.compile("\\$(?:\\{(\\w+)}|(\\w+)|\\$)");

  private record Rule(String action, List<String> sources, String separator, Pattern regex, String target,
      String replacement, long modulus) {
  }

  private final List<Rule> rules;

  private Relabeling(List<Rule> rules) {
    this.rules = rules;
  }

  /** No rule: every target kept as it is. */
  public static final Relabeling NONE = new Relabeling(List.of());

  /**
   * @param configs a {@code relabel_configs} list, in Prometheus' snake_case
   * @throws IllegalArgumentException naming the rule and what is wrong with it
   */
  public static Relabeling parse(JsonNode configs) {
    List<Rule> rules = new ArrayList<>();
    int index = 0;
    for (JsonNode config : configs) {
      String where = "relabel_configs[" + index++ + "]";
      String action = config.path("action").asText("replace").toLowerCase(Locale.ROOT);
      if (!ACTIONS.contains(action)) {
        throw new IllegalArgumentException(where + ": unknown action '" + action + "'");
      }
      List<String> sources = new ArrayList<>();
      config.path("source_labels").forEach(source -> sources.add(source.asText()));
      Pattern regex;
      try {
        regex = Pattern.compile("^(?:" + java(config.path("regex").asText("(.*)")) + ")$", Pattern.DOTALL);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(where + ": regex: " + e.getDescription(), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": regex: " + e.getMessage(), e);
      }
      String target = config.path("target_label").asText("");
      long modulus = config.path("modulus").asLong(0);
      if ((action.equals("replace") || action.equals("hashmod") || action.equals("lowercase")
          || action.equals("uppercase") || action.endsWith("equal")) && target.isEmpty()) {
        throw new IllegalArgumentException(where + ": action " + action + " needs target_label");
      }
      if (action.equals("hashmod") && modulus <= 0) {
        throw new IllegalArgumentException(where + ": action hashmod needs a modulus above 0");
      }
      rules.add(new Rule(action, sources, config.path("separator").asText(";"), regex, target,
          config.path("replacement").asText("$1"), modulus));
    }
    return new Relabeling(List.copyOf(rules));
  }

  private static final Pattern POSIX_CLASS = Pattern.compile("\\[:(alnum|alpha|ascii|blank|cntrl|digit|graph|lower|print"
      + "|punct|space|upper|word|xdigit):]");
  private static final Pattern NOT_RE2 = Pattern.compile("\\(\\?(?:=|!|<=|<!)|\\\\[1-9]");

  /**
   * An RE2 regex (Go's, as Prometheus and the collector compile it) as a Java one: {@code (?P<name>} and POSIX
   * classes ({@code [[:digit:]]}) translated; what RE2 refuses and Java would accept (lookaround, back-references)
   * refused, so that the allocator never keeps a target the collector cannot read.
   */
  static String java(String re2) {
    if (NOT_RE2.matcher(re2).find()) {
      throw new IllegalArgumentException("'" + re2 + "' is not RE2 (lookaround and back-references are not)");
    }
    Matcher posix = POSIX_CLASS.matcher(re2.replace("(?P<", "(?<"));
    StringBuilder out = new StringBuilder();
    while (posix.find()) {
      String name = posix.group(1);
      String java = name.equals("word") ? "\\w" : "\\p{" + (name.equals("xdigit") ? "XDigit"
          : name.equals("ascii") ? "ASCII" : Character.toUpperCase(name.charAt(0)) + name.substring(1)) + "}";
      posix.appendReplacement(out, Matcher.quoteReplacement(java));
    }
    return posix.appendTail(out).toString();
  }

  /** The labels after every rule, or null when a rule drops the target. */
  public Map<String, String> apply(Map<String, String> labels) {
    Map<String, String> result = new TreeMap<>(labels);
    for (Rule rule : rules) {
      if (!apply(rule, result)) {
        return null;
      }
    }
    return result;
  }

  private static boolean apply(Rule rule, Map<String, String> labels) {
    List<String> values = new ArrayList<>();
    rule.sources().forEach(source -> values.add(labels.getOrDefault(source, "")));
    String value = String.join(rule.separator(), values);
    switch (rule.action()) {
      case "keep" -> {
        return rule.regex().matcher(value).matches();
      }
      case "drop" -> {
        return !rule.regex().matcher(value).matches();
      }
      case "keepequal" -> {
        return value.equals(labels.getOrDefault(rule.target(), ""));
      }
      case "dropequal" -> {
        return !value.equals(labels.getOrDefault(rule.target(), ""));
      }
      case "replace" -> {
        Matcher matcher = rule.regex().matcher(value);
        if (matcher.matches()) {
          String target = expand(rule.target(), matcher);
          String replaced = expand(rule.replacement(), matcher);
          if (!validName(target)) {
            return true;
          }
          if (replaced.isEmpty()) {
            labels.remove(target);
          } else {
            labels.put(target, replaced);
          }
        }
      }
      case "lowercase" -> labels.put(rule.target(), value.toLowerCase(Locale.ROOT));
      case "uppercase" -> labels.put(rule.target(), value.toUpperCase(Locale.ROOT));
      case "hashmod" -> labels.put(rule.target(), Long.toUnsignedString(Long.remainderUnsigned(md5Tail(value),
          rule.modulus())));
      case "labelmap" -> {
        Map<String, String> mapped = new TreeMap<>();
        labels.forEach((name, labelValue) -> {
          Matcher matcher = rule.regex().matcher(name);
          if (matcher.matches()) {
            mapped.put(expand(rule.replacement(), matcher), labelValue);
          }
        });
        labels.putAll(mapped);
      }
      case "labeldrop" -> labels.keySet().removeIf(name -> rule.regex().matcher(name).matches());
      case "labelkeep" -> labels.keySet().removeIf(name -> !rule.regex().matcher(name).matches());
      default -> throw new IllegalStateException(rule.action());
    }
    return true;
  }

  /** Go's {@code Regexp.Expand}: {@code $1}, {@code ${1}}, {@code ${name}}, {@code $$}; a missing group is empty. */
  static String expand(String template, Matcher matcher) {
    StringBuilder out = new StringBuilder();
    Matcher reference = REFERENCE.matcher(template);
    int end = 0;
    while (reference.find()) {
      out.append(template, end, reference.start());
      end = reference.end();
      String name = reference.group(1) != null ? reference.group(1) : reference.group(2);
      if (name == null) {
        out.append('$');
        continue;
      }
      out.append(group(matcher, name));
    }
    return out.append(template.substring(end)).toString();
  }

  private static String group(Matcher matcher, String name) {
    try {
      String value = name.chars().allMatch(Character::isDigit) ? matcher.group(Integer.parseInt(name))
          : matcher.group(name);
      return value == null ? "" : value;
    } catch (IllegalArgumentException | IndexOutOfBoundsException missing) {
      return "";
    }
  }

  private static boolean validName(String name) {
    return name.matches("[a-zA-Z_][a-zA-Z0-9_]*");
  }

  /** Prometheus' hashmod: the last eight bytes of the MD5 of the value, as an unsigned big-endian number. */
  private static long md5Tail(String value) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(value.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest, 8, 8).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }
}
