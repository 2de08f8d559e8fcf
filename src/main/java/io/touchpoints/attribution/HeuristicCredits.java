package io.touchpoints.attribution;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.arrays_zip;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.journey.JourneyColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Rule-based attribution, computed in Spark: each converting path spreads its conversions and value over its touches
 * with weights that sum to 1, and the credits are summed per touchpoint (an explode and one aggregation, shuffling
 * on the touchpoint). So every model's credits sum to the total conversions and value of the paths it covers.
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
 */
public final class HeuristicCredits {

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

  /** The models {@link #fromPaths} computes, in output order. */
  public static final List<String> PATH_MODELS =
      List.of("first_touch", "last_touch", "last_non_direct", "linear", "position_based");

  /**
   * Credits of the path-based models: model, touchpoint, conversions, revenue. Every model's weights are columns of
   * one exploded row per touch, so all five come from one aggregation (one shuffle on the touchpoint), then are
   * unpivoted to a row per model and touchpoint.
   */
  public Dataset<Row> fromPaths(Dataset<Row> paths) {
    Column tp = col(PathColumns.TOUCHPOINTS);
    Column n = size(tp);
    Column lastNonDirect = coalesce(
        array_max(transform(tp, (t, i) -> when(not(t.isin(directTouchpoints.toArray())), i))), n.minus(1));
    Column touches = transform(tp, (t, i) -> struct(t.as("t"),
        when(i.equalTo(0), 1.0).otherwise(0.0).as(PATH_MODELS.get(0)),
        when(i.equalTo(n.minus(1)), 1.0).otherwise(0.0).as(PATH_MODELS.get(1)),
        when(i.equalTo(lastNonDirect), 1.0).otherwise(0.0).as(PATH_MODELS.get(2)),
        lit(1.0).divide(n).as(PATH_MODELS.get(3)),
        positionWeight(i, n).as(PATH_MODELS.get(4))));
    List<Column> sums = new ArrayList<>();
    for (String model : PATH_MODELS) {
      sums.add(sum(col("_z." + model).multiply(col("_c"))).as(model + "_c"));
      sums.add(sum(col("_z." + model).multiply(col("_v"))).as(model + "_v"));
    }
    Dataset<Row> wide = paths.filter(col(PathColumns.CONVERSIONS).gt(0).or(col(PathColumns.VALUE).gt(0)))
        .select(explode(touches).as("_z"), col(PathColumns.CONVERSIONS).as("_c"), col(PathColumns.VALUE).as("_v"))
        .groupBy(col("_z.t").as(AttributionColumns.TOUCHPOINT))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));
    Column[] perModel = PATH_MODELS.stream()
        .map(m -> struct(lit(m).as(AttributionColumns.MODEL), col(m + "_c").as(AttributionColumns.CONVERSIONS),
            col(m + "_v").as(AttributionColumns.REVENUE)))
        .toArray(Column[]::new);
    return wide.select(col(AttributionColumns.TOUCHPOINT), explode(array(perModel)).as("_m"))
        .select(col(AttributionColumns.TOUCHPOINT), col("_m." + AttributionColumns.MODEL),
            col("_m." + AttributionColumns.CONVERSIONS), col("_m." + AttributionColumns.REVENUE));
  }

  /** time_decay from the journeys table (converted journeys with at least one touch). */
  public Dataset<Row> timeDecay(Dataset<Row> journeys) {
    Column touches = col(JourneyColumns.TOUCHPOINTS);
    // 2^(−age/h), with ages measured from the youngest touch: the same ratios, and no underflow to 0/0 for touches
    // long before the conversion.
    Column seconds = transform(touches, t -> call_function("unix_seconds", t.getField("event_time")));
    Column youngest = array_max(seconds);
    Column raw = transform(seconds, s -> pow(lit(2.0), youngest.minus(s).divide(86400.0 * halfLifeDays)
        .multiply(-1)));
    Dataset<Row> converted = journeys.filter(col(JourneyColumns.CONVERTED).and(col(JourneyColumns.TOUCHES).gt(0)))
        .withColumn("_raw", raw)
        .withColumn("_total", aggregate(col("_raw"), lit(0.0), Column::plus));
    Column weights = transform(col("_raw"), w -> w.divide(col("_total")));
    return spread(converted, transform(touches, t -> t.getField("touchpoint")), weights,
        col(JourneyColumns.CONVERSIONS).cast(DataTypes.DoubleType),
        coalesce(col(JourneyColumns.REVENUE).cast(DataTypes.DoubleType), lit(0.0)), "time_decay");
  }

  private Column positionWeight(Column i, Column n) {
    double pairFirst = firstShare + lastShare == 0 ? 0.5 : firstShare / (firstShare + lastShare);
    Column middle = lit(1.0 - firstShare - lastShare).divide(n.minus(2));
    return when(n.equalTo(1), 1.0)
        .when(n.equalTo(2), when(i.equalTo(0), pairFirst).otherwise(1.0 - pairFirst))
        .when(i.equalTo(0), firstShare)
        .when(i.equalTo(n.minus(1)), lastShare)
        .otherwise(middle);
  }

  private static Dataset<Row> spread(Dataset<Row> rows, Column touchpoints, Column weights, Column conversions,
      Column value, String model) {
    return rows.select(explode(arrays_zip(touchpoints.as("t"), weights.as("w"))).as("_z"),
            conversions.as("_c"), value.as("_v"))
        .groupBy(col("_z.t").as(AttributionColumns.TOUCHPOINT))
        .agg(sum(col("_z.w").multiply(col("_c"))).as(AttributionColumns.CONVERSIONS),
            sum(col("_z.w").multiply(col("_v"))).as(AttributionColumns.REVENUE))
        .withColumn(AttributionColumns.MODEL, lit(model));
  }
}
