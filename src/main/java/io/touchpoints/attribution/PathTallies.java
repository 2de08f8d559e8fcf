package io.touchpoints.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What the exact models need from the full paths, in one Spark pass: total conversions and value, the transition
 * counts of every Markov order ({@link TransitionCounts}), the paths reduced to their touchpoint sets (all the
 * Shapley value reads), and the transition counts of both folds of the held-out split ({@link HeldOutSplit}, for
 * {@link MarkovOrderFit}).
 *
 * <p>A path a &gt; b &gt; c at order 2 walks (start) → [a] → [a, b] → [b, c], then to (conversion) weighted by its
 * conversions and to (null) weighted by its non-converting journeys; every inner step weighs both. Each task tallies
 * its paths in a hash map (one entry per distinct transition, set or total it met); one shuffle sums the tallies by
 * key. The result is small by construction (distinct transitions and sets) and is what reaches the driver. States
 * travel as arrays of touchpoints ({@link #START}, {@link #CONVERSION}, {@link #NULL} as one-element arrays), so
 * touchpoint names may hold any character.
 *
 * <p>This replaces four aggregations (totals, transitions, sets, held-out transitions), each its own Spark job with
 * one row per path step exploded in SQL. Tuned by {@code spark.sql.shuffle.partitions} (the sum's tasks).
 */
final class PathTallies {

  public static final String START = "(start)";
  public static final String CONVERSION = "(conversion)";
  public static final String NULL = "(null)";

  private static final List<String> START_STATE = List.of(START);
  private static final List<String> CONVERSION_STATE = List.of(CONVERSION);
  private static final List<String> NULL_STATE = List.of(NULL);

  private static final int TOTAL = 0;
  private static final int SET = 1;
  private static final int TRANSITION = 10;
  private static final int TRAIN = 20;
  private static final int HELD_OUT = 30;

  private static final StructType SCHEMA = new StructType()
      .add("kind", DataTypes.IntegerType, false)
      .add("from", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("to", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("a", DataTypes.DoubleType, false)
      .add("b", DataTypes.DoubleType, false)
      .add("c", DataTypes.DoubleType, false);

  private PathTallies() {}

  /**
   * @param conversions total conversions of the paths
   * @param value their total value
   * @param transitions counts per Markov order (every requested order, empty when there are no paths)
   * @param sets one entry per distinct touchpoint set (sorted), with its conversions, value and nulls
   * @param train held-out split, training fold: counts per order 1..max fit order (empty without a fit)
   * @param heldOut held-out fold, likewise
   */
  record Result(double conversions, double value, Map<Integer, TransitionCounts> transitions,
      List<AggregatedPath> sets, Map<Integer, TransitionCounts> train, Map<Integer, TransitionCounts> heldOut) {}

  private record Key(int kind, List<String> from, List<String> to) {}

  /**
   * @param paths aggregated paths ({@link PathColumns}); read once
   * @param orders Markov orders to count, each 1..4
   * @param fitOrders orders counted on both folds of the held-out split (empty: no split)
   * @param holdout the held-out share, in (0, 1) when {@code fitOrders} is not empty
   * @param seed of the split
   */
  static Result tally(Dataset<Row> paths, List<Integer> orders, List<Integer> fitOrders, double holdout, long seed) {
    for (List<Integer> list : List.of(orders, fitOrders)) {
      for (int order : list) {
        TransitionCounts.requireOrder(order);
      }
    }
    if (!fitOrders.isEmpty() && !(holdout > 0 && holdout < 1)) {
      throw new IllegalArgumentException("held-out fraction must be between 0 and 1 (exclusive), got " + holdout);
    }
    int[] counted = orders.stream().mapToInt(Integer::intValue).toArray();
    int[] fitted = fitOrders.stream().mapToInt(Integer::intValue).toArray();
    Dataset<Row> tallies = paths
        .select(PathColumns.TOUCHPOINTS, PathColumns.CONVERSIONS, PathColumns.VALUE, PathColumns.NULLS)
        .mapPartitions((MapPartitionsFunction<Row, Row>) rows -> tallyPartition(rows, counted, fitted, holdout, seed),
            Encoders.row(SCHEMA))
        .groupBy(col("kind"), col("from"), col("to"))
        .agg(sum(col("a")).as("a"), sum(col("b")).as("b"), sum(col("c")).as("c"));

    double conversions = 0;
    double value = 0;
    Map<Integer, Map<Integer, Map<MarkovState, Map<MarkovState, Double>>>> grouped = new TreeMap<>();
    List<AggregatedPath> sets = new ArrayList<>();
    for (Row r : tallies.collectAsList()) {
      int kind = r.getInt(0);
      if (kind == TOTAL) {
        conversions += r.getDouble(3);
        value += r.getDouble(4);
      } else if (kind == SET) {
        sets.add(new AggregatedPath(r.getList(1), r.getDouble(3), r.getDouble(4), r.getDouble(5)));
      } else {
        grouped.computeIfAbsent(kind / 10 * 10, k -> new TreeMap<>()).computeIfAbsent(kind % 10, o -> new HashMap<>())
            .computeIfAbsent(state(r.getList(1)), s -> new HashMap<>())
            .merge(state(r.getList(2)), r.getDouble(3), Double::sum);
      }
    }
    sets.sort(AggregatedPath.CANONICAL_ORDER);
    return new Result(conversions, value, counts(grouped.get(TRANSITION), counted), sets,
        counts(grouped.get(TRAIN), fitted), counts(grouped.get(HELD_OUT), fitted));
  }

  private static Map<Integer, TransitionCounts> counts(
      Map<Integer, Map<MarkovState, Map<MarkovState, Double>>> byOrder, int[] orders) {
    Map<Integer, TransitionCounts> out = new TreeMap<>();
    for (int order : orders) {
      out.put(order, TransitionCounts.of(order, byOrder == null ? Map.of() : byOrder.getOrDefault(order, Map.of())));
    }
    return out;
  }

  private static Iterator<Row> tallyPartition(Iterator<Row> rows, int[] orders, int[] fitOrders, double holdout,
      long seed) {
    Map<Key, double[]> tally = new HashMap<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      List<String> touchpoints = List.copyOf(r.getList(0));
      double conversions = r.getDouble(1);
      double value = r.getDouble(2);
      double nulls = r.getDouble(3);
      add(tally, new Key(TOTAL, List.of(), List.of()), conversions, value, 0);
      if (touchpoints.isEmpty()) {
        continue;
      }
      for (int order : orders) {
        walk(tally, TRANSITION + order, order, touchpoints, conversions, nulls);
      }
      add(tally, new Key(SET, List.copyOf(new TreeSet<>(touchpoints)), List.of()), conversions, value, nulls);
      if (fitOrders.length > 0) {
        double[] f = HeldOutSplit.fold(touchpoints, conversions, value, nulls, holdout, seed);
        for (int order : fitOrders) {
          walk(tally, TRAIN + order, order, touchpoints, f[0], f[2]);
          walk(tally, HELD_OUT + order, order, touchpoints, f[3], f[5]);
        }
      }
    }
    List<Row> out = new ArrayList<>(tally.size());
    tally.forEach((k, v) -> out.add(RowFactory.create(k.kind(), k.from().toArray(String[]::new),
        k.to().toArray(String[]::new), v[0], v[1], v[2])));
    return out.iterator();
  }

  /** The path's steps at one order, weighted: inner steps by all its journeys, the ends by conversions and nulls. */
  private static void walk(Map<Key, double[]> tally, int kind, int order, List<String> touchpoints,
      double conversions, double nulls) {
    double journeys = conversions + nulls;
    if (!(journeys > 0)) {
      return;
    }
    List<String> previous = START_STATE;
    for (int i = 0; i < touchpoints.size(); i++) {
      List<String> current = touchpoints.subList(Math.max(0, i - order + 1), i + 1);
      add(tally, new Key(kind, previous, current), journeys, 0, 0);
      previous = current;
    }
    if (conversions > 0) {
      add(tally, new Key(kind, previous, CONVERSION_STATE), conversions, 0, 0);
    }
    if (nulls > 0) {
      add(tally, new Key(kind, previous, NULL_STATE), nulls, 0, 0);
    }
  }

  private static void add(Map<Key, double[]> tally, Key key, double a, double b, double c) {
    double[] sums = tally.computeIfAbsent(key, k -> new double[3]);
    sums[0] += a;
    sums[1] += b;
    sums[2] += c;
  }

  /** The state an array stands for: one of the three named states, or the last touchpoints. */
  static MarkovState state(List<String> parts) {
    if (parts.size() == 1) {
      switch (parts.get(0)) {
        case START:
          return MarkovState.START;
        case CONVERSION:
          return MarkovState.CONVERSION;
        case NULL:
          return MarkovState.NULL;
        default:
          break;
      }
    }
    return MarkovState.of(parts);
  }
}
