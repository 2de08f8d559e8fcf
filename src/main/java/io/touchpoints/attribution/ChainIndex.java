package io.touchpoints.attribution;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The states and transitions of one order-k chain as arrays: states sorted ({@link MarkovState} order), transitions
 * sorted by from state then to state, so that a count vector aligned with {@link #from()}/{@link #to()} is all a
 * chain needs. Built once from the full data's counts; every bootstrap replicate reweights the same paths, so its
 * transitions are a subset of these and its counts fit the same vector (absent transitions count 0).
 *
 * <p>Serializable so that it can be broadcast: executors look up a path's steps with {@link #transition} (maps built
 * on first use, keyed by {@link MarkovState#render()}).
 */
final class ChainIndex implements Serializable {

  private static final long serialVersionUID = 1L;

  private final int order;
  private final MarkovState[] states;
  private final int[] from;
  private final int[] to;
  private final double[] counts;
  private final String[] touchpoints;
  private transient volatile Map<String, Integer> stateIds;
  private transient volatile Map<Long, Integer> transitionIds;

  private ChainIndex(int order, MarkovState[] states, int[] from, int[] to, double[] counts, String[] touchpoints) {
    this.order = order;
    this.states = states;
    this.from = from;
    this.to = to;
    this.counts = counts;
    this.touchpoints = touchpoints;
  }

  /** The index of these counts, with the counts themselves as {@link #counts()}. */
  static ChainIndex of(TransitionCounts counts) {
    SortedSet<MarkovState> all = counts.states();
    MarkovState[] states = all.toArray(MarkovState[]::new);
    Map<MarkovState, Integer> id = new HashMap<>(2 * states.length);
    for (int i = 0; i < states.length; i++) {
      id.put(states[i], i);
    }
    List<int[]> pairs = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    // Both levels of the maps are sorted, so the transitions come out sorted by (from, to).
    for (Map.Entry<MarkovState, SortedMap<MarkovState, Double>> row : counts.counts().entrySet()) {
      for (Map.Entry<MarkovState, Double> cell : row.getValue().entrySet()) {
        pairs.add(new int[] {id.get(row.getKey()), id.get(cell.getKey())});
        values.add(cell.getValue());
      }
    }
    int[] from = new int[pairs.size()];
    int[] to = new int[pairs.size()];
    double[] c = new double[pairs.size()];
    for (int e = 0; e < pairs.size(); e++) {
      from[e] = pairs.get(e)[0];
      to[e] = pairs.get(e)[1];
      c[e] = values.get(e);
    }
    SortedSet<String> names = new TreeSet<>();
    for (MarkovState s : states) {
      names.addAll(s.touchpoints());
    }
    return new ChainIndex(counts.order(), states, from, to, c, names.toArray(String[]::new));
  }

  int order() {
    return order;
  }

  /** Every state, sorted; absorbing ones included. */
  MarkovState[] states() {
    return states;
  }

  /** From-state index of each transition. */
  int[] from() {
    return from;
  }

  /** To-state index of each transition. */
  int[] to() {
    return to;
  }

  /** The counts the index was built from, aligned with the transitions. */
  double[] counts() {
    return counts;
  }

  int transitions() {
    return from.length;
  }

  /** Every touchpoint named in a state, sorted. */
  String[] touchpoints() {
    return touchpoints;
  }

  /** The id of the state rendered as {@code key}, or -1. */
  int state(String key) {
    Map<String, Integer> ids = stateIds;
    if (ids == null) {
      ids = new HashMap<>(2 * states.length);
      for (int i = 0; i < states.length; i++) {
        ids.put(states[i].render(), i);
      }
      stateIds = ids;
    }
    return ids.getOrDefault(key, -1);
  }

  /** The id of the transition between two state ids, or -1 when the index has no such transition. */
  int transition(int fromState, int toState) {
    Map<Long, Integer> ids = transitionIds;
    if (ids == null) {
      ids = new HashMap<>(2 * from.length);
      for (int e = 0; e < from.length; e++) {
        ids.put(pairKey(from[e], to[e]), e);
      }
      transitionIds = ids;
    }
    if (fromState < 0 || toState < 0) {
      return -1;
    }
    return ids.getOrDefault(pairKey(fromState, toState), -1);
  }

  private static long pairKey(int a, int b) {
    return ((long) a << 32) | (b & 0xFFFFFFFFL);
  }
}
