package io.touchpoints.attribution;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;

import io.touchpoints.journey.JourneyColumns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rule-based attribution: each converting path spreads its conversions and value over its touches with weights that
 * sum to 1, and the credits are summed per touchpoint. So every model's credits sum to the total conversions and
 * value of the paths it covers.
 *
 * <ul>
 *   <li>first_touch, last_touch: all to the first (last) touch.</li>
 *   <li>last_non_direct: all to the last touch that is not "direct" ({@code attribution.direct_touchpoints}); a path
 *       of direct touches only credits its last touch.</li>
 *   <li>linear: 1/n to each touch.</li>
 *   <li>position_based: {@code first_share} to the first, {@code last_share} to the last, the rest spread over the
 *       middle; a path of two touches splits first and last shares in proportion; one touch gets everything.</li>
 *   <li>time_decay: weight 2^(−age/half-life) per touch, age = days from the touch to the conversion, normalised per
 *       journey (needs event times: journeys only, not path files).</li>
 * </ul>
 *
 * <p>The weights are plain Java ({@link #weights}, {@link #timeDecayWeights}) so that the same code runs in Spark and
 * on the driver, where the attribution axioms are tested on generated paths ({@link #onDriver}). In Spark each task
 * tallies its paths per (model, touchpoint) in a hash map and one shuffle sums the tallies: rows shuffled are tasks ×
 * models × touchpoints, not one per touch.
 */
final class HeuristicCredits implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final StructType CREDIT_SCHEMA = new StructType()
      .add(AttributionColumns.MODEL, DataTypes.StringType, false)
      .add(AttributionColumns.TOUCHPOINT, DataTypes.StringType, false)
      .add(AttributionColumns.CONVERSIONS, DataTypes.DoubleType, false)
      .add(AttributionColumns.REVENUE, DataTypes.DoubleType, false);

  private final List<String> directTouchpoints;
  private final double firstShare;
  private final double lastShare;
  private final double halfLifeDays;

  public HeuristicCredits(List<String> directTouchpoints, double firstShare, double lastShare, double halfLifeDays) {
    if (firstShare < 0 || lastShare < 0 || firstShare + lastShare > 1) {
      throw new IllegalArgumentException("position-based shares must be >= 0 and sum to at most 1, got first "
          + firstShare + " and last " + lastShare);
    }
    if (!(halfLifeDays > 0)) {
      throw new IllegalArgumentException("time-decay half-life must be positive, got " + halfLifeDays + " days");
    }
    this.directTouchpoints = List.copyOf(directTouchpoints);
    this.firstShare = firstShare;
    this.lastShare = lastShare;
    this.halfLifeDays = halfLifeDays;
  }

  /** Credits of the path-based models: model, touchpoint, conversions, revenue. */
  public Dataset<Row> fromPaths(Dataset<Row> paths) {
    Dataset<Row> converting = paths.filter(col(PathColumns.CONVERSIONS).gt(0).or(col(PathColumns.VALUE).gt(0)))
        .select(PathColumns.TOUCHPOINTS, PathColumns.CONVERSIONS, PathColumns.VALUE);
    return summed(converting.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      Map<List<String>, double[]> tally = new HashMap<>();
      rows.forEachRemaining(r -> {
        List<String> touchpoints = r.getList(0);
        if (!touchpoints.isEmpty()) {
          credit(touchpoints, r.getDouble(1), r.getDouble(2), tally);
        }
      });
      return rows(tally);
    }, Encoders.row(CREDIT_SCHEMA)));
  }

  /** time_decay from the journeys table (converted journeys with at least one touch). */
  public Dataset<Row> timeDecay(Dataset<Row> journeys) {
    Column touches = col(JourneyColumns.TOUCHPOINTS);
    Dataset<Row> converted = journeys.filter(col(JourneyColumns.CONVERTED).and(col(JourneyColumns.TOUCHES).gt(0)))
        .select(transform(touches, t -> t.getField("touchpoint")),
            transform(touches, t -> call_function("unix_seconds", t.getField("event_time"))),
            col(JourneyColumns.CONVERSIONS).cast(DataTypes.DoubleType),
            coalesce(col(JourneyColumns.REVENUE).cast(DataTypes.DoubleType), lit(0.0)));
    return summed(converted.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      Map<List<String>, double[]> tally = new HashMap<>();
      rows.forEachRemaining(r -> {
        List<String> touchpoints = r.getList(0);
        List<Long> seconds = r.getList(1);
        spread(AttributionModel.TIME_DECAY, touchpoints, timeDecayWeights(seconds.stream().mapToLong(Long::longValue).toArray()),
            r.getDouble(2), r.getDouble(3), tally);
      });
      return rows(tally);
    }, Encoders.row(CREDIT_SCHEMA)));
  }

  /**
   * The path-based models on the driver: model → touchpoint → {conversions, value}, sorted; the same weights and
   * sums as {@link #fromPaths}, for paths already in memory.
   */
  Map<String, Map<String, double[]>> onDriver(List<AggregatedPath> paths) {
    Map<List<String>, double[]> tally = new HashMap<>();
    for (AggregatedPath p : paths) {
      if (p.conversions() > 0 || p.value() > 0) {
        credit(p.touchpoints(), p.conversions(), p.value(), tally);
      }
    }
    return nested(tally);
  }

  /** model → touchpoint → {conversions, value}, sorted, from a tally keyed by [model, touchpoint]. */
  static Map<String, Map<String, double[]>> nested(Map<List<String>, double[]> tally) {
    Map<String, Map<String, double[]>> out = new TreeMap<>();
    tally.forEach((key, sums) -> out.computeIfAbsent(key.get(0), m -> new TreeMap<>()).put(key.get(1), sums));
    return out;
  }

  /** A path heuristic's weights over one path's touches, summing to 1. */
  double[] weights(AttributionModel model, List<String> touchpoints) {
    int n = touchpoints.size();
    double[] w = new double[n];
    switch (model) {
      case FIRST_TOUCH -> w[0] = 1;
      case LAST_TOUCH -> w[n - 1] = 1;
      case LAST_NON_DIRECT -> {
        int last = n - 1;
        while (last >= 0 && directTouchpoints.contains(touchpoints.get(last))) {
          last--;
        }
        // A path of direct touches only credits its last touch.
        w[last < 0 ? n - 1 : last] = 1;
      }
      case LINEAR -> Arrays.fill(w, 1.0 / n);
      case POSITION_BASED -> {
        if (n == 1) {
          w[0] = 1;
        } else if (n == 2) {
          double pairFirst = firstShare + lastShare == 0 ? 0.5 : firstShare / (firstShare + lastShare);
          w[0] = pairFirst;
          w[1] = 1 - pairFirst;
        } else {
          Arrays.fill(w, (1.0 - firstShare - lastShare) / (n - 2));
          w[0] = firstShare;
          w[n - 1] = lastShare;
        }
      }
      default -> throw new IllegalArgumentException(model.id() + " is not a path heuristic");
    }
    return w;
  }

  /**
   * time_decay weights of one journey's touches from their times (epoch seconds), summing to 1. Ages are measured
   * from the youngest touch: the same ratios as from the conversion, and no underflow to 0/0 for touches long before
   * it.
   */
  double[] timeDecayWeights(long[] seconds) {
    long youngest = Long.MIN_VALUE;
    for (long s : seconds) {
      youngest = Math.max(youngest, s);
    }
    double[] w = new double[seconds.length];
    double total = 0;
    for (int i = 0; i < seconds.length; i++) {
      w[i] = Math.pow(2, -(youngest - seconds[i]) / (86400.0 * halfLifeDays));
      total += w[i];
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= total;
    }
    return w;
  }

  private void credit(List<String> touchpoints, double conversions, double value, Map<List<String>, double[]> tally) {
    for (AttributionModel model : AttributionModel.pathHeuristics()) {
      spread(model, touchpoints, weights(model, touchpoints), conversions, value, tally);
    }
  }

  /** Adds one path's conversions and value, weighted per touch, to a tally keyed by [model, touchpoint]. */
  static void spread(AttributionModel model, List<String> touchpoints, double[] weights, double conversions, double value,
      Map<List<String>, double[]> tally) {
    for (int i = 0; i < weights.length; i++) {
      double[] sums = tally.computeIfAbsent(List.of(model.id(), touchpoints.get(i)), k -> new double[2]);
      sums[0] += weights[i] * conversions;
      sums[1] += weights[i] * value;
    }
  }

  private static Iterator<Row> rows(Map<List<String>, double[]> tally) {
    List<Row> out = new ArrayList<>(tally.size());
    tally.forEach((k, v) -> out.add(RowFactory.create(k.get(0), k.get(1), v[0], v[1])));
    return out.iterator();
  }

  private static Dataset<Row> summed(Dataset<Row> tallies) {
    return tallies.groupBy(col(AttributionColumns.MODEL), col(AttributionColumns.TOUCHPOINT))
        .agg(sum(col(AttributionColumns.CONVERSIONS)).as(AttributionColumns.CONVERSIONS),
            sum(col(AttributionColumns.REVENUE)).as(AttributionColumns.REVENUE));
  }
}
