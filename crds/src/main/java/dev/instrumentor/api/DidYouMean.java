package dev.instrumentor.api;

import java.util.Collection;

/** The known name a misspelling most likely meant: the closest by edit distance, within a bound. */
public final class DidYouMean {

  private DidYouMean() {
  }

  /** The candidate fewer than {@code maxEdits + 1} edits from {@code word} (the closest; the first of equals), or null. */
  public static String closest(String word, Collection<String> candidates, int maxEdits) {
    String best = null;
    int bestDistance = maxEdits + 1;
    for (String candidate : candidates) {
      int distance = distance(word, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
