package io.touchpoints.model;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.input.EventColumns;
import io.touchpoints.journey.JourneyColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Builds the next-touchpoint examples: one row per prefix of every journey, with its features and the touchpoint
 * that came next ({@link ModelColumns}).
 *
 * <p>Inputs: the {@code journeys} table (ordered touchpoint structs, start time, conversions) and the {@code events}
 * table (conversions, churn events and survey answers of each customer). Every feature of a prefix uses only what
 * happened at or before its last touch: the last k touchpoints and their n-grams, the touchpoints so far, position,
 * hours since the previous touch and since the journey's start, hour and weekday of the last touch (UTC) and its
 * calendar date as a number (days since 1970), its stage,
 * the customer's conversions, explicit churn and survey answers (count, mean CSAT, mean NPS) so far, and the
 * customer's earlier journeys and how many converted.
 *
 * <p>Prefixes are one {@code posexplode} of the touchpoint array; the label is the next element of the same array.
 * Shuffles: one window over journeys by customer (earlier journeys), and one window over prefixes and outcome events
 * unioned by customer ("so far" counts); both hash-partition by customer_id, sized by
 * {@code spark.sql.shuffle.partitions}. No UDFs, nothing collected.
 */
final class PrefixExamples {

  private PrefixExamples() {}

  /**
   * Every prefix of every journey.
   *
   * @param journeys the journeys table (without run_date)
   * @param events the events table (without run_date)
   * @param lastTouches k: last_1..last_k and ngram_2..ngram_k
   * @param endLabel whether a whole journey's prefix gets the label {@link ModelColumns#END_LABEL} (else null)
   * @return one row per prefix; {@link ModelColumns#LABEL} is null where nothing follows (unless endLabel)
   */
  public static Dataset<Row> build(Dataset<Row> journeys, Dataset<Row> events, int lastTouches, boolean endLabel) {
    Column customer = col(JourneyColumns.CUSTOMER_ID);
    // Earlier journeys of the same customer: ordered by start, ties by id, so the count never depends on partitioning.
    WindowSpec earlier = Window.partitionBy(customer)
        .orderBy(col(JourneyColumns.START_TIME), col(JourneyColumns.JOURNEY_ID))
        .rowsBetween(Window.unboundedPreceding(), -1);
    Dataset<Row> withHistory = journeys
        .filter(size(col(JourneyColumns.TOUCHPOINTS)).gt(0))
        .withColumn(ModelColumns.PRIOR_JOURNEYS, count(lit(1)).over(earlier).cast(DataTypes.IntegerType))
        .withColumn(ModelColumns.PRIOR_CONVERSIONS, coalesce(
            sum(when(col(JourneyColumns.CONVERTED), 1).otherwise(0)).over(earlier), lit(0L))
            .cast(DataTypes.IntegerType));

    Column touches = col(JourneyColumns.TOUCHPOINTS);
    Dataset<Row> exploded = withHistory.select(
        col(JourneyColumns.JOURNEY_ID), customer, col(JourneyColumns.START_TIME), touches,
        col(ModelColumns.PRIOR_JOURNEYS), col(ModelColumns.PRIOR_CONVERSIONS),
        posexplode(touches).as(new String[] {"_pos", "_touch"}));

    Column pos = col("_pos");
    Column names = transform(touches, t -> t.getField("touchpoint"));
    Column next = get(touches, pos.plus(1)).getField("touchpoint");
    Column label = endLabel ? coalesce(next, lit(ModelColumns.END_LABEL)) : next;
    Column lastTime = col("_touch").getField("event_time");
    Column previousTime = get(touches, pos.minus(1)).getField("event_time");

    List<Column> out = new ArrayList<>(List.of(
        col(JourneyColumns.JOURNEY_ID).as(ModelColumns.JOURNEY_ID),
        customer.as(ModelColumns.CUSTOMER_ID),
        col(JourneyColumns.START_TIME).as(ModelColumns.JOURNEY_START),
        pos.plus(1).cast(DataTypes.IntegerType).as(ModelColumns.PREFIX_LENGTH),
        size(touches).as(ModelColumns.JOURNEY_TOUCHES),
        slice(names, lit(1), pos.plus(1)).as(ModelColumns.PREFIX),
        lastTime.as(ModelColumns.LAST_TIME),
        label.as(ModelColumns.LABEL)));
    for (int j = 1; j <= lastTouches; j++) {
      out.add(lastTouchpoint(touches, pos, j).as(ModelColumns.last(j)));
    }
    for (int n = 2; n <= lastTouches; n++) {
      List<Column> parts = new ArrayList<>();
      for (int j = n; j >= 1; j--) {
        parts.add(lastTouchpoint(touches, pos, j));
      }
      out.add(array_join(call_function("array", parts.toArray(Column[]::new)), ModelColumns.NGRAM_SEPARATOR)
          .as(ModelColumns.ngram(n)));
    }
    out.add(coalesce(hoursBetween(previousTime, lastTime), lit(0.0)).as(ModelColumns.HOURS_SINCE_PREVIOUS));
    out.add(hoursBetween(col(JourneyColumns.START_TIME), lastTime).as(ModelColumns.HOURS_SINCE_START));
    out.add(hour(lastTime).as(ModelColumns.HOUR_OF_DAY));
    out.add(call_function("unix_micros", lastTime).cast(DataTypes.DoubleType).divide(8.64e10)
        .as(ModelColumns.DAYS_SINCE_EPOCH));
    out.add(dayofweek(lastTime).as(ModelColumns.DAY_OF_WEEK));
    out.add(coalesce(col("_touch").getField("stage"), lit(ModelColumns.NONE)).as(ModelColumns.STAGE));
    out.add(col(ModelColumns.PRIOR_JOURNEYS));
    out.add(col(ModelColumns.PRIOR_CONVERSIONS));
    Dataset<Row> prefixes = exploded.select(out.toArray(Column[]::new));
    return withOutcomesSoFar(prefixes, events);
  }

  /**
   * Adds the customer's conversions, explicit churn and survey answers at or before each prefix's last touch. Prefix
   * rows and outcome events are unioned and scanned once per customer in time order (events before prefixes at the
   * same instant); a join of every prefix with every outcome event would grow with their product.
   */
  static Dataset<Row> withOutcomesSoFar(Dataset<Row> prefixes, Dataset<Row> events) {
    Column type = col(EventColumns.EVENT_TYPE);
    Dataset<Row> outcomes = events
        .filter(type.isin(EventColumns.TYPE_CONVERSION, EventColumns.TYPE_CHURN, EventColumns.TYPE_SURVEY))
        .select(
            col(EventColumns.CUSTOMER_ID).as(ModelColumns.CUSTOMER_ID),
            col(EventColumns.EVENT_TIME).as(ModelColumns.LAST_TIME),
            lit(0).as("_is_prefix"),
            when(type.equalTo(EventColumns.TYPE_CONVERSION), 1).otherwise(0).as("_conversion"),
            when(type.equalTo(EventColumns.TYPE_CHURN), 1).otherwise(0).as("_churn"),
            when(type.equalTo(EventColumns.TYPE_SURVEY), 1).otherwise(0).as("_survey"),
            when(type.equalTo(EventColumns.TYPE_SURVEY), col(EventColumns.CSAT)).as("_csat"),
            when(type.equalTo(EventColumns.TYPE_SURVEY), col(EventColumns.NPS)).as("_nps"));
    Dataset<Row> tagged = prefixes.withColumn("_is_prefix", lit(1));
    Dataset<Row> both = tagged.unionByName(outcomes, true);
    WindowSpec soFar = Window.partitionBy(col(ModelColumns.CUSTOMER_ID))
        .orderBy(col(ModelColumns.LAST_TIME), col("_is_prefix"))
        .rowsBetween(Window.unboundedPreceding(), 0);
    return both
        .withColumn(ModelColumns.CONVERSIONS_BEFORE,
            coalesce(sum(col("_conversion")).over(soFar), lit(0L)).cast(DataTypes.IntegerType))
        .withColumn(ModelColumns.CHURNED_BEFORE,
            coalesce(max(col("_churn")).over(soFar), lit(0)).cast(DataTypes.IntegerType))
        .withColumn(ModelColumns.SURVEYS_BEFORE,
            coalesce(sum(col("_survey")).over(soFar), lit(0L)).cast(DataTypes.IntegerType))
        .withColumn(ModelColumns.CSAT_MEAN_BEFORE, avg(col("_csat")).over(soFar))
        .withColumn(ModelColumns.NPS_MEAN_BEFORE, avg(col("_nps")).over(soFar))
        .filter(col("_is_prefix").equalTo(1))
        .drop("_is_prefix", "_conversion", "_churn", "_survey", "_csat", "_nps");
  }

  /** The j-th touchpoint from the end of the prefix ending at {@code pos} (j = 1: its last), or {@link ModelColumns#NONE}. */
  private static Column lastTouchpoint(Column touches, Column pos, int j) {
    return coalesce(get(touches, pos.minus(j - 1)).getField("touchpoint"), lit(ModelColumns.NONE));
  }

  /** 0-based element, null out of bounds (also for negative indices). */
  private static Column get(Column array, Column index) {
    return call_function("get", array, index);
  }

  private static Column hoursBetween(Column from, Column to) {
    return call_function("unix_micros", to).minus(call_function("unix_micros", from)).cast(DataTypes.DoubleType)
        .divide(3.6e9);
  }
}
