package io.touchpoints.journey;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.config.JobConfig;
import io.touchpoints.input.EventColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reconstructs journeys from clean, stitched events.
 *
 * <p>{@link #orderEvents} shuffles once, hash-partitioning events by customer_id, and sorts once within partitions
 * by customer, event_time, event_id and input order (so results never depend on partitioning); one pass of
 * {@link JourneyAssigner} then flags duplicates and cuts journeys and sessions. {@link #journeys} shuffles the
 * partial aggregates of (customer, journey) once more, and {@link #paths} those of each path. Parallelism:
 * {@code spark.sql.shuffle.partitions}.
 *
 * <p>Rules: an exact duplicate (every canonical column equal) of an earlier row is flagged and left out. Journeys are
 * made of interactions and conversions; a conversion closes its journey, and a gap longer than
 * {@code journey.inactivity_timeout} starts a new one. Where events carry journey_id, journeys follow it. Sessions
 * split a journey at gaps longer than {@code journey.session_gap}. Surveys and churn events belong to no derived
 * journey (they keep a journey_id given in the input).
 */
public final class JourneyBuilder {

  private final JobConfig.JourneySettings settings;

  public JourneyBuilder(JobConfig.JourneySettings settings) {
    this.settings = settings;
  }

  /**
   * Orders events per customer and assigns journeys and sessions.
   *
   * @param stitched clean events with customer_id resolved ({@link IdentityStitcher}) and input_order
   * @return every input row, with {@link JourneyColumns#IS_DUPLICATE}, {@link JourneyColumns#EVENT_SEQ},
   *     journey_id and {@link JourneyColumns#SESSION_INDEX}; partitioned by customer_id and sorted by (customer_id,
   *     event_time, event_id, input order)
   */
  public Dataset<Row> orderEvents(Dataset<Row> stitched) {
    Dataset<Row> keyed = stitched
        .withColumn(JourneyColumns.JOURNEY_GIVEN, col(EventColumns.JOURNEY_ID).isNotNull())
        .withColumn(JourneyColumns.EVENT_KEY, EventKey.key());
    StructType schema = keyed.schema();
    // One shuffle and one sort; nulls first, as window functions order.
    return keyed
        .repartition(col(EventColumns.CUSTOMER_ID))
        .sortWithinPartitions(col(EventColumns.CUSTOMER_ID), col(EventColumns.EVENT_TIME), col(EventColumns.EVENT_ID),
            col(EventColumns.INPUT_ORDER))
        .mapPartitions(new JourneyAssigner(schema, settings.inactivityTimeout(), settings.sessionGap()),
            Encoders.row(JourneyAssigner.outputSchema(schema)));
  }

  /**
   * The events table: ordered events without duplicates, with what incremental runs need to rebuild a customer from
   * stored events: input order, whether journey_id was given, the event key.
   */
  public static Dataset<Row> eventsTable(Dataset<Row> ordered) {
    List<Column> out = new ArrayList<>();
    for (String name : EventColumns.NAMES) {
      out.add(col(name));
    }
    out.add(col(JourneyColumns.STITCHED));
    out.add(col(JourneyColumns.EVENT_SEQ));
    out.add(col(JourneyColumns.SESSION_INDEX));
    out.add(col(EventColumns.SOURCE_FILE));
    out.add(col(EventColumns.INPUT_ORDER));
    out.add(col(JourneyColumns.JOURNEY_GIVEN));
    out.add(col(JourneyColumns.EVENT_KEY));
    return ordered.filter(not(col(JourneyColumns.IS_DUPLICATE))).select(out.toArray(Column[]::new));
  }

  /**
   * One row per journey, from {@link #orderEvents}' output. Shuffles on (customer_id, journey_id) after partial
   * aggregation.
   * Applies the optional path transforms ({@code journey.drop_touchpoints}, then {@code journey.collapse_repeats})
   * to the touchpoint list.
   */
  public Dataset<Row> journeys(Dataset<Row> ordered) {
    Column type = col(EventColumns.EVENT_TYPE);
    Column conversion = type.equalTo(EventColumns.TYPE_CONVERSION);
    Column interaction = type.equalTo(EventColumns.TYPE_INTERACTION);
    Dataset<Row> members = ordered.filter(not(col(JourneyColumns.IS_DUPLICATE))
        .and(col(EventColumns.JOURNEY_ID).isNotNull())
        .and(type.isin(EventColumns.TYPE_INTERACTION, EventColumns.TYPE_CONVERSION)));
    // collect_list has no order after a shuffle: collect (seq, ...) structs and sort them.
    Column touch = struct(
        col(JourneyColumns.EVENT_SEQ).as("seq"),
        col(EventColumns.TOUCHPOINT).as("touchpoint"),
        col(EventColumns.EVENT_TIME).as("event_time"),
        col(EventColumns.CHANNEL).as("channel"),
        col(EventColumns.STAGE).as("stage"),
        col(JourneyColumns.SESSION_INDEX).as("session"));
    Dataset<Row> grouped = members
        .groupBy(col(EventColumns.CUSTOMER_ID), col(EventColumns.JOURNEY_ID))
        .agg(
            min(col(EventColumns.EVENT_TIME)).as(JourneyColumns.START_TIME),
            max(col(EventColumns.EVENT_TIME)).as(JourneyColumns.END_TIME),
            array_sort(collect_list(when(interaction, touch))).as("_touches"),
            max(col(JourneyColumns.SESSION_INDEX)).as(JourneyColumns.SESSIONS),
            count(when(conversion, lit(1))).cast(DataTypes.IntegerType).as(JourneyColumns.CONVERSIONS),
            min(when(conversion, col(EventColumns.EVENT_TIME))).as(JourneyColumns.CONVERSION_TIME),
            min_by(when(conversion, col(EventColumns.TOUCHPOINT)),
                when(conversion, col(JourneyColumns.EVENT_SEQ))).as(JourneyColumns.CONVERSION_TOUCHPOINT),
            sum(when(conversion, col(EventColumns.REVENUE))).cast(EventColumns.REVENUE_TYPE)
                .as(JourneyColumns.REVENUE),
            min_by(col(EventColumns.SEGMENT), col(JourneyColumns.EVENT_SEQ)).as(JourneyColumns.SEGMENT));

    Column touches = col("_touches");
    if (!settings.dropTouchpoints().isEmpty()) {
      Object[] dropped = settings.dropTouchpoints().toArray();
      touches = filter(touches, t -> not(t.getField("touchpoint").isin(dropped)));
    }
    if (settings.collapseRepeats()) {
      Column kept = touches;
      touches = filter(kept, (t, i) -> i.equalTo(0).or(
          t.getField("touchpoint").notEqual(call_function("get", kept, i.minus(1)).getField("touchpoint"))));
    }
    Column finalTouches = transform(touches, t -> struct(
        t.getField("touchpoint").as("touchpoint"),
        t.getField("event_time").as("event_time"),
        t.getField("channel").as("channel"),
        t.getField("stage").as("stage"),
        t.getField("session").as("session")));
    return grouped
        .withColumn(JourneyColumns.TOUCHPOINTS, finalTouches)
        .select(
            col(JourneyColumns.JOURNEY_ID),
            col(JourneyColumns.CUSTOMER_ID),
            col(JourneyColumns.START_TIME),
            col(JourneyColumns.END_TIME),
            col(JourneyColumns.TOUCHPOINTS),
            array_join(transform(col(JourneyColumns.TOUCHPOINTS), t -> t.getField("touchpoint")),
                JourneyColumns.PATH_SEPARATOR).as(JourneyColumns.PATH),
            size(col(JourneyColumns.TOUCHPOINTS)).as(JourneyColumns.TOUCHES),
            coalesce(col(JourneyColumns.SESSIONS), lit(0)).cast(DataTypes.IntegerType).as(JourneyColumns.SESSIONS),
            col(JourneyColumns.CONVERSIONS).gt(0).as(JourneyColumns.CONVERTED),
            col(JourneyColumns.CONVERSIONS),
            col(JourneyColumns.CONVERSION_TIME),
            col(JourneyColumns.CONVERSION_TOUCHPOINT),
            col(JourneyColumns.REVENUE),
            col(JourneyColumns.SEGMENT));
  }

  /**
   * The paths table: journeys aggregated by path, in the format attribution tools exchange. Shuffles once, on path
   * (small: one row per distinct path after partial aggregation).
   */
  public static Dataset<Row> paths(Dataset<Row> journeys) {
    return journeys
        .groupBy(col(JourneyColumns.PATH))
        .agg(
            count(lit(1)).as(JourneyColumns.JOURNEYS),
            sum(col(JourneyColumns.CONVERSIONS)).as(JourneyColumns.TOTAL_CONVERSIONS),
            coalesce(sum(col(JourneyColumns.REVENUE)), lit(0).cast(EventColumns.REVENUE_TYPE))
                .cast(EventColumns.REVENUE_TYPE).as(JourneyColumns.TOTAL_CONVERSION_VALUE),
            count(when(not(col(JourneyColumns.CONVERTED)), lit(1))).as(JourneyColumns.TOTAL_NULL));
  }
}
