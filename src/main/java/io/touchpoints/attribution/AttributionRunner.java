package io.touchpoints.attribution;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Runs every attribution model on aggregated paths and assembles the three tables.
 *
 * <p>Heuristics are computed in Spark ({@link HeuristicCredits}). For Markov and Shapley, Spark reduces the paths
 * to what the exact solvers need: transition counts per order ({@link TransitionCounter}) and conversions per
 * touchpoint set; only those (small by construction: at most one row per distinct transition or set) reach the
 * driver, where {@link MarkovAttribution} and {@link ShapleyAttribution} solve them. Bootstrap replicates
 * ({@link BootstrapPaths}) go through the same reduction with a replicate key, giving percentile intervals.
 * Settings: {@code touchpoints.attribution.*}. Shuffles: one per aggregation (paths, sets, transitions).
 */
public final class AttributionRunner {

  public static final StructType ATTRIBUTION_SCHEMA = new StructType()
      .add(AttributionColumns.MODEL, DataTypes.StringType, false)
      .add(AttributionColumns.TOUCHPOINT, DataTypes.StringType, false)
      .add(AttributionColumns.CONVERSIONS, DataTypes.DoubleType)
      .add(AttributionColumns.REVENUE, DataTypes.DoubleType)
      .add(AttributionColumns.SHARE, DataTypes.DoubleType)
      .add(AttributionColumns.CONVERSIONS_LOW, DataTypes.DoubleType)
      .add(AttributionColumns.CONVERSIONS_HIGH, DataTypes.DoubleType)
      .add(AttributionColumns.REVENUE_LOW, DataTypes.DoubleType)
      .add(AttributionColumns.REVENUE_HIGH, DataTypes.DoubleType);
  public static final StructType TRANSITIONS_SCHEMA = new StructType()
      .add(AttributionColumns.ORDER, DataTypes.IntegerType, false)
      .add(AttributionColumns.FROM_STATE, DataTypes.StringType, false)
      .add(AttributionColumns.TO_STATE, DataTypes.StringType, false)
      .add(AttributionColumns.COUNT, DataTypes.DoubleType)
      .add(AttributionColumns.PROBABILITY, DataTypes.DoubleType);
  public static final StructType REMOVAL_SCHEMA = new StructType()
      .add(AttributionColumns.ORDER, DataTypes.IntegerType, false)
      .add(AttributionColumns.TOUCHPOINT, DataTypes.StringType, false)
      .add(AttributionColumns.REMOVAL_EFFECT, DataTypes.DoubleType)
      .add(AttributionColumns.REMOVAL_EFFECT_LOW, DataTypes.DoubleType)
      .add(AttributionColumns.REMOVAL_EFFECT_HIGH, DataTypes.DoubleType);

  public static final StructType ORDER_FIT_SCHEMA = new StructType()
      .add(AttributionColumns.ORDER, DataTypes.IntegerType, false)
      .add(AttributionColumns.TRAIN_STEPS, DataTypes.DoubleType, false)
      .add(AttributionColumns.HELD_OUT_STEPS, DataTypes.DoubleType, false)
      .add(AttributionColumns.LOG_LIKELIHOOD, DataTypes.DoubleType)
      .add(AttributionColumns.PERPLEXITY, DataTypes.DoubleType)
      .add(AttributionColumns.SELECTED, DataTypes.BooleanType, false);

  private static final double CONFIDENCE = 0.95;

  private final SparkSession spark;
  private final AttributionSettings settings;

  public AttributionRunner(SparkSession spark, AttributionSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /** The three tables, and what was left out and why. */
  /** The tables ({@code orderFit} empty when {@code attribution.order_fit_holdout} is 0) and notes for the log. */
  public record Output(Dataset<Row> attribution, Dataset<Row> transitions, Dataset<Row> removalEffects,
      Dataset<Row> orderFit, List<String> notes) {}

  /** Credits of one model per touchpoint from one replicate: conversions, value and (Markov) removal effect. */
  private record Credits(Map<String, double[]> byTouchpoint) {}

  /**
   * @param paths aggregated paths ({@link PathColumns})
   * @param journeys the journeys table for time decay, or null (path files carry no times)
   */
  public Output run(Dataset<Row> paths, Dataset<Row> journeys) {
    Dataset<Row> cached = paths.persist();
    try {
      List<String> notes = new ArrayList<>();
      Row totals = cached.agg(sum(col(PathColumns.CONVERSIONS)), sum(col(PathColumns.VALUE))).first();
      double totalConversions = totals.isNullAt(0) ? 0 : totals.getDouble(0);
      double totalValue = totals.isNullAt(1) ? 0 : totals.getDouble(1);

      HeuristicCredits heuristics = new HeuristicCredits(settings.directTouchpoints(), settings.positionFirstShare(),
          settings.positionLastShare(), settings.timeDecayHalfLifeDays());
      Dataset<Row> heuristic = heuristics.fromPaths(cached);
      if (journeys != null) {
        heuristic = heuristic.unionByName(heuristics.timeDecay(journeys));
      } else {
        notes.add("time_decay needs event times: not computed from a path file");
      }

      List<Row> attribution = new ArrayList<>();
      List<Row> transitions = new ArrayList<>();
      List<Row> removal = new ArrayList<>();
      Dataset<Row> replicates = settings.bootstrapReplicates() > 0
          ? BootstrapPaths.replicate(cached, settings.bootstrapReplicates(), settings.seed()).persist() : null;
      try {
        // Also materialises the replicates once for the per-order counts below.
        Map<Integer, double[]> replicateTotals = replicates == null ? Map.of() : replicateTotals(replicates);
        // All orders counted in one pass; the replicates are counted and solved on the executors, so only their
        // credits (replicates x orders x touchpoints rows) come back.
        Map<Integer, Map<Integer, TransitionCounts>> counted = transitionCounts(cached, null);
        Map<Integer, Map<Integer, Credits>> replicateCredits = replicates == null ? Map.of()
            : replicateMarkovCredits(replicates, replicateTotals);
        for (int order : settings.markovOrders()) {
          MarkovAttribution.Result result = new MarkovAttribution(order).attribute(
              counted.getOrDefault(order, Map.of()).getOrDefault(0, TransitionCounts.of(order, Map.of())),
              totalConversions, totalValue);
          Map<Integer, Credits> boot = new TreeMap<>();
          boot.putAll(replicateCredits.getOrDefault(order, Map.of()));
          for (MarkovAttribution.Credit c : result.credits()) {
            Double[][] bounds = intervals(boot, c.touchpoint());
            attribution.add(RowFactory.create("markov_" + order, c.touchpoint(), c.conversions(), c.value(),
                share(c.conversions(), totalConversions), bounds[0][0], bounds[0][1], bounds[1][0], bounds[1][1]));
            removal.add(RowFactory.create(order, c.touchpoint(), c.removalEffect(), bounds[2][0], bounds[2][1]));
          }
          for (MarkovAttribution.Transition t : result.transitions()) {
            transitions.add(RowFactory.create(order, t.from(), t.to(), t.count(), t.probability()));
          }
        }
        ShapleyAttribution shapley = new ShapleyAttribution(settings.shapleyExactMax(),
            settings.shapleyPermutations(), settings.seed());
        ShapleyAttribution.Result shapleyResult = shapley.attribute(coalitions(cached, null).get(0));
        if (!shapleyResult.exact()) {
          notes.add("shapley estimated from " + shapleyResult.permutations() + " sampled permutations (more than "
              + settings.shapleyExactMax() + " touchpoints)");
        }
        Map<Integer, Credits> boot = new TreeMap<>();
        if (replicates != null) {
          coalitions(replicates, BootstrapPaths.REPLICATE).entrySet().parallelStream()
              .map(e -> Map.entry(e.getKey(), shapleyCredits(shapley.attribute(e.getValue())))).toList()
              .forEach(e -> boot.put(e.getKey(), e.getValue()));
        }
        for (ShapleyAttribution.Credit c : shapleyResult.credits()) {
          Double[][] bounds = intervals(boot, c.touchpoint());
          attribution.add(RowFactory.create("shapley", c.touchpoint(), c.conversions(), c.value(),
              share(c.conversions(), totalConversions), bounds[0][0], bounds[0][1], bounds[1][0], bounds[1][1]));
        }
      } finally {
        if (replicates != null) {
          replicates.unpersist();
        }
      }

      // Small by construction (models x touchpoints): collected, so that writing the table does not recompute it.
      List<Row> heuristicRows = new ArrayList<>();
      Map<String, Double> modelTotals = new HashMap<>();
      List<Row> collected = heuristic.select(col(AttributionColumns.MODEL), col(AttributionColumns.TOUCHPOINT),
          col(AttributionColumns.CONVERSIONS), col(AttributionColumns.REVENUE)).collectAsList();
      for (Row r : collected) {
        modelTotals.merge(r.getString(0), r.getDouble(2), Double::sum);
      }
      for (Row r : collected) {
        double total = modelTotals.get(r.getString(0));
        heuristicRows.add(RowFactory.create(r.getString(0), r.getString(1), r.getDouble(2), r.getDouble(3),
            total > 0 ? r.getDouble(2) / total : null, null, null, null, null));
      }
      heuristicRows.sort(Comparator.comparing((Row r) -> r.getString(0)).thenComparing(r -> r.getString(1)));
      heuristicRows.addAll(attribution);
      List<Row> orderFit = new ArrayList<>();
      if (settings.orderFitHoldout() > 0 && !settings.markovOrders().isEmpty()) {
        for (MarkovOrderFit.Fit f : orderFit(cached)) {
          orderFit.add(RowFactory.create(f.order(), f.trainSteps(), f.heldOutSteps(),
              Double.isNaN(f.logLikelihood()) ? null : f.logLikelihood(),
              Double.isNaN(f.perplexity()) ? null : f.perplexity(), f.selected()));
          if (f.selected()) {
            notes.add(String.format("held-out fit prefers markov_%d (perplexity %.3f)", f.order(), f.perplexity()));
          }
        }
      }
      // Small tables from driver memory: one file each.
      return new Output(spark.createDataFrame(heuristicRows, ATTRIBUTION_SCHEMA).coalesce(1),
          spark.createDataFrame(transitions, TRANSITIONS_SCHEMA).coalesce(1),
          spark.createDataFrame(removal, REMOVAL_SCHEMA).coalesce(1),
          spark.createDataFrame(orderFit, ORDER_FIT_SCHEMA).coalesce(1), notes);
    } finally {
      cached.unpersist();
    }
  }

  /**
   * The held-out fit of every configured order: one Spark pass splits the journeys and counts the transitions of
   * orders 1..max for both parts (the lower orders smooth the higher ones); the scoring runs on the driver.
   */
  private List<MarkovOrderFit.Fit> orderFit(Dataset<Row> paths) {
    int maxOrder = settings.markovOrders().stream().mapToInt(Integer::intValue).max().orElseThrow();
    List<Integer> all = java.util.stream.IntStream.rangeClosed(1, maxOrder).boxed().toList();
    Map<Integer, Map<Integer, TransitionCounts>> counted = transitionCounts(
        HeldOutSplit.split(paths, settings.orderFitHoldout(), settings.seed()), HeldOutSplit.FOLD, all);
    Map<Integer, TransitionCounts> train = new TreeMap<>();
    Map<Integer, TransitionCounts> heldOut = new TreeMap<>();
    for (int order : all) {
      Map<Integer, TransitionCounts> byFold = counted.getOrDefault(order, Map.of());
      TransitionCounts empty = TransitionCounts.of(order, Map.of());
      train.put(order, byFold.getOrDefault(HeldOutSplit.TRAIN, empty));
      if (settings.markovOrders().contains(order)) {
        heldOut.put(order, byFold.getOrDefault(HeldOutSplit.HELD_OUT, empty));
      }
    }
    return new MarkovOrderFit(settings.orderFitPrior()).evaluate(train, heldOut);
  }

  /** Transition counts by order, then by replicate (key column null: one group, key 0). */
  private Map<Integer, Map<Integer, TransitionCounts>> transitionCounts(Dataset<Row> paths, String key) {
    return transitionCounts(paths, key, settings.markovOrders());
  }

  private static Map<Integer, Map<Integer, TransitionCounts>> transitionCounts(Dataset<Row> paths, String key,
      List<Integer> orders) {
    List<String> keys = key == null ? List.of() : List.of(key);
    Map<Integer, Map<Integer, Map<MarkovState, Map<MarkovState, Double>>>> grouped = new TreeMap<>();
    for (Row r : TransitionCounter.count(paths, orders, keys).collectAsList()) {
      int order = r.getInt(r.fieldIndex(TransitionCounter.ORDER));
      int group = key == null ? 0 : r.getInt(r.fieldIndex(key));
      grouped.computeIfAbsent(order, o -> new TreeMap<>()).computeIfAbsent(group, g -> new HashMap<>())
          .computeIfAbsent(state(r.getList(r.fieldIndex(TransitionCounter.FROM))), s -> new HashMap<>())
          .merge(state(r.getList(r.fieldIndex(TransitionCounter.TO))), r.getDouble(r.fieldIndex(TransitionCounter.COUNT)),
              Double::sum);
    }
    Map<Integer, Map<Integer, TransitionCounts>> out = new TreeMap<>();
    grouped.forEach((order, byGroup) -> byGroup.forEach((g, counts) ->
        out.computeIfAbsent(order, o -> new TreeMap<>()).put(g, TransitionCounts.of(order, counts))));
    return out;
  }

  private static final StructType REPLICATE_CREDIT_SCHEMA = new StructType()
      .add(BootstrapPaths.REPLICATE, DataTypes.IntegerType, false)
      .add(AttributionColumns.ORDER, DataTypes.IntegerType, false)
      .add(AttributionColumns.TOUCHPOINT, DataTypes.StringType, false)
      .add(AttributionColumns.CONVERSIONS, DataTypes.DoubleType, false)
      .add(AttributionColumns.REVENUE, DataTypes.DoubleType, false)
      .add(AttributionColumns.REMOVAL_EFFECT, DataTypes.DoubleType, false);

  /**
   * Markov credits of every replicate and order, solved where the counts are (a shuffle on replicate and order,
   * then one solve per group on the executors). Returns order → replicate → credits.
   */
  private Map<Integer, Map<Integer, Credits>> replicateMarkovCredits(Dataset<Row> replicates,
      Map<Integer, double[]> totals) {
    HashMap<Integer, double[]> replicateTotals = new HashMap<>(totals);
    Dataset<Row> counts = TransitionCounter.count(replicates, settings.markovOrders(),
        List.of(BootstrapPaths.REPLICATE));
    Dataset<Row> credits = counts
        .groupByKey((MapFunction<Row, Long>) r -> ((long) r.getInt(0) << 8) | r.getInt(1), Encoders.LONG())
        .flatMapGroups((FlatMapGroupsFunction<Long, Row, Row>) (key, rows) -> {
          int replicate = (int) (key >> 8);
          int order = (int) (key & 0xFF);
          Map<MarkovState, Map<MarkovState, Double>> map = new HashMap<>();
          rows.forEachRemaining(r -> map.computeIfAbsent(state(r.getList(2)), x -> new HashMap<>())
              .merge(state(r.getList(3)), r.getDouble(4), Double::sum));
          double[] t = replicateTotals.getOrDefault(replicate, new double[2]);
          List<Row> out = new ArrayList<>();
          for (MarkovAttribution.Credit c : new MarkovAttribution(order).attribute(TransitionCounts.of(order, map),
              t[0], t[1]).credits()) {
            out.add(RowFactory.create(replicate, order, c.touchpoint(), c.conversions(), c.value(),
                c.removalEffect()));
          }
          return out.iterator();
        }, Encoders.row(REPLICATE_CREDIT_SCHEMA));
    Map<Integer, Map<Integer, Credits>> out = new TreeMap<>();
    for (Row r : credits.collectAsList()) {
      out.computeIfAbsent(r.getInt(1), o -> new TreeMap<>())
          .computeIfAbsent(r.getInt(0), b -> new Credits(new LinkedHashMap<>()))
          .byTouchpoint().put(r.getString(2), new double[] {r.getDouble(3), r.getDouble(4), r.getDouble(5)});
    }
    return out;
  }

  private static MarkovState state(List<String> parts) {
    if (parts.size() == 1) {
      switch (parts.get(0)) {
        case TransitionCounter.START:
          return MarkovState.START;
        case TransitionCounter.CONVERSION:
          return MarkovState.CONVERSION;
        case TransitionCounter.NULL:
          return MarkovState.NULL;
        default:
          break;
      }
    }
    return MarkovState.of(parts);
  }

  /** Paths reduced to touchpoint sets, all a Shapley value needs, per replicate. */
  private static Map<Integer, List<AggregatedPath>> coalitions(Dataset<Row> paths, String key) {
    List<org.apache.spark.sql.Column> group = new ArrayList<>();
    if (key != null) {
      group.add(col(key));
    }
    group.add(array_sort(array_distinct(col(PathColumns.TOUCHPOINTS))).as(PathColumns.TOUCHPOINTS));
    Map<Integer, List<AggregatedPath>> out = new TreeMap<>();
    for (Row r : paths.groupBy(group.toArray(org.apache.spark.sql.Column[]::new))
        .agg(sum(col(PathColumns.CONVERSIONS)).as(PathColumns.CONVERSIONS),
            sum(col(PathColumns.VALUE)).as(PathColumns.VALUE), sum(col(PathColumns.NULLS)).as(PathColumns.NULLS))
        .collectAsList()) {
      int g = key == null ? 0 : r.getInt(r.fieldIndex(key));
      out.computeIfAbsent(g, x -> new ArrayList<>()).add(new AggregatedPath(
          r.getList(r.fieldIndex(PathColumns.TOUCHPOINTS)), r.getDouble(r.fieldIndex(PathColumns.CONVERSIONS)),
          r.getDouble(r.fieldIndex(PathColumns.VALUE)), r.getDouble(r.fieldIndex(PathColumns.NULLS))));
    }
    if (out.isEmpty()) {
      out.put(0, List.of());
    }
    return out;
  }

  private static Map<Integer, double[]> replicateTotals(Dataset<Row> replicates) {
    Map<Integer, double[]> totals = new HashMap<>();
    for (Row r : replicates.groupBy(col(BootstrapPaths.REPLICATE))
        .agg(sum(col(PathColumns.CONVERSIONS)), sum(col(PathColumns.VALUE))).collectAsList()) {
      totals.put(r.getInt(0), new double[] {r.getDouble(1), r.getDouble(2)});
    }
    return totals;
  }

  private static Credits shapleyCredits(ShapleyAttribution.Result result) {
    Map<String, double[]> m = new LinkedHashMap<>();
    result.credits().forEach(c -> m.put(c.touchpoint(), new double[] {c.conversions(), c.value(), Double.NaN}));
    return new Credits(m);
  }

  /** Percentile intervals of conversions, value and removal effect over the replicates (nulls without any). */
  private static Double[][] intervals(Map<Integer, Credits> boot, String touchpoint) {
    Double[][] out = new Double[3][2];
    if (boot.isEmpty()) {
      return out;
    }
    for (int k = 0; k < 3; k++) {
      double[] values = new double[boot.size()];
      int i = 0;
      for (Credits c : boot.values()) {
        double[] v = c.byTouchpoint().get(touchpoint);
        // A touchpoint absent from a replicate gets no credit there.
        values[i++] = v == null ? 0 : v[k];
      }
      if (java.util.Arrays.stream(values).anyMatch(Double::isNaN)) {
        continue; // a figure the model does not have (Shapley has no removal effect)
      }
      PercentileInterval interval = PercentileInterval.of(values, CONFIDENCE);
      out[k][0] = Double.isNaN(interval.low()) ? null : interval.low();
      out[k][1] = Double.isNaN(interval.high()) ? null : interval.high();
    }
    return out;
  }

  private static Double share(double credit, double total) {
    return total > 0 ? credit / total : null;
  }
}
