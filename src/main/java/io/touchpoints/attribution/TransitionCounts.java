package io.touchpoints.attribution;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Weighted transition counts of the order-k journey chain: from state → to state → count. The input of
 * {@link MarkovAttribution}; built here from aggregated paths ({@link #fromPaths}) or filled from counts Spark made
 * ({@link #of}, {@link #builder}).
 *
 * <p>For order k the states are the last k touchpoints; at the start of a path they are shorter. A path
 * {@code a > b > c > d} with k = 2 visits {@code (start) → a → a > b → b > c → c > d}, then goes to
 * {@code (conversion)} with weight = its conversions and to {@code (null)} with weight = its nulls; every earlier
 * step weighs conversions + nulls (its journeys).
 *
 * <p>Repeated touchpoints are kept as they come: {@code a > a} at order 1 counts a self-transition {@code a → a}.
 * Self-transitions do not change any absorption probability, because a chain that stays in a state leaves it later
 * with the same conditional distribution over the other states; the solver divides them out.
 *
 * <p>Rules checked: order 1..4; counts finite and ≥ 0; no transition out of an absorbing state or into
 * {@code (start)}; {@code (start)} leads only to touchpoint states (a journey has a touchpoint); touchpoint states
 * hold at most k touchpoints. The maps are sorted ({@link MarkovState} order). Memory is one entry per distinct
 * transition, at most (states × distinct next touchpoints + 2).
 */
final class TransitionCounts {

  public static final int MIN_ORDER = 1;
  public static final int MAX_ORDER = 4;

  private final int order;
  private final SortedMap<MarkovState, SortedMap<MarkovState, Double>> counts;

  private TransitionCounts(int order, SortedMap<MarkovState, SortedMap<MarkovState, Double>> counts) {
    this.order = order;
    this.counts = counts;
  }

  /**
   * The counts of the given paths at the given order. Paths are added in {@link AggregatedPath#CANONICAL_ORDER}, so
   * the result does not depend on the list's order. Paths with no journeys (conversions + nulls = 0) add nothing.
   * Time O(total path length × log states).
   */
  public static TransitionCounts fromPaths(List<AggregatedPath> paths, int order) {
    requireOrder(order);
    List<AggregatedPath> sorted = new ArrayList<>(paths);
    sorted.sort(AggregatedPath.CANONICAL_ORDER);
    Builder builder = new Builder(order);
    for (AggregatedPath path : sorted) {
      double journeys = path.journeys();
      if (journeys == 0) {
        continue;
      }
      List<String> touches = path.touchpoints();
      MarkovState previous = MarkovState.START;
      for (int i = 0; i < touches.size(); i++) {
        MarkovState current = MarkovState.of(touches.subList(Math.max(0, i - order + 1), i + 1));
        builder.add(previous, current, journeys);
        previous = current;
      }
      if (path.conversions() > 0) {
        builder.add(previous, MarkovState.CONVERSION, path.conversions());
      }
      if (path.nulls() > 0) {
        builder.add(previous, MarkovState.NULL, path.nulls());
      }
    }
    return builder.build();
  }

  /** Counts made elsewhere (e.g. by Spark), checked and copied into sorted maps. */
  public static TransitionCounts of(int order, Map<MarkovState, ? extends Map<MarkovState, Double>> counts) {
    Builder builder = builder(order);
    counts.forEach((from, row) -> row.forEach((to, count) -> builder.add(from, to, count)));
    return builder.build();
  }

  public static Builder builder(int order) {
    return new Builder(order);
  }

  /** Adds counts one transition at a time; repeated transitions add up. */
  public static final class Builder {
    private final int order;
    private final SortedMap<MarkovState, SortedMap<MarkovState, Double>> counts = new TreeMap<>();

    private Builder(int order) {
      requireOrder(order);
      this.order = order;
    }

    public Builder add(MarkovState from, MarkovState to, double count) {
      if (!(count >= 0) || Double.isInfinite(count)) {
        throw new IllegalArgumentException("transition count must be a finite number ≥ 0, got " + count + " for "
            + from + " → " + to);
      }
      if (from.isAbsorbing()) {
        throw new IllegalArgumentException("no transition leaves an absorbing state, got " + from + " → " + to);
      }
      if (to.equals(MarkovState.START)) {
        throw new IllegalArgumentException("no transition enters (start), got " + from + " → " + to);
      }
      if (from.equals(MarkovState.START) && to.isAbsorbing()) {
        throw new IllegalArgumentException("(start) leads to a touchpoint state, got " + from + " → " + to);
      }
      for (MarkovState s : List.of(from, to)) {
        if (s.touchpoints().size() > order) {
          throw new IllegalArgumentException("a state of order " + order + " holds at most " + order
              + " touchpoints, got " + s);
        }
      }
      counts.computeIfAbsent(from, k -> new TreeMap<>()).merge(to, count, Double::sum);
      return this;
    }

    public TransitionCounts build() {
      SortedMap<MarkovState, SortedMap<MarkovState, Double>> copy = new TreeMap<>();
      counts.forEach((from, row) -> copy.put(from, Collections.unmodifiableSortedMap(new TreeMap<>(row))));
      return new TransitionCounts(order, Collections.unmodifiableSortedMap(copy));
    }
  }

  public int order() {
    return order;
  }

  /** From → to → count, sorted; unmodifiable. */
  public SortedMap<MarkovState, SortedMap<MarkovState, Double>> counts() {
    return counts;
  }

  /** The count of one transition, 0 when absent. */
  public double count(MarkovState from, MarkovState to) {
    SortedMap<MarkovState, Double> row = counts.get(from);
    return row == null ? 0 : row.getOrDefault(to, 0.0);
  }

  /** Every state that occurs, sorted. */
  public SortedSet<MarkovState> states() {
    SortedSet<MarkovState> states = new TreeSet<>(counts.keySet());
    counts.values().forEach(row -> states.addAll(row.keySet()));
    return states;
  }

  /** Every touchpoint named in a state, sorted. */
  public SortedSet<String> touchpoints() {
    SortedSet<String> names = new TreeSet<>();
    states().forEach(s -> names.addAll(s.touchpoints()));
    return names;
  }

  static void requireOrder(int order) {
    if (order < MIN_ORDER || order > MAX_ORDER) {
      throw new IllegalArgumentException("Markov order must be " + MIN_ORDER + ".." + MAX_ORDER + ", got " + order);
    }
  }
}
