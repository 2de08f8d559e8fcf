package io.touchpoints.attribution;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Markov and Shapley credits of every bootstrap replicate, from one pass over the aggregated paths.
 *
 * <p>Replicate b draws each path's conversions and non-converting journeys as {@link BootstrapPaths} does (Poisson,
 * seeded from seed, replicate and path alone), so a replicate reweights the full data's paths: its Markov
 * transitions are a subset of the full data's, and its touchpoint sets too. The full data's chains ({@link
 * ChainIndex}, one per order) and sets are indexed on the driver (they are already there, small by construction)
 * and broadcast. Each task reads its paths once, looks up every path's transitions and set once, then adds each
 * replicate's draw into dense count vectors (per order and replicate, and per replicate for the sets), a block of
 * replicates at a time so that a task holds at most {@value #MAX_CELLS} doubles. The vectors leave the task sparse,
 * tagged with the partition.
 *
 * <p>Shuffle: one, on (model, replicate), of partitions × replicates × models sparse vectors. Each group sums its
 * vectors in partition order (the same result whatever order they arrive in) and is solved where it is: the Markov
 * chain of that order ({@link MarkovAttribution#credits}) or the Shapley value of those sets. Only credits reach the
 * driver: replicates × models × touchpoints rows. Settings: {@code attribution.bootstrap_replicates}, {@code
 * attribution.seed}; the groups spread over {@code spark.sql.shuffle.partitions} tasks.
 *
 * <p>This replaces exploding every replicate's every transition into rows (replicates × orders × path length rows,
 * 12 million for the 10,000-path example) and grouping on array-valued states.
 */
final class BootstrapCredits {

  /** Doubles a task accumulates at once (32 MB). */
  static final int MAX_CELLS = 1 << 22;

  private static final StructType CREDIT_SCHEMA = new StructType()
      .add(AttributionColumns.MODEL, DataTypes.StringType, false)
      .add(BootstrapPaths.REPLICATE, DataTypes.IntegerType, false)
      .add(AttributionColumns.TOUCHPOINT, DataTypes.StringType, false)
      .add(AttributionColumns.CONVERSIONS, DataTypes.DoubleType, false)
      .add(AttributionColumns.REVENUE, DataTypes.DoubleType, false)
      .add(AttributionColumns.REMOVAL_EFFECT, DataTypes.DoubleType, false);

  private final SparkSession spark;
  private final int replicates;
  private final long seed;
  private final int shapleyExactMax;
  private final int shapleyPermutations;

  BootstrapCredits(SparkSession spark, int replicates, long seed, int shapleyExactMax, int shapleyPermutations) {
    if (replicates < 1) {
      throw new IllegalArgumentException("bootstrap replicates must be at least 1, got " + replicates);
    }
    this.spark = spark;
    this.replicates = replicates;
    this.seed = seed;
    this.shapleyExactMax = shapleyExactMax;
    this.shapleyPermutations = shapleyPermutations;
  }

  /**
   * One task's sums for one model and replicate: non-zero cells only; the model's cells, then the replicate's total
   * conversions and value.
   */
  public record Partial(AttributionModel model, int replicate, int partition, int[] index, double[] value)
      implements Serializable {}

  /** What every task needs: the full data's chains and sets, and the settings. */
  static final class Plan implements Serializable {
    private static final long serialVersionUID = 1L;
    final int[] orders;
    final ChainIndex[] chains;
    final List<List<String>> sets;
    final int replicates;
    final long seed;
    final int shapleyExactMax;
    final int shapleyPermutations;
    private transient volatile Map<String, Integer> setIds;

    Plan(int[] orders, ChainIndex[] chains, List<List<String>> sets, int replicates, long seed, int shapleyExactMax,
        int shapleyPermutations) {
      this.orders = orders;
      this.chains = chains;
      this.sets = sets;
      this.replicates = replicates;
      this.seed = seed;
      this.shapleyExactMax = shapleyExactMax;
      this.shapleyPermutations = shapleyPermutations;
    }

    int set(String key) {
      Map<String, Integer> ids = setIds;
      if (ids == null) {
        ids = new HashMap<>(2 * sets.size());
        for (int i = 0; i < sets.size(); i++) {
          ids.put(String.join("\u0001", sets.get(i)), i);
        }
        setIds = ids;
      }
      return ids.getOrDefault(key, -1);
    }

    /** Cells of one replicate: every order's transitions, then conversions, value and nulls per set, then totals. */
    int cells() {
      int n = 3 * sets.size() + 2;
      for (ChainIndex c : chains) {
        n += c.transitions();
      }
      return n;
    }
  }

  /**
   * Credits of every replicate: model (a Markov order's, or Shapley) → replicate (1..B) → touchpoint →
   * {conversions, value, removal effect (NaN for Shapley)}.
   *
   * @param paths aggregated paths ({@link PathColumns}), best cached: read once here
   * @param chains the full data's counts per Markov order
   * @param sets the full data's touchpoint sets (each sorted, distinct), as the Shapley value reads them
   */
  Map<AttributionModel, Map<Integer, Map<String, double[]>>> run(Dataset<Row> paths, Map<Integer, TransitionCounts> chains,
      List<List<String>> sets) {
    int[] orders = chains.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    ChainIndex[] indexes = Arrays.stream(orders).mapToObj(o -> ChainIndex.of(chains.get(o)))
        .toArray(ChainIndex[]::new);
    List<List<String>> sortedSets = sets.stream().map(s -> List.copyOf(new TreeSet<>(s))).toList();
    Broadcast<Plan> plan = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(
        new Plan(orders, indexes, sortedSets, replicates, seed, shapleyExactMax, shapleyPermutations));
    try {
      Dataset<Partial> partials = paths
          .select(PathColumns.TOUCHPOINTS, PathColumns.CONVERSIONS, PathColumns.VALUE, PathColumns.NULLS)
          .mapPartitions((MapPartitionsFunction<Row, Partial>) rows -> count(rows, plan.value()),
              Encoders.javaSerialization(Partial.class));
      Dataset<Row> credits = partials
          .groupByKey((MapFunction<Partial, Long>) p -> ((long) p.model().ordinal() << 32) | p.replicate(),
              Encoders.LONG())
          .flatMapGroups((FlatMapGroupsFunction<Long, Partial, Row>) (key, group) -> solve(group, plan.value()),
              Encoders.row(CREDIT_SCHEMA));
      return collect(credits.collectAsList());
    } finally {
      plan.destroy();
    }
  }

  private static Map<AttributionModel, Map<Integer, Map<String, double[]>>> collect(List<Row> rows) {
    Map<AttributionModel, Map<Integer, Map<String, double[]>>> out = new EnumMap<>(AttributionModel.class);
    for (Row r : rows) {
      AttributionModel model = AttributionModel.fromId(r.getString(0)).orElseThrow();
      out.computeIfAbsent(model, m -> new TreeMap<>()).computeIfAbsent(r.getInt(1), b -> new TreeMap<>())
          .put(r.getString(2), new double[] {r.getDouble(3), r.getDouble(4), r.getDouble(5)});
    }
    return out;
  }

  /** One path's look-ups: per order its inner transitions, then the ones to conversion and to null. */
  private record PathSteps(long hash, int[][] steps, int set, double conversions, double value, double nulls) {}

  private static Iterator<Partial> count(Iterator<Row> rows, Plan plan) {
    int partition = TaskContext.getPartitionId();
    List<PathSteps> paths = new ArrayList<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      List<String> touchpoints = r.getList(0);
      double conversions = r.getDouble(1);
      double nulls = r.getDouble(3);
      if (touchpoints.isEmpty() || conversions + nulls <= 0) {
        continue; // draws nothing
      }
      int[][] steps = new int[plan.orders.length][];
      for (int o = 0; o < plan.orders.length; o++) {
        steps[o] = steps(plan.chains[o], plan.orders[o], touchpoints, conversions, nulls);
      }
      int set = plan.set(String.join("\u0001", new TreeSet<>(touchpoints)));
      if (set < 0) {
        throw new IllegalStateException("bootstrap: the touchpoint set of path " + touchpoints
            + " is not among the full data's sets; the paths changed between two reads");
      }
      paths.add(new PathSteps(BootstrapPaths.pathHash(touchpoints), steps, set, conversions, r.getDouble(2), nulls));
    }
    int cells = plan.cells();
    int block = Math.max(1, Math.min(plan.replicates, MAX_CELLS / cells));
    List<Partial> out = new ArrayList<>();
    for (int first = 1; first <= plan.replicates; first += block) {
      int last = Math.min(plan.replicates, first + block - 1);
      double[][] sums = new double[last - first + 1][cells];
      double[] draw = new double[2];
      for (PathSteps p : paths) {
        for (int b = first; b <= last; b++) {
          BootstrapPaths.draw(p.hash(), p.conversions(), p.nulls(), b, plan.seed, draw);
          double c = draw[0];
          double u = draw[1];
          if (c == 0 && u == 0) {
            continue;
          }
          double value = p.conversions() > 0 ? p.value() * c / p.conversions() : 0.0;
          double[] cell = sums[b - first];
          int offset = 0;
          for (int o = 0; o < plan.orders.length; o++) {
            int[] s = p.steps()[o];
            int inner = s.length - 2;
            for (int i = 0; i < inner; i++) {
              cell[offset + s[i]] += c + u;
            }
            if (c > 0) {
              cell[offset + s[inner]] += c;
            }
            if (u > 0) {
              cell[offset + s[inner + 1]] += u;
            }
            offset += plan.chains[o].transitions();
          }
          cell[offset + 3 * p.set()] += c;
          cell[offset + 3 * p.set() + 1] += value;
          cell[offset + 3 * p.set() + 2] += u;
          offset += 3 * plan.sets.size();
          cell[offset] += c;
          cell[offset + 1] += value;
        }
      }
      for (int b = first; b <= last; b++) {
        double[] cell = sums[b - first];
        int offset = 0;
        int totals = cells - 2;
        for (int o = 0; o < plan.orders.length; o++) {
          out.add(sparse(AttributionModel.markov(plan.orders[o]), b, partition, cell, offset,
              plan.chains[o].transitions(), totals));
          offset += plan.chains[o].transitions();
        }
        out.add(sparse(AttributionModel.SHAPLEY, b, partition, cell, offset, 3 * plan.sets.size(), totals));
      }
    }
    return out.iterator();
  }

  /**
   * Transition ids of one path at one order: the inner steps (from (start), then state to state), then the step to
   * (conversion) and the one to (null), -1 where the path has no such journeys.
   */
  private static int[] steps(ChainIndex chain, int order, List<String> touchpoints, double conversions,
      double nulls) {
    int n = touchpoints.size();
    int[] steps = new int[n + 2];
    int previous = chain.state(MarkovState.START.render());
    for (int i = 0; i < n; i++) {
      int current = chain.state(String.join(" > ", touchpoints.subList(Math.max(0, i - order + 1), i + 1)));
      steps[i] = required(chain.transition(previous, current), touchpoints, order);
      previous = current;
    }
    steps[n] = conversions > 0
        ? required(chain.transition(previous, chain.state(MarkovState.CONVERSION.render())), touchpoints, order) : -1;
    steps[n + 1] = nulls > 0
        ? required(chain.transition(previous, chain.state(MarkovState.NULL.render())), touchpoints, order) : -1;
    return steps;
  }

  private static int required(int transition, List<String> touchpoints, int order) {
    if (transition < 0) {
      throw new IllegalStateException("bootstrap: a transition of path " + touchpoints + " is not in the full data's"
          + " order-" + order + " chain; the paths changed between two reads");
    }
    return transition;
  }

  /** The non-zero cells of {@code [offset, offset + length)}, then the two totals at {@code totals}. */
  private static Partial sparse(AttributionModel model, int replicate, int partition, double[] cells, int offset,
      int length, int totals) {
    int[] index = new int[length + 2];
    double[] value = new double[length + 2];
    int k = 0;
    for (int i = 0; i < length; i++) {
      if (cells[offset + i] != 0) {
        index[k] = i;
        value[k++] = cells[offset + i];
      }
    }
    for (int t = 0; t < 2; t++) {
      if (cells[totals + t] != 0) {
        index[k] = length + t;
        value[k++] = cells[totals + t];
      }
    }
    return new Partial(model, replicate, partition, Arrays.copyOf(index, k), Arrays.copyOf(value, k));
  }

  private static Iterator<Row> solve(Iterator<Partial> group, Plan plan) {
    List<Partial> parts = new ArrayList<>();
    group.forEachRemaining(parts::add);
    // Summed in partition order: the same doubles however the shuffle delivered them.
    parts.sort(Comparator.comparingInt(Partial::partition));
    AttributionModel model = parts.get(0).model();
    int replicate = parts.get(0).replicate();
    int chain = -1;
    for (int o = 0; o < plan.orders.length; o++) {
      if (model.kind() == AttributionModel.Kind.MARKOV && plan.orders[o] == model.order()) {
        chain = o;
      }
    }
    int length = model == AttributionModel.SHAPLEY ? 3 * plan.sets.size() : plan.chains[chain].transitions();
    double[] sums = new double[length + 2];
    for (Partial p : parts) {
      for (int k = 0; k < p.index().length; k++) {
        sums[p.index()[k]] += p.value()[k];
      }
    }
    double totalConversions = sums[length];
    double totalValue = sums[length + 1];
    List<Row> out = new ArrayList<>();
    if (model == AttributionModel.SHAPLEY) {
      List<AggregatedPath> present = new ArrayList<>();
      for (int s = 0; s < plan.sets.size(); s++) {
        if (sums[3 * s] > 0 || sums[3 * s + 2] > 0) {
          present.add(new AggregatedPath(plan.sets.get(s), sums[3 * s], sums[3 * s + 1], sums[3 * s + 2]));
        }
      }
      ShapleyAttribution shapley = new ShapleyAttribution(plan.shapleyExactMax, plan.shapleyPermutations, plan.seed);
      for (ShapleyAttribution.Credit c : shapley.attribute(present).credits()) {
        out.add(RowFactory.create(model.id(), replicate, c.touchpoint(), c.conversions(), c.value(), Double.NaN));
      }
    } else {
      for (MarkovAttribution.Credit c : new MarkovAttribution(model.order()).credits(plan.chains[chain],
          Arrays.copyOf(sums, length), totalConversions, totalValue)) {
        out.add(RowFactory.create(model.id(), replicate, c.touchpoint(), c.conversions(), c.value(),
            c.removalEffect()));
      }
    }
    return out.iterator();
  }
}
