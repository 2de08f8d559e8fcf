package io.touchpoints.attribution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Chooses the Markov order by held-out fit: the chain of each order is fitted on the training journeys and scored by
 * the mean log-likelihood of every step of the held-out journeys (each touch, and the final conversion or exit),
 * predicted from the state before it. The highest mean log-likelihood wins (ties: the lower order).
 *
 * <p>States of a held-out step that training never saw would give probability 0, so the orders are smoothed into
 * one another: p_k(s | h) = (n_k(h, s) + β · p_{k−1}(s | h')) / (n_k(h) + β), h' the last k − 1 touchpoints of h,
 * ending in p_0(s) = (n(s) + 1) / (N + V) over the V symbols (touchpoints, conversion, exit) seen in either part
 * (a hierarchical Dirichlet prior; β = {@code attribution.order_fit_prior}). The start state backs off to itself.
 * Every order is scored with the same smoothing, so higher orders win only where their extra memory predicts
 * better. Runs on the driver over transition counts (small by construction).
 */
final class MarkovOrderFit {

  /** Held-out fit of one order. */
  public record Fit(int order, double trainSteps, double heldOutSteps, double logLikelihood, double perplexity,
      boolean selected) {}

  private static final String START = "\u0000start";

  private final double prior;

  /** @param prior β, the weight of the lower order in each state's estimate; positive */
  public MarkovOrderFit(double prior) {
    if (!(prior > 0) || Double.isInfinite(prior)) {
      throw new IllegalArgumentException("order-fit prior must be positive and finite, got " + prior);
    }
    this.prior = prior;
  }

  /**
   * @param train transition counts of the training part, by order (must hold every order 1..max)
   * @param heldOut transition counts of the held-out part, by order
   * @return one fit per order of {@code heldOut}, ascending, exactly one selected (none when nothing is held out)
   */
  public List<Fit> evaluate(Map<Integer, TransitionCounts> train, Map<Integer, TransitionCounts> heldOut) {
    int maxOrder = heldOut.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    // history (last touchpoints, or START) -> next symbol -> count, per order; index 0 = the unigram.
    List<Map<List<String>, Map<String, Double>>> counts = new ArrayList<>();
    counts.add(new HashMap<>());
    Set<String> symbols = new HashSet<>();
    for (int k = 1; k <= maxOrder; k++) {
      TransitionCounts c = train.get(k);
      if (c == null) {
        throw new IllegalArgumentException("training counts of order " + k + " are missing (have " + train.keySet()
            + ")");
      }
      Map<List<String>, Map<String, Double>> byHistory = new HashMap<>();
      int order = k;
      c.counts().forEach((from, row) -> row.forEach((to, n) -> {
        String s = symbol(to);
        byHistory.computeIfAbsent(history(from), h -> new HashMap<>()).merge(s, n, Double::sum);
        if (order == 1) {
          counts.get(0).computeIfAbsent(List.of(), h -> new HashMap<>()).merge(s, n, Double::sum);
        }
        symbols.add(s);
      }));
      counts.add(byHistory);
    }
    heldOut.values().forEach(c -> c.counts().values().forEach(row -> row.keySet().forEach(to -> symbols.add(
        symbol(to)))));
    Map<List<String>, Map<String, Double>> unigram = counts.get(0);
    Map<String, Double> unigramRow = unigram.getOrDefault(List.of(), Map.of());
    double unigramTotal = unigramRow.values().stream().mapToDouble(Double::doubleValue).sum();
    List<Map<List<String>, Double>> totals = new ArrayList<>();
    for (Map<List<String>, Map<String, Double>> byHistory : counts) {
      Map<List<String>, Double> t = new HashMap<>();
      byHistory.forEach((h, row) -> t.put(h, row.values().stream().mapToDouble(Double::doubleValue).sum()));
      totals.add(t);
    }
    int vocabulary = symbols.size();

    Map<Integer, double[]> scored = new TreeMap<>();
    for (Map.Entry<Integer, TransitionCounts> e : heldOut.entrySet()) {
      int k = e.getKey();
      double steps = 0;
      double logLikelihood = 0;
      for (Map.Entry<MarkovState, ? extends Map<MarkovState, Double>> row : e.getValue().counts().entrySet()) {
        List<String> h = history(row.getKey());
        for (Map.Entry<MarkovState, Double> cell : row.getValue().entrySet()) {
          double p = probability(k, h, symbol(cell.getKey()), counts, totals, unigramRow, unigramTotal, vocabulary);
          steps += cell.getValue();
          logLikelihood += cell.getValue() * Math.log(p);
        }
      }
      double trainSteps = totals.get(Math.min(k, totals.size() - 1)).values().stream()
          .mapToDouble(Double::doubleValue).sum();
      scored.put(k, new double[] {trainSteps, steps, steps > 0 ? logLikelihood / steps : Double.NaN});
    }
    int best = -1;
    for (Map.Entry<Integer, double[]> e : scored.entrySet()) {
      double ll = e.getValue()[2];
      if (!Double.isNaN(ll) && (best < 0 || ll > scored.get(best)[2])) {
        best = e.getKey();
      }
    }
    List<Fit> out = new ArrayList<>();
    for (Map.Entry<Integer, double[]> e : scored.entrySet()) {
      double[] v = e.getValue();
      out.add(new Fit(e.getKey(), v[0], v[1], v[2], Math.exp(-v[2]), e.getKey() == best));
    }
    return out;
  }

  private double probability(int k, List<String> h, String s, List<Map<List<String>, Map<String, Double>>> counts,
      List<Map<List<String>, Double>> totals, Map<String, Double> unigramRow, double unigramTotal, int vocabulary) {
    double p = (unigramRow.getOrDefault(s, 0.0) + 1) / (unigramTotal + vocabulary);
    // From the shortest history up: each order's estimate is smoothed towards the one below it.
    for (int j = 1; j <= k; j++) {
      List<String> hj = suffix(h, j);
      Map<String, Double> row = counts.get(j).get(hj);
      double n = row == null ? 0 : totals.get(j).get(hj);
      double c = row == null ? 0 : row.getOrDefault(s, 0.0);
      p = (c + prior * p) / (n + prior);
    }
    return p;
  }

  private static List<String> suffix(List<String> h, int j) {
    if (h.size() == 1 && h.get(0).equals(START)) {
      return h;
    }
    return h.size() <= j ? h : h.subList(h.size() - j, h.size());
  }

  private static List<String> history(MarkovState from) {
    return from.equals(MarkovState.START) ? List.of(START) : from.touchpoints();
  }

  private static String symbol(MarkovState to) {
    return switch (to.kind()) {
      case CONVERSION -> PathTallies.CONVERSION;
      case NULL -> PathTallies.NULL;
      case START -> throw new IllegalArgumentException("no transition leads to (start)");
      case TOUCHPOINTS -> to.touchpoints().get(to.touchpoints().size() - 1);
    };
  }
}
