package io.touchpoints.attribution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Rule-based attribution: each converting path's conversions and value are split over its touches by fixed weights
 * that sum to 1 per path; a touchpoint's credit is the sum over its touches (a touchpoint touched twice gets both
 * weights). Credits therefore sum to the total conversions and total value of the paths, up to rounding.
 *
 * <ul>
 *   <li>{@code first_touch}: all to the first touch.</li>
 *   <li>{@code last_touch}: all to the last touch.</li>
 *   <li>{@code last_non_direct}: all to the last touch that is not one of the "direct" touchpoints; if every touch
 *       is direct, to the last touch.</li>
 *   <li>{@code linear}: 1/L to each of the L touches.</li>
 *   <li>{@code position_based}: first share f to the first touch, last share l to the last, (1 − f − l)/(L − 2) to
 *       each touch between (default 0.4/0.2/0.4). A path of one touch gives it everything; a path of two gives
 *       f/(f + l) and l/(f + l) (the shares renormalised to sum to 1; half each if f = l = 0).</li>
 *   <li>{@code time_decay}: weight 2^(−age/halfLife) for a touch {@code age} days before the conversion, divided by
 *       the path's sum. Ages are shifted by the path's smallest age first, which leaves the ratios unchanged and keeps
 *       the weights from underflowing to 0/0 for old paths.</li>
 * </ul>
 *
 * <p>Every touchpoint of the input appears in the output (with 0 if never credited), sorted by name. Paths are summed
 * in a canonical order, so results do not depend on the input order. Time O(total path length × log touchpoints).
 */
public final class HeuristicAttribution {

  public static final double DEFAULT_FIRST_SHARE = 0.4;
  public static final double DEFAULT_LAST_SHARE = 0.4;

  private final Set<String> directTouchpoints;
  private final double firstShare;
  private final double lastShare;

  /** Credit of one touchpoint. */
  public record Credit(String touchpoint, double conversions, double value) {}

  /** With the 40/20/40 position-based shares. */
  public HeuristicAttribution(Set<String> directTouchpoints) {
    this(directTouchpoints, DEFAULT_FIRST_SHARE, DEFAULT_LAST_SHARE);
  }

  /**
   * @param directTouchpoints skipped by {@code last_non_direct}
   * @param firstShare position-based share of the first touch, ≥ 0
   * @param lastShare position-based share of the last touch, ≥ 0; firstShare + lastShare ≤ 1
   */
  public HeuristicAttribution(Set<String> directTouchpoints, double firstShare, double lastShare) {
    if (!(firstShare >= 0 && lastShare >= 0 && firstShare + lastShare <= 1)) {
      throw new IllegalArgumentException("position-based shares must be ≥ 0 and sum to ≤ 1, got first " + firstShare
          + " and last " + lastShare);
    }
    this.directTouchpoints = Set.copyOf(directTouchpoints);
    this.firstShare = firstShare;
    this.lastShare = lastShare;
  }

  public List<Credit> firstTouch(List<AggregatedPath> paths) {
    return credit(paths, null, (path, ages) -> {
      double[] w = new double[path.size()];
      w[0] = 1;
      return w;
    });
  }

  public List<Credit> lastTouch(List<AggregatedPath> paths) {
    return credit(paths, null, (path, ages) -> {
      double[] w = new double[path.size()];
      w[path.size() - 1] = 1;
      return w;
    });
  }

  public List<Credit> lastNonDirect(List<AggregatedPath> paths) {
    return credit(paths, null, (path, ages) -> {
      double[] w = new double[path.size()];
      int chosen = path.size() - 1;
      for (int i = path.size() - 1; i >= 0; i--) {
        if (!directTouchpoints.contains(path.get(i))) {
          chosen = i;
          break;
        }
      }
      w[chosen] = 1;
      return w;
    });
  }

  public List<Credit> linear(List<AggregatedPath> paths) {
    return credit(paths, null, (path, ages) -> {
      double[] w = new double[path.size()];
      Arrays.fill(w, 1.0 / path.size());
      return w;
    });
  }

  public List<Credit> positionBased(List<AggregatedPath> paths) {
    return credit(paths, null, (path, ages) -> {
      int length = path.size();
      double[] w = new double[length];
      if (length == 1) {
        w[0] = 1;
      } else if (length == 2) {
        double ends = firstShare + lastShare;
        w[0] = ends > 0 ? firstShare / ends : 0.5;
        w[1] = ends > 0 ? lastShare / ends : 0.5;
      } else {
        double middle = (1 - firstShare - lastShare) / (length - 2);
        Arrays.fill(w, middle);
        w[0] = firstShare;
        w[length - 1] = lastShare;
      }
      return w;
    });
  }

  /**
   * @param agesInDays per path (same order as {@code paths}), the age in days of each touch before the conversion,
   *     finite and ≥ 0, one per touch
   * @param halfLifeDays a touch this much older weighs half as much, &gt; 0
   */
  public List<Credit> timeDecay(List<AggregatedPath> paths, List<double[]> agesInDays, double halfLifeDays) {
    if (!(halfLifeDays > 0) || Double.isInfinite(halfLifeDays)) {
      throw new IllegalArgumentException("half-life must be a finite number of days > 0, got " + halfLifeDays);
    }
    if (agesInDays.size() != paths.size()) {
      throw new IllegalArgumentException("need one array of ages per path: " + paths.size() + " paths, got "
          + agesInDays.size());
    }
    for (int p = 0; p < paths.size(); p++) {
      double[] ages = agesInDays.get(p);
      if (ages.length != paths.get(p).touchpoints().size()) {
        throw new IllegalArgumentException("need one age per touch: path " + paths.get(p).render() + " has "
            + paths.get(p).touchpoints().size() + " touches, got " + ages.length + " ages");
      }
      for (double age : ages) {
        if (!(age >= 0) || Double.isInfinite(age)) {
          throw new IllegalArgumentException("ages must be finite numbers of days ≥ 0, got " + age + " on path "
              + paths.get(p).render());
        }
      }
    }
    return credit(paths, agesInDays, (path, ages) -> {
      double youngest = Double.POSITIVE_INFINITY;
      for (double age : ages) {
        youngest = Math.min(youngest, age);
      }
      double[] w = new double[ages.length];
      double sum = 0;
      for (int i = 0; i < ages.length; i++) {
        w[i] = Math.pow(2, -(ages[i] - youngest) / halfLifeDays);
        sum += w[i];
      }
      for (int i = 0; i < ages.length; i++) {
        w[i] /= sum;
      }
      return w;
    });
  }

  /** Weights of a path's touches, summing to 1. */
  private interface Rule {
    double[] weights(List<String> touchpoints, double[] ages);
  }

  private static List<Credit> credit(List<AggregatedPath> paths, List<double[]> ages, Rule rule) {
    // Sort indices, not paths, so each path keeps its ages.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing(paths::get, AggregatedPath.CANONICAL_ORDER));
    SortedMap<String, double[]> sums = new TreeMap<>();
    for (int p : order) {
      AggregatedPath path = paths.get(p);
      List<String> touches = path.touchpoints();
      touches.forEach(t -> sums.computeIfAbsent(t, k -> new double[2]));
      if (path.conversions() == 0 && path.value() == 0) {
        continue;
      }
      double[] w = rule.weights(touches, ages == null ? null : ages.get(p));
      for (int i = 0; i < w.length; i++) {
        double[] s = sums.get(touches.get(i));
        s[0] += path.conversions() * w[i];
        s[1] += path.value() * w[i];
      }
    }
    List<Credit> credits = new ArrayList<>();
    sums.forEach((t, s) -> credits.add(new Credit(t, s[0], s[1])));
    return List.copyOf(credits);
  }
}
