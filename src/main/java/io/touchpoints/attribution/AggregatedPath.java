package io.touchpoints.attribution;

import java.util.Comparator;
import java.util.List;

/**
 * Journeys that share one ordered touchpoint sequence, aggregated: how many converted, their revenue, and how many
 * did not convert. The input of every attribution model here; the Spark side groups journeys by path and hands these
 * to the driver.
 *
 * <p>Counts are doubles, not longs, because bootstrap replicates reweight them (a path drawn twice weighs 2, a
 * Poisson weight may be any non-negative number).
 *
 * @param touchpoints the touchpoints in the order touched, at least one, none blank; repeats allowed
 * @param conversions journeys on this path that converted (a weight, ≥ 0)
 * @param value revenue of those conversions (≥ 0)
 * @param nulls journeys on this path that did not convert (a weight, ≥ 0)
 */
record AggregatedPath(List<String> touchpoints, double conversions, double value, double nulls) {

  /**
   * A total order on paths (sequence, then counts) so that sums over paths are taken in the same order whatever
   * order Spark returned them in: floating-point addition is not associative, and results must be bit-for-bit
   * reproducible.
   */
  static final Comparator<AggregatedPath> CANONICAL_ORDER = Comparator
      .<AggregatedPath, List<String>>comparing(AggregatedPath::touchpoints, AggregatedPath::compareSequences)
      .thenComparingDouble(AggregatedPath::conversions)
      .thenComparingDouble(AggregatedPath::value)
      .thenComparingDouble(AggregatedPath::nulls);

  public AggregatedPath {
    if (touchpoints == null || touchpoints.isEmpty()) {
      throw new IllegalArgumentException("a path needs at least one touchpoint, got " + touchpoints);
    }
    for (String t : touchpoints) {
      requireTouchpointName(t, touchpoints);
    }
    touchpoints = List.copyOf(touchpoints);
    requireCount("conversions", conversions, touchpoints);
    requireCount("value", value, touchpoints);
    requireCount("nulls", nulls, touchpoints);
  }

  /** A path of touchpoints given in order. */
  public static AggregatedPath of(double conversions, double value, double nulls, String... touchpoints) {
    return new AggregatedPath(List.of(touchpoints), conversions, value, nulls);
  }

  /** Journeys on this path: conversions + nulls. */
  public double journeys() {
    return conversions + nulls;
  }

  /** Touchpoints joined with " > ", as in the output tables. */
  public String render() {
    return String.join(" > ", touchpoints);
  }

  static void requireTouchpointName(String name, Object where) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("touchpoint names must be non-empty, got \"" + name + "\" in " + where);
    }
  }

  private static void requireCount(String what, double count, List<String> touchpoints) {
    if (!(count >= 0) || Double.isInfinite(count)) {
      throw new IllegalArgumentException(what + " must be a finite number ≥ 0, got " + count + " for path "
          + touchpoints);
    }
  }

  /** Lexicographic by element, a proper prefix first. */
  static int compareSequences(List<String> a, List<String> b) {
    int common = Math.min(a.size(), b.size());
    for (int i = 0; i < common; i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}
