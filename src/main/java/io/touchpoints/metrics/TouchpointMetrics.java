package io.touchpoints.metrics;

import static io.touchpoints.metrics.ConfidenceIntervals.differenceBound;
import static io.touchpoints.metrics.ConfidenceIntervals.meanBound;
import static io.touchpoints.metrics.ConfidenceIntervals.npsBound;
import static io.touchpoints.metrics.ConfidenceIntervals.npsScore;
import static io.touchpoints.metrics.ConfidenceIntervals.wilsonHigh;
import static io.touchpoints.metrics.ConfidenceIntervals.wilsonLow;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.input.EventColumns;
import io.touchpoints.journey.JourneyColumns;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Touchpoint effectiveness: conversion, friction, churn and satisfaction per touchpoint (and per channel, stage and
 * optionally segment), each proportion with a Wilson interval, means and NPS with normal intervals.
 *
 * <p>Input: the {@code journeys} and {@code events} tables of one run date. Output: one row per dimension, name and
 * segment (the {@code touchpoint_metrics} table; columns in {@link MetricColumns}). Conversion, friction and churn
 * come from one pass over each customer's journeys ({@link TouchpointTally}: the journeys and one status row per
 * customer, from a group-by of the events by customer_id, shuffled together by customer_id), satisfaction from one
 * window over each customer's interactions and surveys (a shuffle of those events by customer_id); the rest are
 * partial sums per group. Only the data's end time reaches the driver. Parallelism: {@code spark.sql.shuffle.partitions}.
 * Settings: {@code touchpoints.metrics.*} ({@link MetricsSettings}).
 *
 * <p>Definitions (README, "Metrics"): a journey "contains" a touchpoint if it has at least one touch there; the
 * next-step conversion rate is the share of touches directly followed by the journey's conversion; a customer has
 * churned at an explicit churn event, or once {@code churn_inactivity} passes without an event before the data's
 * end (the churn time is then the last event); customers whose outcome is still unknown are censored.
 */
public final class TouchpointMetrics {

  private static final String SEG = "_seg";
  private static final String ALL_SEGMENTS = "\u0000all";
  private static final List<String> KEYS = List.of(MetricColumns.DIMENSION, MetricColumns.NAME, SEG);

  private final MetricsSettings settings;
  private final double z;

  public TouchpointMetrics(MetricsSettings settings) {
    this.settings = settings;
    this.z = settings.z();
  }

  /**
   * Computes the metrics table.
   *
   * @param journeys the journeys table (one run date, without run_date)
   * @param events the events table (same run date)
   */
  public Dataset<Row> compute(Dataset<Row> journeys, Dataset<Row> events) {
    Row end = events.agg(max(col(EventColumns.EVENT_TIME))).first();
    Timestamp dataEnd = end.isNullAt(0) ? new Timestamp(0) : end.getTimestamp(0);
    Timestamp churnCutoff = new Timestamp(dataEnd.getTime() - settings.churnInactivity().toMillis());

    Dataset<Row> tallies = tallies(journeys, customerStatus(events), churnCutoff);
    Dataset<Row> satisfaction = satisfaction(events);
    return finish(tallies.join(satisfaction, toScala(KEYS), "full_outer"));
  }

  /** One copy of each row per dimension (and per segment when broken down), keyed by (dimension, name, _seg). */
  private Dataset<Row> byGroup(Dataset<Row> rows) {
    Dataset<Row> out = null;
    for (String dimension : settings.dimensions()) {
      Dataset<Row> copy = rows.withColumn(MetricColumns.DIMENSION, lit(dimension))
          .withColumn(MetricColumns.NAME, col(dimension))
          .filter(col(MetricColumns.NAME).isNotNull());
      out = out == null ? copy : out.unionByName(copy);
    }
    Dataset<Row> all = out.withColumn(SEG, lit(ALL_SEGMENTS));
    if (settings.segmentBreakdown()) {
      all = all.unionByName(out.filter(col(EventColumns.SEGMENT).isNotNull())
          .withColumn(SEG, col(EventColumns.SEGMENT)));
    }
    return all;
  }

  // ---- Conversion, friction and churn: one pass over each customer's journeys. ----

  /**
   * Per (dimension, name, segment): the {@link TouchpointTally} counts summed over partitions, the exact median
   * hours to conversion, the relative risk's baseline and the last-touch share's denominator (both per dimension
   * and segment), and the journeys and conversions of all journeys (per segment). Shuffles: the journeys' columns
   * and the status rows by customer_id, then only partial sums.
   */
  private Dataset<Row> tallies(Dataset<Row> journeys, Dataset<Row> status, Timestamp churnCutoff) {
    List<Column> journeyColumns = new ArrayList<>();
    for (String c : List.of(JourneyColumns.CUSTOMER_ID, JourneyColumns.JOURNEY_ID, JourneyColumns.START_TIME,
        JourneyColumns.END_TIME, JourneyColumns.TOUCHPOINTS, JourneyColumns.TOUCHES, JourneyColumns.CONVERTED,
        JourneyColumns.CONVERSION_TIME, JourneyColumns.REVENUE, JourneyColumns.SEGMENT)) {
      journeyColumns.add(col(c));
    }
    Dataset<Row> journeyRows = journeys.select(journeyColumns.toArray(Column[]::new))
        .withColumn(TouchpointTally.IS_STATUS, lit(false));
    // Each customer's status travels as one more row in the same shuffle, sorted before their journeys: a join
    // would shuffle again, or (as a broadcast) leave the customer's rows wherever they were.
    Dataset<Row> sorted = journeyRows.unionByName(status.withColumn(TouchpointTally.IS_STATUS, lit(true)), true)
        .repartition(col(JourneyColumns.CUSTOMER_ID))
        .sortWithinPartitions(col(JourneyColumns.CUSTOMER_ID), col(TouchpointTally.IS_STATUS).desc(),
            col(JourneyColumns.START_TIME), col(JourneyColumns.JOURNEY_ID));
    Dataset<Row> partial = sorted.mapPartitions(
        new TouchpointTally(sorted.schema(), settings, ALL_SEGMENTS, churnCutoff),
        Encoders.row(TouchpointTally.outputSchema(SEG)));

    List<Column> sums = new ArrayList<>();
    TouchpointTally.COUNTS.forEach(c -> sums.add(sum(col(c)).as(c)));
    sums.add(sum(col(TouchpointTally.REVENUE_SUM)).cast(EventColumns.REVENUE_TYPE).as(MetricColumns.REVENUE));
    // Exact (interpolated) median over each rounded value's count of journeys.
    sums.add(call_function("percentile", col(TouchpointTally.HOURS), lit(0.5), col(TouchpointTally.HOURS_COUNT))
        .as(MetricColumns.MEDIAN_HOURS_TO_CONVERSION));
    WindowSpec dimensionSegment = Window.partitionBy(col(MetricColumns.DIMENSION), col(SEG));
    Column lastOf = col(TouchpointTally.LAST_OF);
    Column churnedAll = sum(lastOf).over(dimensionSegment);
    Dataset<Row> grouped = partial.groupBy(keyColumns().toArray(Column[]::new))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new))
        .withColumn(TouchpointTally.BASE_CUSTOMERS, sum(col(TouchpointTally.BASE_CUSTOMERS)).over(dimensionSegment))
        .withColumn(TouchpointTally.BASE_CHURNED, sum(col(TouchpointTally.BASE_CHURNED)).over(dimensionSegment))
        .withColumn(MetricColumns.CHURN_LAST_TOUCH_SHARE,
            when(churnedAll.gt(0), lastOf.divide(churnedAll)).otherwise(lit(0.0)));

    // Journeys without the touchpoint: totals (per segment when broken down) minus the group's own.
    Dataset<Row> totals = journeys.agg(count(lit(1)).as("_all_journeys"),
        count(when(col(JourneyColumns.CONVERTED), lit(1))).as("_all_conversions"))
        .withColumn(SEG, lit(ALL_SEGMENTS));
    if (settings.segmentBreakdown()) {
      totals = totals.unionByName(journeys.filter(col(JourneyColumns.SEGMENT).isNotNull())
          .groupBy(col(JourneyColumns.SEGMENT).as(SEG))
          .agg(count(lit(1)).as("_all_journeys"),
              count(when(col(JourneyColumns.CONVERTED), lit(1))).as("_all_conversions")));
    }
    return grouped.join(totals, toScala(List.of(SEG)), "left");
  }

  /** Per customer: last event and first explicit churn time. */
  private static Dataset<Row> customerStatus(Dataset<Row> events) {
    return events.groupBy(col(EventColumns.CUSTOMER_ID))
        .agg(max(col(EventColumns.EVENT_TIME)).as(TouchpointTally.LAST_EVENT),
            min(when(col(EventColumns.EVENT_TYPE).equalTo(EventColumns.TYPE_CHURN), col(EventColumns.EVENT_TIME)))
                .as(TouchpointTally.EXPLICIT_CHURN));
  }

  // ---- Satisfaction. ----

  private Dataset<Row> satisfaction(Dataset<Row> events) {
    Column type = col(EventColumns.EVENT_TYPE);
    Column interaction = type.equalTo(EventColumns.TYPE_INTERACTION);
    WindowSpec history = Window.partitionBy(col(EventColumns.CUSTOMER_ID))
        .orderBy(col(EventColumns.EVENT_TIME), col(JourneyColumns.EVENT_SEQ))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> relevant = events.filter(interaction.or(type.equalTo(EventColumns.TYPE_SURVEY)));
    // The most recent interaction as one value: taken column by column, a null channel or stage would be skipped
    // and an earlier interaction's taken in its place.
    Column previous = last(when(interaction, struct(col(EventColumns.TOUCHPOINT).as("touchpoint"),
        col(EventColumns.CHANNEL).as("channel"), col(EventColumns.STAGE).as("stage"),
        col(EventColumns.EVENT_TIME).as("time"))), true).over(history);
    Dataset<Row> linked = relevant
        .withColumn("_prev", previous)
        .withColumn("_prev_touchpoint", col("_prev.touchpoint"))
        .withColumn("_prev_channel", col("_prev.channel"))
        .withColumn("_prev_stage", col("_prev.stage"))
        .withColumn("_prev_time", col("_prev.time"))
        .filter(type.equalTo(EventColumns.TYPE_SURVEY)
            .and(col(EventColumns.CSAT).isNotNull().or(col(EventColumns.NPS).isNotNull())));
    Column recent = call_function("unix_seconds", col(EventColumns.EVENT_TIME))
        .minus(call_function("unix_seconds", col("_prev_time"))).leq(settings.surveyLinkWindow().toSeconds());
    Column rated = col(EventColumns.RATED_TOUCHPOINT);
    // The rated touchpoint's channel and stage: as the customer's own events carry them, else unknown.
    Dataset<Row> catalog = events.filter(interaction).groupBy(col(EventColumns.TOUCHPOINT).as("_rated"))
        .agg(min(col(EventColumns.CHANNEL)).as("_rated_channel"), min(col(EventColumns.STAGE)).as("_rated_stage"));
    Dataset<Row> surveys = linked
        .join(catalog, rated.equalTo(col("_rated")), "left")
        .select(
            col(EventColumns.SEGMENT),
            when(rated.isNotNull(), rated).when(recent, col("_prev_touchpoint")).as("touchpoint"),
            when(rated.isNotNull(), col("_rated_channel")).when(recent, col("_prev_channel")).as("channel"),
            when(rated.isNotNull(), col("_rated_stage")).when(recent, col("_prev_stage")).as("stage"),
            col(EventColumns.CSAT), col(EventColumns.NPS));
    Column csat = col(EventColumns.CSAT);
    Column nps = col(EventColumns.NPS);
    return byGroup(surveys).groupBy(keyColumns().toArray(Column[]::new)).agg(
        count(lit(1)).as(MetricColumns.RESPONSES),
        count(csat).as(MetricColumns.CSAT_RESPONSES),
        avg(csat).as(MetricColumns.CSAT_MEAN),
        stddev_samp(csat).as("_csat_sd"),
        count(when(csat.geq(4), lit(1))).as("_satisfied"),
        count(nps).as(MetricColumns.NPS_RESPONSES),
        count(when(nps.geq(9), lit(1))).as("_promoters"),
        count(when(nps.leq(6), lit(1))).as("_detractors"));
  }

  // ---- Final figures, intervals and small cells. ----

  private Dataset<Row> finish(Dataset<Row> all) {
    Column journeys = coalesce(col(MetricColumns.JOURNEYS), lit(0L));
    Column conversions = coalesce(col(MetricColumns.CONVERSIONS), lit(0L));
    Column without = col("_all_journeys").minus(journeys);
    Column withoutConversions = col("_all_conversions").minus(conversions);
    Column touches = coalesce(col(MetricColumns.TOUCHES), lit(0L));
    Column churnN = coalesce(col(MetricColumns.CHURN_CUSTOMERS), lit(0L));
    Column churned = coalesce(col(MetricColumns.CHURNED_CUSTOMERS), lit(0L));
    Column exitN = coalesce(col(MetricColumns.EXIT_CHURN_JOURNEYS), lit(0L));
    Column exitChurned = coalesce(col(TouchpointTally.EXIT_CHURNED), lit(0L));
    Column csatN = coalesce(col(MetricColumns.CSAT_RESPONSES), lit(0L));
    Column npsN = coalesce(col(MetricColumns.NPS_RESPONSES), lit(0L));
    Column promoters = coalesce(col("_promoters"), lit(0L));
    Column detractors = coalesce(col("_detractors"), lit(0L));
    Column conversionRate = ratio(conversions, journeys);
    Column rateWithout = ratio(withoutConversions, without);
    Column churnRate = ratio(churned, churnN);
    Column baseRate = ratio(col(TouchpointTally.BASE_CHURNED), col(TouchpointTally.BASE_CUSTOMERS));

    Column nextConversions = coalesce(col(TouchpointTally.NEXT_CONVERSIONS), lit(0L));
    Column exits = coalesce(col(TouchpointTally.EXITS), lit(0L));
    Column csatMean = col(MetricColumns.CSAT_MEAN);
    Column csatSd = col("_csat_sd");
    Column satisfied = coalesce(col("_satisfied"), lit(0L));

    List<Column> out = new ArrayList<>();
    out.add(col(MetricColumns.DIMENSION));
    out.add(col(MetricColumns.NAME));
    out.add(when(col(SEG).notEqual(ALL_SEGMENTS), col(SEG)).as(MetricColumns.SEGMENT));
    List<Column> flags = new ArrayList<>();
    for (MetricFigure.Group group : MetricFigure.Group.values()) {
      flags.add(when(coalesce(col(group.unitsColumn()), lit(0L)).lt(settings.minCell()), lit(group.label())));
    }
    for (MetricFigure f : MetricFigure.values()) {
      Column value = switch (f) {
        case CUSTOMERS -> coalesce(col(MetricColumns.CUSTOMERS), lit(0L));
        case JOURNEYS -> journeys;
        case TOUCHES -> touches;
        case CONVERSIONS -> conversions;
        case CONVERSION_RATE -> conversionRate;
        case CONVERSION_RATE_WITHOUT -> rateWithout;
        case LIFT -> conversionRate.minus(rateWithout);
        case LIFT_RATIO -> when(rateWithout.gt(0), conversionRate.divide(rateWithout));
        case NEXT_STEP_CONVERSION_RATE -> ratio(nextConversions, touches);
        case CONVERSIONS_WITHIN_WINDOW -> coalesce(col(MetricColumns.CONVERSIONS_WITHIN_WINDOW), lit(0L));
        case MEDIAN_HOURS_TO_CONVERSION -> col(MetricColumns.MEDIAN_HOURS_TO_CONVERSION);
        case REVENUE -> col(MetricColumns.REVENUE);
        case REVENUE_PER_JOURNEY -> when(journeys.gt(0),
            coalesce(col(MetricColumns.REVENUE), lit(0)).cast("double").divide(journeys));
        case EXIT_RATE -> ratio(exits, journeys);
        case REPEAT_RATE -> ratio(coalesce(col(TouchpointTally.REPEATS), lit(0L)), journeys);
        case TOUCHES_PER_JOURNEY -> ratio(touches, journeys);
        case CHURN_CUSTOMERS -> churnN;
        case CHURNED_CUSTOMERS -> churned;
        case CHURN_RATE -> churnRate;
        case CHURN_RELATIVE_RISK -> when(baseRate.gt(0), churnRate.divide(baseRate));
        case CHURN_LAST_TOUCH_SHARE -> coalesce(col(MetricColumns.CHURN_LAST_TOUCH_SHARE), lit(0.0));
        case EXIT_CHURN_JOURNEYS -> exitN;
        case EXIT_CHURN_RATE -> ratio(exitChurned, exitN);
        case RESPONSES -> coalesce(col(MetricColumns.RESPONSES), lit(0L));
        case CSAT_RESPONSES -> csatN;
        case CSAT_MEAN -> csatMean;
        case SATISFIED_SHARE -> ratio(satisfied, csatN);
        case NPS_RESPONSES -> npsN;
        case NPS -> npsScore(promoters, detractors, npsN);
      };
      List<Column> bounds = switch (f) {
        case CONVERSION_RATE -> wilson(conversions, journeys);
        case LIFT -> List.of(differenceBound(conversions, journeys, withoutConversions, without, z, false),
            differenceBound(conversions, journeys, withoutConversions, without, z, true));
        case NEXT_STEP_CONVERSION_RATE -> wilson(nextConversions, touches);
        case EXIT_RATE -> wilson(exits, journeys);
        case CHURN_RATE -> wilson(churned, churnN);
        case EXIT_CHURN_RATE -> wilson(exitChurned, exitN);
        case CSAT_MEAN -> List.of(meanBound(csatMean, csatSd, csatN, z, false),
            meanBound(csatMean, csatSd, csatN, z, true));
        case SATISFIED_SHARE -> wilson(satisfied, csatN);
        case NPS -> List.of(npsBound(promoters, detractors, npsN, z, false),
            npsBound(promoters, detractors, npsN, z, true));
        default -> List.of();
      };
      if (bounds.isEmpty() == f.hasInterval()) {
        throw new IllegalStateException("figure " + f + ": interval declared " + f.hasInterval()
            + " but " + bounds.size() + " bounds computed");
      }
      Column units = coalesce(col(f.group().unitsColumn()), lit(0L));
      out.add(suppressed(value, units).as(f.column()));
      if (f.hasInterval()) {
        out.add(suppressed(bounds.get(0), units).as(f.lowColumn()));
        out.add(suppressed(bounds.get(1), units).as(f.highColumn()));
      }
    }
    out.add(filter(array(flags.toArray(Column[]::new)), Column::isNotNull).as(MetricColumns.LOW_SAMPLE));
    return all.select(out.toArray(Column[]::new));
  }

  private Column suppressed(Column figure, Column units) {
    return settings.suppressSmallCells() ? when(units.geq(settings.minCell()), figure) : figure;
  }

  private List<Column> wilson(Column successes, Column trials) {
    return List.of(wilsonLow(successes, trials, z), wilsonHigh(successes, trials, z));
  }

  private List<Column> keyColumns() {
    List<Column> keys = new ArrayList<>();
    KEYS.forEach(k -> keys.add(col(k)));
    return keys;
  }

  private static Column ratio(Column numerator, Column denominator) {
    return when(denominator.gt(0), numerator.cast("double").divide(denominator.cast("double")));
  }

  private static scala.collection.Seq<String> toScala(List<String> names) {
    return scala.collection.JavaConverters.asScalaBuffer(names).toSeq();
  }
}
