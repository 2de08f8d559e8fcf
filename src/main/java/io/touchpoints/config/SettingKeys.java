package io.touchpoints.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rejects settings the job does not know, so that a misspelt key ({@code metrics.confidnce}) is an error naming the
 * key it probably meant instead of a setting silently ignored. The known keys are those of the defaults file, which
 * documents every setting.
 */
final class SettingKeys {

  private SettingKeys() {}

  /**
   * @param defaults the defaults file's {@code touchpoints} block
   * @param resolved the whole resolved configuration (every layer)
   * @param openSections sections whose keys are free (their own keys are still checked to be objects)
   * @throws ConfigurationException naming the first unknown key and the nearest known one
   */
  static void requireKnown(Config defaults, Config resolved, List<String> openSections) {
    for (String root : resolved.root().keySet()) {
      if (!root.equals(JobConfig.ROOT)) {
        throw new ConfigurationException("unknown setting '" + root + "': settings go under "
            + JobConfig.ROOT + " { ... } (or are given with --conf without that prefix)");
      }
    }
    Set<String> known = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : defaults.entrySet()) {
      known.add(e.getKey());
    }
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : resolved.getConfig(JobConfig.ROOT).entrySet()) {
      String key = e.getKey();
      if (!known.contains(key) && openSections.stream().noneMatch(s -> key.startsWith(s + "."))) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      unknown.sort(Comparator.naturalOrder());
      String key = unknown.get(0);
      String nearest = nearest(key, known);
      throw new ConfigurationException("unknown setting '" + key + "'"
          + (nearest == null ? "" : " (did you mean '" + nearest + "'?)")
          + (unknown.size() > 1 ? "; also unknown: " + String.join(", ", unknown.subList(1, unknown.size())) : "")
          + "; every setting is listed in conf/touchpoints.conf");
    }
  }

  /** The known key closest in edit distance, when close enough to be a likely typo or a misplaced section. */
  static String nearest(String key, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = editDistance(key, candidate);
      // The same last segment under another section counts as close: "model.confidence" -> "metrics.confidence".
      if (lastSegment(candidate).equals(lastSegment(key))) {
        d = Math.min(d, 2);
      }
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  private static String lastSegment(String key) {
    return key.substring(key.lastIndexOf('.') + 1);
  }

  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
