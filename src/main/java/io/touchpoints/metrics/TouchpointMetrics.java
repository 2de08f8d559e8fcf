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
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.input.EventColumns;
import io.touchpoints.journey.JourneyColumns;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Touchpoint effectiveness: conversion, friction, churn and satisfaction per touchpoint (and per channel, stage and
 * optionally segment), each proportion with a Wilson interval, means and NPS with normal intervals.
 *
 * <p>Input: the {@code journeys} and {@code events} tables of one run date. Output: one row per dimension, name and
 * segment (the {@code touchpoint_metrics} table; columns in {@link MetricColumns}). Everything is aggregated in
 * Spark: a few group-bys (shuffles on the grouping keys, on journey_id and on customer_id) and one window over each
 * customer's journeys and events; only the data's end time reaches the driver. Settings:
 * {@code touchpoints.metrics.*} ({@link MetricsSettings}).
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

    Dataset<Row> touches = byGroup(touchLevel(journeys));
    Dataset<Row> status = customerStatus(events, churnCutoff);

    Dataset<Row> conversion = conversionAndFriction(touches, journeys);
    Dataset<Row> churn = churn(touches, status, churnCutoff);
    Dataset<Row> exitChurn = exitChurn(journeys, status, churnCutoff);
    Dataset<Row> satisfaction = satisfaction(events);

    Dataset<Row> all = conversion;
    for (Dataset<Row> part : List.of(churn, exitChurn, satisfaction)) {
      all = all.join(part, toScala(KEYS), "full_outer");
    }
    return finish(all);
  }

  // ---- Touch level: one row per touch, with what happened after it in its journey. ----

  private static Dataset<Row> touchLevel(Dataset<Row> journeys) {
    Column touchpoints = col(JourneyColumns.TOUCHPOINTS);
    Dataset<Row> exploded = journeys.select(
        col(JourneyColumns.JOURNEY_ID), col(JourneyColumns.CUSTOMER_ID), col(JourneyColumns.SEGMENT),
        col(JourneyColumns.CONVERTED), col(JourneyColumns.CONVERSION_TIME), col(JourneyColumns.REVENUE),
        touchpoints, posexplode(touchpoints).as(new String[] {"_pos", "_touch"}));
    Column touchTime = col("_touch.event_time");
    Column nextTouchTime = call_function("get", touchpoints, col("_pos").plus(1)).getField("event_time");
    Column conversionTime = col(JourneyColumns.CONVERSION_TIME);
    return exploded.select(
        col(JourneyColumns.JOURNEY_ID), col(JourneyColumns.CUSTOMER_ID), col(JourneyColumns.SEGMENT),
        col(JourneyColumns.CONVERTED), conversionTime, col(JourneyColumns.REVENUE),
        col("_touch.touchpoint").as("touchpoint"), col("_touch.channel").as("channel"),
        col("_touch.stage").as("stage"), touchTime.as("_touch_time"),
        col("_pos").equalTo(size(touchpoints).minus(1)).as("_is_last"),
        // The conversion comes after this touch and before the next one.
        coalesce(col(JourneyColumns.CONVERTED).and(conversionTime.geq(touchTime))
            .and(nextTouchTime.isNull().or(conversionTime.lt(nextTouchTime))), lit(false)).as("_next_converts"));
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

  // ---- Conversion and friction. ----

  private Dataset<Row> conversionAndFriction(Dataset<Row> touches, Dataset<Row> journeys) {
    long windowSeconds = settings.conversionWindow().toSeconds();
    List<Column> journeyKeys = keyColumns();
    journeyKeys.add(col(JourneyColumns.JOURNEY_ID));
    Dataset<Row> perJourney = touches
        .groupBy(journeyKeys.toArray(Column[]::new))
        .agg(
            first(col(JourneyColumns.CUSTOMER_ID)).as(JourneyColumns.CUSTOMER_ID),
            max(col(JourneyColumns.CONVERTED)).as("_converted"),
            min(col(JourneyColumns.CONVERSION_TIME)).as("_conversion_time"),
            max(col(JourneyColumns.REVENUE)).as("_revenue"),
            count(lit(1)).as("_touches"),
            max(col("_touch_time")).as("_last_touch"),
            max(col("_is_last")).as("_ends_here"),
            sum(col("_next_converts").cast(DataTypes.LongType)).as("_next_conversions"));
    Column converted = col("_converted");
    Column hoursToConversion = call_function("unix_seconds", col("_conversion_time"))
        .minus(call_function("unix_seconds", col("_last_touch"))).divide(3600.0);
    // Distinct customers are counted apart: in one aggregation with count_distinct, Spark would keep (and
    // serialise) the median's value table once per (group, customer) instead of once per group.
    List<Column> customerKeys = keyColumns();
    customerKeys.add(col(JourneyColumns.CUSTOMER_ID));
    Dataset<Row> customers = perJourney
        .groupBy(customerKeys.toArray(Column[]::new)).agg(count(lit(1)).as("_n"))
        .groupBy(keyColumns().toArray(Column[]::new))
        .agg(count(col(JourneyColumns.CUSTOMER_ID)).as(MetricColumns.CUSTOMERS));
    Dataset<Row> grouped = perJourney
        .groupBy(keyColumns().toArray(Column[]::new))
        .agg(
            count(lit(1)).as(MetricColumns.JOURNEYS),
            sum(col("_touches")).as(MetricColumns.TOUCHES),
            count(when(converted, lit(1))).as(MetricColumns.CONVERSIONS),
            count(when(converted.and(hoursToConversion.between(0, windowSeconds / 3600.0)), lit(1)))
                .as(MetricColumns.CONVERSIONS_WITHIN_WINDOW),
            // Exact (interpolated) median; hours rounded to 0.01 keep its value table small.
            call_function("percentile", when(converted.and(hoursToConversion.geq(0)),
                round(hoursToConversion, 2)), lit(0.5)).as(MetricColumns.MEDIAN_HOURS_TO_CONVERSION),
            sum(col("_revenue")).cast(EventColumns.REVENUE_TYPE).as(MetricColumns.REVENUE),
            count(when(col("_ends_here").and(not(converted)), lit(1))).as("_exits"),
            count(when(col("_touches").geq(2), lit(1))).as("_repeats"),
            sum(col("_next_conversions")).as("_next_conversions"));

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
    return customers.join(grouped, toScala(KEYS)).join(totals, toScala(List.of(SEG)), "left");
  }

  // ---- Churn. ----

  /** Per customer: last event, explicit churn time, and churn time (explicit, or the last event if inactive). */
  private static Dataset<Row> customerStatus(Dataset<Row> events, Timestamp churnCutoff) {
    Column last = max(col(EventColumns.EVENT_TIME));
    Column explicit = min(when(col(EventColumns.EVENT_TYPE).equalTo(EventColumns.TYPE_CHURN),
        col(EventColumns.EVENT_TIME)));
    return events.groupBy(col(EventColumns.CUSTOMER_ID))
        .agg(last.as("_last_event"), explicit.as("_explicit_churn"))
        .withColumn("_churn_time", coalesce(col("_explicit_churn"),
            when(col("_last_event").leq(lit(churnCutoff)), col("_last_event"))));
  }

  private Dataset<Row> churn(Dataset<Row> touches, Dataset<Row> status, Timestamp churnCutoff) {
    long window = settings.churnWindow().toSeconds();
    List<Column> customerKeys = keyColumns();
    customerKeys.add(col(JourneyColumns.CUSTOMER_ID));
    Dataset<Row> perCustomer = touches.groupBy(customerKeys.toArray(Column[]::new))
        // The customer's first touch here starts the W-day window: "churned within W of touching it".
        .agg(min(col("_touch_time")).as("_tau"))
        .join(status, JourneyColumns.CUSTOMER_ID);
    Column tau = call_function("unix_seconds", col("_tau"));
    Column lastAt = call_function("unix_seconds", col("_last_event"));
    Column explicitAt = call_function("unix_seconds", col("_explicit_churn"));
    // Censoring: the outcome of a touch is known only once W and the inactivity period have both passed before the
    // data's end; applied to churners and stayers alike, so that neither is over-represented.
    Column observed = tau.plus(window).leq(call_function("unix_seconds", lit(churnCutoff)));
    Column churnedInWindow = observed.and(lastAt.leq(tau.plus(window))
        .or(coalesce(explicitAt.between(tau, tau.plus(window)), lit(false))));
    Column survived = observed.and(not(churnedInWindow));
    Dataset<Row> rates = perCustomer.groupBy(keyColumns().toArray(Column[]::new)).agg(
        count(when(churnedInWindow.or(survived), lit(1))).as(MetricColumns.CHURN_CUSTOMERS),
        count(when(churnedInWindow, lit(1))).as(MetricColumns.CHURNED_CUSTOMERS));

    // Baseline for relative risk: the same definition for every customer, from their first touch of any kind.
    Dataset<Row> baseline = perCustomer.groupBy(col(MetricColumns.DIMENSION), col(SEG), col(JourneyColumns.CUSTOMER_ID))
        .agg(min(col("_tau")).as("_tau"), first(col("_explicit_churn")).as("_explicit_churn"),
            first(col("_last_event")).as("_last_event"))
        .groupBy(col(MetricColumns.DIMENSION), col(SEG))
        .agg(count(when(churnedInWindow.or(survived), lit(1))).as("_base_customers"),
            count(when(churnedInWindow, lit(1))).as("_base_churned"));

    // Share of churned customers whose last touch (before churning) was here.
    Dataset<Row> lastTouch = touches.join(status.filter(col("_churn_time").isNotNull()), JourneyColumns.CUSTOMER_ID)
        .filter(col("_touch_time").leq(col("_churn_time")))
        .groupBy(col(MetricColumns.DIMENSION), col(SEG), col(JourneyColumns.CUSTOMER_ID))
        .agg(max_by(col(MetricColumns.NAME), col("_touch_time")).as(MetricColumns.NAME));
    Dataset<Row> shares = lastTouch.groupBy(keyColumns().toArray(Column[]::new)).agg(count(lit(1)).as("_last_of"))
        .join(lastTouch.groupBy(col(MetricColumns.DIMENSION), col(SEG)).agg(count(lit(1)).as("_churned_all")),
            toScala(List.of(MetricColumns.DIMENSION, SEG)))
        .select(col(MetricColumns.DIMENSION), col(MetricColumns.NAME), col(SEG),
            col("_last_of").divide(col("_churned_all")).as(MetricColumns.CHURN_LAST_TOUCH_SHARE));

    return rates.join(baseline, toScala(List.of(MetricColumns.DIMENSION, SEG)), "left")
        .join(shares, toScala(KEYS), "full_outer");
  }

  /** Churn after journeys that end at a touchpoint: the per-journey hazard. */
  private Dataset<Row> exitChurn(Dataset<Row> journeys, Dataset<Row> status, Timestamp churnCutoff) {
    long inactivity = settings.churnInactivity().toSeconds();
    WindowSpec byCustomer = Window.partitionBy(col(JourneyColumns.CUSTOMER_ID))
        .orderBy(col(JourneyColumns.START_TIME), col(JourneyColumns.JOURNEY_ID));
    Column lastTouch = call_function("get", col(JourneyColumns.TOUCHPOINTS),
        size(col(JourneyColumns.TOUCHPOINTS)).minus(1));
    Dataset<Row> withNext = journeys.filter(col(JourneyColumns.TOUCHES).gt(0))
        .withColumn("_next_start", lead(col(JourneyColumns.START_TIME), 1).over(byCustomer))
        .join(status, JourneyColumns.CUSTOMER_ID);
    Column endAt = call_function("unix_seconds", col(JourneyColumns.END_TIME));
    Column nextAt = call_function("unix_seconds", col("_next_start"));
    Column explicitAfter = col("_explicit_churn").geq(col(JourneyColumns.END_TIME))
        .and(col("_next_start").isNull().or(col("_explicit_churn").lt(col("_next_start"))));
    Column gap = col("_next_start").isNotNull().and(nextAt.minus(endAt).gt(inactivity));
    Column silent = col("_next_start").isNull().and(col(JourneyColumns.END_TIME).leq(lit(churnCutoff)));
    Column churned = coalesce(explicitAfter, lit(false)).or(gap).or(silent);
    // Known only once the inactivity period has passed after the journey, for churners and stayers alike.
    Column observed = col(JourneyColumns.END_TIME).leq(lit(churnCutoff));
    Dataset<Row> perJourney = withNext.select(
        col(JourneyColumns.SEGMENT), churned.as("_churned"), observed.as("_observed"),
        lastTouch.getField("touchpoint").as("touchpoint"), lastTouch.getField("channel").as("channel"),
        lastTouch.getField("stage").as("stage"));
    return byGroup(perJourney).groupBy(keyColumns().toArray(Column[]::new)).agg(
        count(when(col("_observed"), lit(1))).as(MetricColumns.EXIT_CHURN_JOURNEYS),
        count(when(col("_observed").and(col("_churned")), lit(1))).as("_exit_churned"));
  }

  // ---- Satisfaction. ----

  private Dataset<Row> satisfaction(Dataset<Row> events) {
    Column type = col(EventColumns.EVENT_TYPE);
    Column interaction = type.equalTo(EventColumns.TYPE_INTERACTION);
    WindowSpec history = Window.partitionBy(col(EventColumns.CUSTOMER_ID))
        .orderBy(col(EventColumns.EVENT_TIME), col(JourneyColumns.EVENT_SEQ))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> relevant = events.filter(interaction.or(type.equalTo(EventColumns.TYPE_SURVEY)));
    Dataset<Row> linked = relevant
        .withColumn("_prev_touchpoint", last(when(interaction, col(EventColumns.TOUCHPOINT)), true).over(history))
        .withColumn("_prev_channel", last(when(interaction, col(EventColumns.CHANNEL)), true).over(history))
        .withColumn("_prev_stage", last(when(interaction, col(EventColumns.STAGE)), true).over(history))
        .withColumn("_prev_time", last(when(interaction, col(EventColumns.EVENT_TIME)), true).over(history))
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
    Column exitChurned = coalesce(col("_exit_churned"), lit(0L));
    Column csatN = coalesce(col(MetricColumns.CSAT_RESPONSES), lit(0L));
    Column npsN = coalesce(col(MetricColumns.NPS_RESPONSES), lit(0L));
    Column promoters = coalesce(col("_promoters"), lit(0L));
    Column detractors = coalesce(col("_detractors"), lit(0L));
    Column conversionRate = ratio(conversions, journeys);
    Column rateWithout = ratio(withoutConversions, without);
    Column churnRate = ratio(churned, churnN);
    Column baseRate = ratio(col("_base_churned"), col("_base_customers"));

    // Figure groups: name -> (units it rests on, its columns).
    Map<String, Column> units = new LinkedHashMap<>();
    units.put("conversion", journeys);
    units.put("churn", churnN);
    units.put("exit_churn", exitN);
    units.put("satisfaction", csatN);
    units.put("nps", npsN);
    Map<String, List<String>> groupColumns = Map.of(
        "conversion", List.of(MetricColumns.CUSTOMERS, MetricColumns.JOURNEYS, MetricColumns.TOUCHES,
            MetricColumns.CONVERSIONS, MetricColumns.CONVERSION_RATE, MetricColumns.CONVERSION_RATE + "_low",
            MetricColumns.CONVERSION_RATE + "_high", MetricColumns.CONVERSION_RATE_WITHOUT, MetricColumns.LIFT,
            MetricColumns.LIFT + "_low", MetricColumns.LIFT + "_high", MetricColumns.LIFT_RATIO,
            MetricColumns.NEXT_STEP_CONVERSION_RATE, MetricColumns.NEXT_STEP_CONVERSION_RATE + "_low",
            MetricColumns.NEXT_STEP_CONVERSION_RATE + "_high", MetricColumns.CONVERSIONS_WITHIN_WINDOW,
            MetricColumns.MEDIAN_HOURS_TO_CONVERSION, MetricColumns.REVENUE, MetricColumns.REVENUE_PER_JOURNEY,
            MetricColumns.EXIT_RATE, MetricColumns.EXIT_RATE + "_low", MetricColumns.EXIT_RATE + "_high",
            MetricColumns.REPEAT_RATE, MetricColumns.TOUCHES_PER_JOURNEY),
        "churn", List.of(MetricColumns.CHURN_CUSTOMERS, MetricColumns.CHURNED_CUSTOMERS, MetricColumns.CHURN_RATE,
            MetricColumns.CHURN_RATE + "_low", MetricColumns.CHURN_RATE + "_high", MetricColumns.CHURN_RELATIVE_RISK,
            MetricColumns.CHURN_LAST_TOUCH_SHARE),
        "exit_churn", List.of(MetricColumns.EXIT_CHURN_JOURNEYS, MetricColumns.EXIT_CHURN_RATE,
            MetricColumns.EXIT_CHURN_RATE + "_low", MetricColumns.EXIT_CHURN_RATE + "_high"),
        "satisfaction", List.of(MetricColumns.RESPONSES, MetricColumns.CSAT_RESPONSES, MetricColumns.CSAT_MEAN,
            MetricColumns.CSAT_MEAN + "_low", MetricColumns.CSAT_MEAN + "_high", MetricColumns.SATISFIED_SHARE,
            MetricColumns.SATISFIED_SHARE + "_low", MetricColumns.SATISFIED_SHARE + "_high"),
        "nps", List.of(MetricColumns.NPS_RESPONSES, MetricColumns.NPS, MetricColumns.NPS + "_low",
            MetricColumns.NPS + "_high"));

    Map<String, Column> figures = new LinkedHashMap<>();
    figures.put(MetricColumns.CUSTOMERS, coalesce(col(MetricColumns.CUSTOMERS), lit(0L)));
    figures.put(MetricColumns.JOURNEYS, journeys);
    figures.put(MetricColumns.TOUCHES, touches);
    figures.put(MetricColumns.CONVERSIONS, conversions);
    figures.put(MetricColumns.CONVERSION_RATE, conversionRate);
    figures.put(MetricColumns.CONVERSION_RATE + "_low", wilsonLow(conversions, journeys, z));
    figures.put(MetricColumns.CONVERSION_RATE + "_high", wilsonHigh(conversions, journeys, z));
    figures.put(MetricColumns.CONVERSION_RATE_WITHOUT, rateWithout);
    figures.put(MetricColumns.LIFT, conversionRate.minus(rateWithout));
    figures.put(MetricColumns.LIFT + "_low", differenceBound(conversions, journeys, withoutConversions, without, z,
        false));
    figures.put(MetricColumns.LIFT + "_high", differenceBound(conversions, journeys, withoutConversions, without, z,
        true));
    figures.put(MetricColumns.LIFT_RATIO, when(rateWithout.gt(0), conversionRate.divide(rateWithout)));
    Column nextConversions = coalesce(col("_next_conversions"), lit(0L));
    figures.put(MetricColumns.NEXT_STEP_CONVERSION_RATE, ratio(nextConversions, touches));
    figures.put(MetricColumns.NEXT_STEP_CONVERSION_RATE + "_low", wilsonLow(nextConversions, touches, z));
    figures.put(MetricColumns.NEXT_STEP_CONVERSION_RATE + "_high", wilsonHigh(nextConversions, touches, z));
    figures.put(MetricColumns.CONVERSIONS_WITHIN_WINDOW, coalesce(col(MetricColumns.CONVERSIONS_WITHIN_WINDOW),
        lit(0L)));
    figures.put(MetricColumns.MEDIAN_HOURS_TO_CONVERSION, col(MetricColumns.MEDIAN_HOURS_TO_CONVERSION));
    figures.put(MetricColumns.REVENUE, col(MetricColumns.REVENUE));
    figures.put(MetricColumns.REVENUE_PER_JOURNEY, when(journeys.gt(0),
        coalesce(col(MetricColumns.REVENUE), lit(0)).cast("double").divide(journeys)));
    Column exits = coalesce(col("_exits"), lit(0L));
    figures.put(MetricColumns.EXIT_RATE, ratio(exits, journeys));
    figures.put(MetricColumns.EXIT_RATE + "_low", wilsonLow(exits, journeys, z));
    figures.put(MetricColumns.EXIT_RATE + "_high", wilsonHigh(exits, journeys, z));
    figures.put(MetricColumns.REPEAT_RATE, ratio(coalesce(col("_repeats"), lit(0L)), journeys));
    figures.put(MetricColumns.TOUCHES_PER_JOURNEY, ratio(touches, journeys));
    figures.put(MetricColumns.CHURN_CUSTOMERS, churnN);
    figures.put(MetricColumns.CHURNED_CUSTOMERS, churned);
    figures.put(MetricColumns.CHURN_RATE, churnRate);
    figures.put(MetricColumns.CHURN_RATE + "_low", wilsonLow(churned, churnN, z));
    figures.put(MetricColumns.CHURN_RATE + "_high", wilsonHigh(churned, churnN, z));
    figures.put(MetricColumns.CHURN_RELATIVE_RISK, when(baseRate.gt(0), churnRate.divide(baseRate)));
    figures.put(MetricColumns.CHURN_LAST_TOUCH_SHARE, coalesce(col(MetricColumns.CHURN_LAST_TOUCH_SHARE), lit(0.0)));
    figures.put(MetricColumns.EXIT_CHURN_JOURNEYS, exitN);
    figures.put(MetricColumns.EXIT_CHURN_RATE, ratio(exitChurned, exitN));
    figures.put(MetricColumns.EXIT_CHURN_RATE + "_low", wilsonLow(exitChurned, exitN, z));
    figures.put(MetricColumns.EXIT_CHURN_RATE + "_high", wilsonHigh(exitChurned, exitN, z));
    Column csatMean = col(MetricColumns.CSAT_MEAN);
    Column satisfied = coalesce(col("_satisfied"), lit(0L));
    figures.put(MetricColumns.RESPONSES, coalesce(col(MetricColumns.RESPONSES), lit(0L)));
    figures.put(MetricColumns.CSAT_RESPONSES, csatN);
    figures.put(MetricColumns.CSAT_MEAN, csatMean);
    figures.put(MetricColumns.CSAT_MEAN + "_low", meanBound(csatMean, col("_csat_sd"), csatN, z, false));
    figures.put(MetricColumns.CSAT_MEAN + "_high", meanBound(csatMean, col("_csat_sd"), csatN, z, true));
    figures.put(MetricColumns.SATISFIED_SHARE, ratio(satisfied, csatN));
    figures.put(MetricColumns.SATISFIED_SHARE + "_low", wilsonLow(satisfied, csatN, z));
    figures.put(MetricColumns.SATISFIED_SHARE + "_high", wilsonHigh(satisfied, csatN, z));
    figures.put(MetricColumns.NPS_RESPONSES, npsN);
    figures.put(MetricColumns.NPS, npsScore(promoters, detractors, npsN));
    figures.put(MetricColumns.NPS + "_low", npsBound(promoters, detractors, npsN, z, false));
    figures.put(MetricColumns.NPS + "_high", npsBound(promoters, detractors, npsN, z, true));

    List<Column> flags = new ArrayList<>();
    units.forEach((group, n) -> flags.add(when(n.lt(settings.minCell()), lit(group))));
    Column lowSample = filter(array(flags.toArray(Column[]::new)), Column::isNotNull);

    List<Column> out = new ArrayList<>();
    out.add(col(MetricColumns.DIMENSION));
    out.add(col(MetricColumns.NAME));
    out.add(when(col(SEG).notEqual(ALL_SEGMENTS), col(SEG)).as(MetricColumns.SEGMENT));
    figures.forEach((name, value) -> {
      Column figure = value;
      if (settings.suppressSmallCells()) {
        for (Map.Entry<String, List<String>> g : groupColumns.entrySet()) {
          if (g.getValue().contains(name)) {
            figure = when(units.get(g.getKey()).geq(settings.minCell()), value);
          }
        }
      }
      out.add(figure.as(name));
    });
    out.add(lowSample.as(MetricColumns.LOW_SAMPLE));
    return all.select(out.toArray(Column[]::new));
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
