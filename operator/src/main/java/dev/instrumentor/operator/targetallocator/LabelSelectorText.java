package dev.instrumentor.operator.targetallocator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pure code: a label selector as Kubernetes writes it in text ({@code app=web,tier!=db,canary,!legacy,
 * env in (prod,staging),zone notin (a)}), as Prometheus' {@code kubernetes_sd_configs} selectors take it.
 */
final class LabelSelectorText {

  private static final Pattern SET = Pattern.compile("^([\\w./-]+)\\s+(in|notin)\\s+\\(([^)]*)\\)$");
  private static final Pattern EQUALS = Pattern.compile("^([\\w./-]+)\\s*(==|=|!=)\\s*([\\w./-]*)$");
  private static final Pattern EXISTS = Pattern.compile("^(!?)([\\w./-]+)$");

  private LabelSelectorText() {
  }

  /**
   * @throws IllegalArgumentException naming the requirement that is not a selector
   */
  static Predicate<Map<String, String>> parse(String text) {
    List<Predicate<Map<String, String>>> requirements = new ArrayList<>();
    for (String requirement : split(text)) {
      requirements.add(requirement(requirement.trim()));
    }
    return labels -> requirements.stream().allMatch(r -> r.test(labels == null ? Map.of() : labels));
  }

  /** Commas outside parentheses separate requirements. */
  private static List<String> split(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    return parts.stream().filter(p -> !p.isBlank()).toList();
  }

  private static Predicate<Map<String, String>> requirement(String requirement) {
    Matcher set = SET.matcher(requirement);
    if (set.matches()) {
      Set<String> values = Set.of(set.group(3).trim().split("\\s*,\\s*"));
      String key = set.group(1);
      return set.group(2).equals("in") ? labels -> values.contains(labels.get(key))
          : labels -> !values.contains(labels.get(key));
    }
    Matcher equals = EQUALS.matcher(requirement);
    if (equals.matches()) {
      String key = equals.group(1);
      String value = equals.group(3);
      return equals.group(2).equals("!=") ? labels -> !value.equals(labels.get(key)) : labels -> value.equals(labels.get(key));
    }
    Matcher exists = EXISTS.matcher(requirement);
    if (exists.matches()) {
      String key = exists.group(2);
      return exists.group(1).isEmpty() ? labels -> labels.containsKey(key) : labels -> !labels.containsKey(key);
    }
    throw new IllegalArgumentException("'" + requirement + "' is not a label selector requirement");
  }
}
