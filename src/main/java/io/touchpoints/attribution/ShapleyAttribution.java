package io.touchpoints.attribution;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * "Simplified Shapley" attribution of data-driven attribution: touchpoints are players, and the value of a
 * coalition S is the conversion rate of the journeys whose set of touchpoints is exactly S:
 * v(S) = conversions / (conversions + nulls) of those journeys, 0 when no journey has that set (so v(∅) = 0). Order
 * and repeats within a journey are ignored.
 *
 * <p>The Shapley value of touchpoint i over the n touchpoints N is
 * φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)).
 *
 * <p><b>Exact</b> when n ≤ {@code exactLimit} (default {@value #DEFAULT_EXACT_LIMIT}, at most
 * {@value #MAX_EXACT_LIMIT}): v is tabulated over all 2^n bitmasks and the sum above runs over them, O(n · 2^n) time
 * and O(2^n) memory (2^15 = 32,768 subsets).
 *
 * <p><b>Sampled</b> beyond that: M permutations drawn by Fisher–Yates from a {@link SplittableRandom} with the given
 * seed; in each, touchpoint i's marginal contribution is v(P ∪ {i}) − v(P), P the touchpoints before i. φ̂_i is the
 * mean over the M permutations, an unbiased estimate of φ_i (a uniformly random permutation gives each S the Shapley
 * weight), with standard error s_i / √M, s_i the sample standard deviation of the M contributions. O(M · n) look-ups
 * of v in a hash map of the observed sets. The same seed gives the same result.
 *
 * <p><b>Normalisation.</b> Σ φ_i = v(N) − v(∅) = v(N), the conversion rate of journeys that touched everything, which
 * is not a count; credits therefore share the totals in proportion to the positive part of φ:
 * conversions(i) = total conversions × max(φ_i, 0) / Σ_j max(φ_j, 0), value likewise with the total value (of all
 * paths). A touchpoint with φ_i ≤ 0 (its presence does not raise, or lowers, the conversion rate) gets no credit; its
 * φ is still reported. If no φ is positive, no credit is given (all credits 0, not summing to the totals).
 */
public final class ShapleyAttribution {

  public static final int DEFAULT_EXACT_LIMIT = 15;
  public static final int MAX_EXACT_LIMIT = 20;
  public static final int DEFAULT_PERMUTATIONS = 10_000;
  public static final long DEFAULT_SEED = 20_240_601L;

  private final int exactLimit;
  private final int permutations;
  private final long seed;

  /**
   * @param shapleyValue φ (exact or estimated)
   * @param standardError of the sampled φ; 0 when exact
   * @param conversions credited conversions
   * @param value credited value
   */
  public record Credit(String touchpoint, double shapleyValue, double standardError, double conversions,
      double value) {}

  /**
   * @param exact whether φ was computed exactly
   * @param permutations permutations sampled; 0 when exact
   * @param credits one per touchpoint, sorted by touchpoint
   */
  public record Result(boolean exact, int permutations, List<Credit> credits) {}

  public ShapleyAttribution() {
    this(DEFAULT_EXACT_LIMIT, DEFAULT_PERMUTATIONS, DEFAULT_SEED);
  }

  /**
   * @param exactLimit exact up to this many touchpoints, 0..{@value #MAX_EXACT_LIMIT}
   * @param permutations permutations to sample above it, ≥ 2 (for a standard error)
   * @param seed of the permutation sampler
   */
  public ShapleyAttribution(int exactLimit, int permutations, long seed) {
    if (exactLimit < 0 || exactLimit > MAX_EXACT_LIMIT) {
      throw new IllegalArgumentException("exactLimit must be 0.." + MAX_EXACT_LIMIT + ", got " + exactLimit);
    }
    if (permutations < 2) {
      throw new IllegalArgumentException("permutations must be ≥ 2, got " + permutations);
    }
    this.exactLimit = exactLimit;
    this.permutations = permutations;
    this.seed = seed;
  }

  public Result attribute(List<AggregatedPath> paths) {
    List<AggregatedPath> sorted = new ArrayList<>(paths);
    sorted.sort(AggregatedPath.CANONICAL_ORDER);
    SortedSet<String> names = new TreeSet<>();
    double totalConversions = 0;
    double totalValue = 0;
    for (AggregatedPath p : sorted) {
      names.addAll(p.touchpoints());
      totalConversions += p.conversions();
      totalValue += p.value();
    }
    List<String> players = List.copyOf(names);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < players.size(); i++) {
      index.put(players.get(i), i);
    }
    // Conversions and journeys per exact touchpoint set, summed in canonical path order.
    Map<BitSet, double[]> bySet = new HashMap<>();
    for (AggregatedPath p : sorted) {
      BitSet set = new BitSet(players.size());
      p.touchpoints().forEach(t -> set.set(index.get(t)));
      double[] sums = bySet.computeIfAbsent(set, k -> new double[2]);
      sums[0] += p.conversions();
      sums[1] += p.journeys();
    }
    Map<BitSet, Double> rate = new HashMap<>();
    bySet.forEach((set, sums) -> rate.put(set, sums[1] > 0 ? sums[0] / sums[1] : 0.0));

    int n = players.size();
    boolean exact = n <= exactLimit;
    double[] phi = new double[n];
    double[] standardError = new double[n];
    if (exact) {
      exactValues(n, rate, phi);
    } else {
      sampledValues(n, rate, phi, standardError);
    }
    double positiveSum = 0;
    for (double f : phi) {
      positiveSum += Math.max(f, 0);
    }
    List<Credit> credits = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double share = positiveSum > 0 ? Math.max(phi[i], 0) / positiveSum : 0;
      credits.add(new Credit(players.get(i), phi[i], standardError[i], totalConversions * share,
          totalValue * share));
    }
    return new Result(exact, exact ? 0 : permutations, List.copyOf(credits));
  }

  private static void exactValues(int n, Map<BitSet, Double> rate, double[] phi) {
    double[] v = new double[1 << n];
    rate.forEach((set, r) -> {
      long[] words = set.toLongArray();
      v[words.length == 0 ? 0 : (int) words[0]] = r;
    });
    // weight[s] = s!(n − s − 1)!/n! = 1 / (n · C(n − 1, s)).
    double[] weight = new double[n];
    double binomial = 1;
    for (int s = 0; s < n; s++) {
      weight[s] = 1 / (n * binomial);
      binomial = binomial * (n - 1 - s) / (s + 1);
    }
    for (int i = 0; i < n; i++) {
      int bit = 1 << i;
      double sum = 0;
      for (int mask = 0; mask < v.length; mask++) {
        if ((mask & bit) == 0) {
          sum += weight[Integer.bitCount(mask)] * (v[mask | bit] - v[mask]);
        }
      }
      phi[i] = sum;
    }
  }

  private void sampledValues(int n, Map<BitSet, Double> rate, double[] phi, double[] standardError) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] permutation = new int[n];
    for (int i = 0; i < n; i++) {
      permutation[i] = i;
    }
    // Welford's running mean and sum of squared deviations, per touchpoint.
    double[] mean = new double[n];
    double[] squares = new double[n];
    BitSet prefix = new BitSet(n);
    for (int m = 1; m <= permutations; m++) {
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = permutation[i];
        permutation[i] = permutation[j];
        permutation[j] = swap;
      }
      prefix.clear();
      double before = 0; // v(∅)
      for (int player : permutation) {
        prefix.set(player);
        double after = rate.getOrDefault(prefix, 0.0);
        double contribution = after - before;
        double delta = contribution - mean[player];
        mean[player] += delta / m;
        squares[player] += delta * (contribution - mean[player]);
        before = after;
      }
    }
    for (int i = 0; i < n; i++) {
      phi[i] = mean[i];
      standardError[i] = Math.sqrt(squares[i] / (permutations - 1) / permutations);
    }
  }
}
