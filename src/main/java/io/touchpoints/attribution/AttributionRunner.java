package io.touchpoints.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Runs every attribution model on aggregated paths and assembles the three tables.
 *
 * <p>Heuristics are computed in Spark ({@link HeuristicCredits}). For Markov and Shapley, Spark reduces the paths
 * to what the exact solvers need in one pass ({@link PathTallies}): transition counts per order, conversions per
 * touchpoint set and the held-out fit's counts. Only those (small by construction: one row per distinct transition
 * or set) reach the driver, where {@link MarkovAttribution}, {@link ShapleyAttribution} and {@link MarkovOrderFit}
 * solve them. Bootstrap replicates are counted and solved on the executors in one more pass ({@link
 * BootstrapCredits}), giving percentile intervals. Settings: {@code touchpoints.attribution.*}. Shuffles: three, one
 * for the heuristics, one for the tallies and one for the replicates; the paths are cached and read by each.
 */
final class AttributionRunner {

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

  /**
   * @param paths aggregated paths ({@link PathColumns})
   * @param journeys the journeys table for time decay, or null (path files carry no times)
   */
  public Output run(Dataset<Row> paths, Dataset<Row> journeys) {
    Dataset<Row> cached = paths.persist();
    try {
      List<String> notes = new ArrayList<>();
      // Totals, every order's transitions, the touchpoint sets and the held-out fit's counts: one pass, and only
      // those counts (one row per distinct transition or set) reach the driver.
      boolean fit = settings.orderFitHoldout() > 0 && !settings.markovOrders().isEmpty();
      List<Integer> fitOrders = fit ? java.util.stream.IntStream.rangeClosed(1,
          settings.markovOrders().stream().mapToInt(Integer::intValue).max().orElseThrow()).boxed().toList()
          : List.of();
      PathTallies.Result tallies = PathTallies.tally(cached, settings.markovOrders(), fitOrders,
          settings.orderFitHoldout(), settings.seed());
      double totalConversions = tallies.conversions();
      double totalValue = tallies.value();

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
      Map<Integer, TransitionCounts> counted = tallies.transitions();
      List<AggregatedPath> sets = tallies.sets();
      // Every replicate's Markov and Shapley credits from one more pass over the paths, solved on the executors.
      Map<AttributionModel, Map<Integer, Map<String, double[]>>> boot = settings.bootstrapReplicates() == 0 ? Map.of()
          : new BootstrapCredits(spark, settings.bootstrapReplicates(), settings.seed(), settings.shapleyExactMax(),
              settings.shapleyPermutations()).run(cached, counted,
                  sets.stream().map(AggregatedPath::touchpoints).toList());
      for (int order : settings.markovOrders()) {
        MarkovAttribution.Result result = new MarkovAttribution(order).attribute(counted.get(order),
            totalConversions, totalValue);
        AttributionModel model = AttributionModel.markov(order);
        Map<Integer, Map<String, double[]>> replicates = boot.getOrDefault(model, Map.of());
        for (MarkovAttribution.Credit c : result.credits()) {
          Double[][] bounds = intervals(replicates, c.touchpoint());
          attribution.add(RowFactory.create(model.id(), c.touchpoint(), c.conversions(), c.value(),
              share(c.conversions(), totalConversions), bounds[0][0], bounds[0][1], bounds[1][0], bounds[1][1]));
          removal.add(RowFactory.create(order, c.touchpoint(), c.removalEffect(), bounds[2][0], bounds[2][1]));
        }
        for (MarkovAttribution.Transition t : result.transitions()) {
          transitions.add(RowFactory.create(order, t.from(), t.to(), t.count(), t.probability()));
        }
      }
      ShapleyAttribution shapley = new ShapleyAttribution(settings.shapleyExactMax(),
          settings.shapleyPermutations(), settings.seed());
      ShapleyAttribution.Result shapleyResult = shapley.attribute(sets);
      if (!shapleyResult.exact()) {
        ShapleyAttribution.Credit noisiest = shapleyResult.credits().stream()
            .max(Comparator.comparingDouble(ShapleyAttribution.Credit::standardError)).orElseThrow();
        notes.add(String.format(java.util.Locale.ROOT, "shapley: %d of %d converting touchpoint sets have more than %d"
            + " touchpoints and were split by %d sampled permutations each; largest standard error of a credit %.4f"
            + " conversions (%s)", shapleyResult.sampledPaths(), shapleyResult.sampledPaths()
            + shapleyResult.exactPaths(), settings.shapleyExactMax(), shapleyResult.permutations(),
            noisiest.standardError(), noisiest.touchpoint()));
      }
      Map<Integer, Map<String, double[]>> shapleyReplicates = boot.getOrDefault(AttributionModel.SHAPLEY, Map.of());
      for (ShapleyAttribution.Credit c : shapleyResult.credits()) {
        Double[][] bounds = intervals(shapleyReplicates, c.touchpoint());
        attribution.add(RowFactory.create(AttributionModel.SHAPLEY.id(), c.touchpoint(), c.conversions(), c.value(),
            share(c.conversions(), totalConversions), bounds[0][0], bounds[0][1], bounds[1][0], bounds[1][1]));
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
      if (fit) {
        Map<Integer, TransitionCounts> heldOut = new TreeMap<>();
        settings.markovOrders().forEach(order -> heldOut.put(order, tallies.heldOut().get(order)));
        for (MarkovOrderFit.Fit f : new MarkovOrderFit(settings.orderFitPrior()).evaluate(tallies.train(), heldOut)) {
          orderFit.add(RowFactory.create(f.order(), f.trainSteps(), f.heldOutSteps(),
              Double.isNaN(f.logLikelihood()) ? null : f.logLikelihood(),
              Double.isNaN(f.perplexity()) ? null : f.perplexity(), f.selected()));
          if (f.selected()) {
            notes.add(String.format("held-out fit prefers %s (perplexity %.3f)", AttributionModel.markov(f.order()).id(),
                f.perplexity()));
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

  /** Percentile intervals of conversions, value and removal effect over the replicates (nulls without any). */
  private static Double[][] intervals(Map<Integer, Map<String, double[]>> boot, String touchpoint) {
    Double[][] out = new Double[3][2];
    if (boot.isEmpty()) {
      return out;
    }
    for (int k = 0; k < 3; k++) {
      double[] values = new double[boot.size()];
      int i = 0;
      for (Map<String, double[]> c : boot.values()) {
        double[] v = c.get(touchpoint);
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
