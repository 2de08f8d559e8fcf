package io.touchpoints.attribution;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Shapley attribution per path: each path's conversions and value are split among that path's own touchpoints in
 * proportion to their Shapley values in a game played by those touchpoints only, and the splits are summed over
 * paths (the per-path attribution of Google's fractribution, with Shapley shares instead of leave-one-out shares).
 *
 * <p><b>Game.</b> Order and repeats within a journey are ignored: a path is its touchpoint set P. The value of a
 * coalition S is the conversion rate of the journeys whose touchpoint set is exactly S, v(S) = conversions /
 * (conversions + nulls) over those journeys. A set no journey has is valued 0, as is v(∅): the data say nothing about
 * it, and any other guess would need a model of how touchpoints combine, which is what attribution is asked to find.
 * That rule is also fractribution's for a counterfactual path not in the data. Because each path's split is a share
 * of that path's own conversions, the rule only moves credit between the touchpoints of a path, never creates or
 * loses any.
 *
 * <p><b>Split.</b> For a path with touchpoint set P (k touchpoints) and c conversions, touchpoint i ∈ P gets
 * φ_i = Σ_{S ⊆ P∖{i}} |S|! (k − |S| − 1)! / k! · (v(S ∪ {i}) − v(S)), and
 * credit_i = c · max(φ_i, 0) / Σ_{j ∈ P} max(φ_j, 0) (value likewise); equally, c / k each, when no φ is positive
 * (a path whose own set never converts but that carries value). So a one-touch path credits its touchpoint fully,
 * credits sum to the conversions and value of all paths, no touchpoint gets more than the paths that contain it, and
 * one that is only in paths that never convert gets 0.
 *
 * <p><b>Exact</b> when k ≤ {@code exactLimit} (default {@value #DEFAULT_EXACT_LIMIT}, at most
 * {@value #MAX_EXACT_LIMIT}). Since v vanishes outside the observed sets, φ_i = Σ_{T ⊆ P observed, i ∈ T} w(|T| − 1)
 * v(T) − Σ_{T ⊆ P observed, i ∉ T} w(|T|) v(T), with w(s) = s! (k − s − 1)! / k!: O(k) per observed subset of P,
 * found by looking up all 2^k subsets or by scanning the observed sets, whichever is fewer.
 *
 * <p><b>Sampled</b> beyond that: M permutations of P drawn by Fisher–Yates from a {@link SplittableRandom} seeded from
 * the seed and the path's touchpoints (the same result whatever order the paths come in); i's marginal contribution
 * is v(B ∪ {i}) − v(B), B the touchpoints before i. φ̂_i is the mean over the M permutations (unbiased), with standard
 * error s_i / √M. Σ φ̂ = v(P) in every permutation, so the shares' only noise is in the numerators: a credit's
 * standard error is taken as c · s_i / (√M · Σ max(φ̂, 0)) per path, added in quadrature over the sampled paths.
 */
final class ShapleyAttribution {

  public static final int DEFAULT_EXACT_LIMIT = 15;
  public static final int MAX_EXACT_LIMIT = 20;
  public static final int DEFAULT_PERMUTATIONS = 10_000;
  public static final long DEFAULT_SEED = 20_240_601L;

  private final int exactLimit;
  private final int permutations;
  private final long seed;

  /**
   * @param conversions credited conversions
   * @param value credited value
   * @param standardError of the credited conversions, from the sampled paths; 0 when every path was exact
   */
  public record Credit(String touchpoint, double conversions, double value, double standardError) {}

  /**
   * @param exactPaths converting touchpoint sets split exactly
   * @param sampledPaths converting touchpoint sets above the exact limit, split by sampled permutations
   * @param permutations permutations per sampled set
   * @param credits one per touchpoint, sorted by touchpoint
   */
  public record Result(int exactPaths, int sampledPaths, int permutations, List<Credit> credits) {
    public boolean exact() {
      return sampledPaths == 0;
    }
  }

  /**
   * One path's game: its touchpoints, their Shapley values (φ) and standard errors (0 when exact), and its shares.
   */
  record PathSplit(List<String> touchpoints, double[] values, double[] standardErrors, double[] shares,
      boolean exact) {}

  public ShapleyAttribution() {
    this(DEFAULT_EXACT_LIMIT, DEFAULT_PERMUTATIONS, DEFAULT_SEED);
  }

  /**
   * @param exactLimit exact up to this many touchpoints per path, 0..{@value #MAX_EXACT_LIMIT}
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
    Game game = new Game(paths);
    int n = game.players.size();
    double[] conversions = new double[n];
    double[] value = new double[n];
    double[] variance = new double[n];
    int exactPaths = 0;
    int sampledPaths = 0;
    for (Map.Entry<List<String>, double[]> set : game.sets.entrySet()) {
      double[] sums = set.getValue();
      if (!(sums[0] > 0 || sums[1] > 0)) {
        continue; // nothing to split
      }
      PathSplit split = split(game, set.getKey());
      if (split.exact()) {
        exactPaths++;
      } else {
        sampledPaths++;
      }
      double positive = positiveSum(split.values());
      for (int k = 0; k < split.touchpoints().size(); k++) {
        int i = game.index.get(split.touchpoints().get(k));
        conversions[i] += sums[0] * split.shares()[k];
        value[i] += sums[1] * split.shares()[k];
        if (positive > 0) {
          double se = sums[0] * split.standardErrors()[k] / positive;
          variance[i] += se * se;
        }
      }
    }
    List<Credit> credits = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      credits.add(new Credit(game.players.get(i), conversions[i], value[i], Math.sqrt(variance[i])));
    }
    return new Result(exactPaths, sampledPaths, sampledPaths > 0 ? permutations : 0, List.copyOf(credits));
  }

  /** The split of one touchpoint set of these paths (the README's worked example, and the tests, read it). */
  PathSplit split(List<AggregatedPath> paths, List<String> touchpoints) {
    return split(new Game(paths), List.copyOf(new TreeSet<>(touchpoints)));
  }

  private PathSplit split(Game game, List<String> touchpoints) {
    int k = touchpoints.size();
    int[] members = touchpoints.stream().mapToInt(game.index::get).toArray();
    double[] phi = new double[k];
    double[] standardError = new double[k];
    boolean exact = k <= exactLimit;
    if (exact) {
      exactValues(game, members, phi);
    } else {
      sampledValues(game, touchpoints, members, phi, standardError);
    }
    double positive = positiveSum(phi);
    double[] shares = new double[k];
    for (int j = 0; j < k; j++) {
      shares[j] = positive > 0 ? Math.max(phi[j], 0) / positive : 1.0 / k;
    }
    return new PathSplit(touchpoints, phi, standardError, shares, exact);
  }

  private static double positiveSum(double[] phi) {
    double sum = 0;
    for (double f : phi) {
      sum += Math.max(f, 0);
    }
    return sum;
  }

  private static void exactValues(Game game, int[] members, double[] phi) {
    int k = members.length;
    // weight[s] = s!(k − s − 1)!/k! = 1 / (k · C(k − 1, s)).
    double[] weight = new double[k];
    double binomial = 1;
    for (int s = 0; s < k; s++) {
      weight[s] = 1 / (k * binomial);
      binomial = binomial * (k - 1 - s) / (s + 1);
    }
    BitSet whole = new BitSet();
    for (int m : members) {
      whole.set(m);
    }
    // Observed subsets of the path, as local masks in ascending order (the same sums whichever way they are found).
    TreeMap<Integer, Double> observed = new TreeMap<>();
    if ((1L << k) <= game.rate.size()) {
      for (int mask = 1; mask < (1 << k); mask++) {
        BitSet subset = new BitSet();
        for (int j = 0; j < k; j++) {
          if ((mask & (1 << j)) != 0) {
            subset.set(members[j]);
          }
        }
        Double r = game.rate.get(subset);
        if (r != null && r != 0) {
          observed.put(mask, r);
        }
      }
    } else {
      Map<Integer, Integer> local = new HashMap<>();
      for (int j = 0; j < k; j++) {
        local.put(members[j], j);
      }
      game.rate.forEach((set, r) -> {
        if (r != 0 && !set.isEmpty()) {
          BitSet outside = (BitSet) set.clone();
          outside.andNot(whole);
          if (outside.isEmpty()) {
            int mask = 0;
            for (int g = set.nextSetBit(0); g >= 0; g = set.nextSetBit(g + 1)) {
              mask |= 1 << local.get(g);
            }
            observed.put(mask, r);
          }
        }
      });
    }
    observed.forEach((mask, r) -> {
      int size = Integer.bitCount(mask);
      for (int j = 0; j < k; j++) {
        phi[j] += (mask & (1 << j)) != 0 ? weight[size - 1] * r : -weight[size] * r;
      }
    });
  }

  private void sampledValues(Game game, List<String> touchpoints, int[] members, double[] phi,
      double[] standardError) {
    int k = members.length;
    SplittableRandom random = new SplittableRandom(seed ^ (BootstrapPaths.pathHash(touchpoints) * 0x9E3779B97F4A7C15L));
    int[] permutation = new int[k];
    for (int j = 0; j < k; j++) {
      permutation[j] = j;
    }
    // Welford's running mean and sum of squared deviations, per touchpoint.
    double[] mean = new double[k];
    double[] squares = new double[k];
    BitSet prefix = new BitSet();
    for (int m = 1; m <= permutations; m++) {
      for (int j = k - 1; j > 0; j--) {
        int swap = random.nextInt(j + 1);
        int held = permutation[j];
        permutation[j] = permutation[swap];
        permutation[swap] = held;
      }
      prefix.clear();
      double before = 0; // v(∅)
      for (int player : permutation) {
        prefix.set(members[player]);
        double after = game.rate.getOrDefault(prefix, 0.0);
        double contribution = after - before;
        double delta = contribution - mean[player];
        mean[player] += delta / m;
        squares[player] += delta * (contribution - mean[player]);
        before = after;
      }
    }
    for (int j = 0; j < k; j++) {
      phi[j] = mean[j];
      standardError[j] = Math.sqrt(squares[j] / (permutations - 1) / permutations);
    }
  }

  /** The paths reduced to touchpoint sets: conversions, value and journeys per set, and each set's rate. */
  private static final class Game {
    final List<String> players;
    final Map<String, Integer> index = new HashMap<>();
    /** Sorted set → {conversions, value, journeys}, in canonical order so that sums are reproducible. */
    final TreeMap<List<String>, double[]> sets = new TreeMap<>(AggregatedPath::compareSequences);
    final Map<BitSet, Double> rate = new HashMap<>();

    Game(List<AggregatedPath> paths) {
      List<AggregatedPath> sorted = new ArrayList<>(paths);
      sorted.sort(AggregatedPath.CANONICAL_ORDER);
      SortedSet<String> names = new TreeSet<>();
      for (AggregatedPath p : sorted) {
        names.addAll(p.touchpoints());
        double[] sums = sets.computeIfAbsent(List.copyOf(new TreeSet<>(p.touchpoints())), s -> new double[3]);
        sums[0] += p.conversions();
        sums[1] += p.value();
        sums[2] += p.journeys();
      }
      players = List.copyOf(names);
      for (int i = 0; i < players.size(); i++) {
        index.put(players.get(i), i);
      }
      sets.forEach((set, sums) -> {
        BitSet bits = new BitSet(players.size());
        set.forEach(t -> bits.set(index.get(t)));
        rate.put(bits, sums[2] > 0 ? sums[0] / sums[2] : 0.0);
      });
    }
  }
}
