package io.touchpoints.effects;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.touchpoints.input.EventColumns;
import io.touchpoints.journey.JourneyColumns;
import io.touchpoints.pipeline.TaskPartitions;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * The units of the effect estimates: one row per journey whose horizon has passed before the data's end, with its
 * exposure (the distinct touchpoints of its exposure window), its outcomes and its covariates measured at its start.
 *
 * <p>Exposure window: from the start to the earlier of the conversion and start + horizon. Conversion outcome: the
 * journey converts within the horizon. Churn outcome (as in metrics): the customer has an explicit churn event, or
 * their last event when silent for churn_inactivity before the data's end, within churn_window after the start;
 * known only when churn_window + churn_inactivity have passed since the start (else null). A journey is a unit only
 * when start + horizon is before the data's end, converted or not: keeping the late journeys that converted early
 * would select on the outcome.
 *
 * <p>Covariates, the same for treated and control journeys: the customer's attributes (numeric: value and a missing
 * indicator; categorical: an indicator for each of its {@value #MAX_LEVELS} most frequent values), the history
 * before the start (prior journeys, prior conversions, days since first seen, last CSAT and NPS before the start with
 * missing indicators), and the start's month and weekday (indicators) and hour (on a circle). The journey's first
 * touchpoint is kept apart ({@link #FIRST_TOUCHPOINT}): it becomes indicators per treatment, without the treatment's
 * own. Touches between the start and the treatment are not adjusted for (time-varying confounding is out of scope).
 */
final class JourneyUnits {

  static final String TREATMENTS = "_treatments";
  static final String FIRST_TOUCHPOINT = "_first_touchpoint";
  static final String FOLD = "_fold";
  static final String BASE = "_covariates";
  /** Outcome column of each outcome: 1.0 / 0.0, null when not known. */
  static final String CONVERSION = "_y_conversion";
  static final String CHURN = "_y_churn";
  static final int MAX_LEVELS = 20;
  /** Name prefixes of the covariates that describe the journey's start (calendar), not the customer. */
  static final List<String> CALENDAR = List.of("month_", "weekday_", "hour_");

  private static final String START_S = "_start_s";
  /** True on the row of a customer's next journey ({@link #buildWithNext}); false on the journeys of the data. */
  static final String NEXT = "_next";
  private static final String PAST_END = "_past_end";

  /**
   * @param cached every journey: customer_id, journey_id, the exposure, first touchpoint, outcomes, covariates,
   *     fold, and whether its horizon runs past the data's end; the caller unpersists it
   * @param covariates names of the entries of {@link #BASE}, in order
   * @param journeys journeys in the input
   * @param pastDataEnd journeys left out because their horizon runs past the data's end
   * @param churnUnknown units whose churn outcome is not known yet
   */
  record Units(Dataset<Row> cached, List<String> covariates, long journeys, long pastDataEnd, long churnUnknown) {
    /** The units: journeys whose horizon has passed. */
    Dataset<Row> rows() {
      return inTasks().filter(not(col(PAST_END))).drop(PAST_END);
    }

    /** The units and the next journeys. */
    Dataset<Row> rowsAndNext() {
      return inTasks().filter(not(col(PAST_END)).or(col(NEXT))).drop(PAST_END);
    }

    /** The next journey of every customer, as of the data's end (only from {@link #buildWithNext}). */
    Dataset<Row> next() {
      return inTasks().filter(col(NEXT)).drop(PAST_END);
    }

    /** The cached rows in as few tasks as their count needs: every model fit reads them many times. */
    private Dataset<Row> inTasks() {
      return TaskPartitions.inTasks(cached, journeys);
    }
  }

  private JourneyUnits() {}

  static String outcomeColumn(String outcome) {
    return outcome.equals(EffectColumns.CONVERSION) ? CONVERSION : CHURN;
  }

  /** Builds and caches the units; the caller unpersists {@link Units#cached()}. */
  static Units build(Dataset<Row> journeys, Dataset<Row> events, Dataset<Row> customers, EffectsSettings settings) {
    return build(journeys, events, customers, settings, false);
  }

  /**
   * {@link #build} plus one row per customer for their next journey: it starts a second after the data's end, so
   * its covariates are the customer's whole history as of the run; its first touchpoint (unknown yet) is taken to be
   * that of the customer's latest journey; no exposure, no outcome. These rows are not units (their horizon is past
   * the data's end) and are not counted.
   */
  static Units buildWithNext(Dataset<Row> journeys, Dataset<Row> events, Dataset<Row> customers,
      EffectsSettings settings) {
    return build(journeys, events, customers, settings, true);
  }

  private static Units build(Dataset<Row> journeys, Dataset<Row> events, Dataset<Row> customers,
      EffectsSettings settings, boolean withNext) {
    Row end = events.agg(max(col(EventColumns.EVENT_TIME)).cast(DataTypes.LongType)).first();
    long dataEnd = end.isNullAt(0) ? 0 : end.getLong(0);
    long horizon = settings.horizon().toSeconds();
    long churnWindow = settings.churnWindow().toSeconds();
    long inactivity = settings.churnInactivity().toSeconds();

    Column start = col(START_S);
    Column conversion = col(JourneyColumns.CONVERSION_TIME).cast(DataTypes.LongType);
    Column windowEnd = least(coalesce(col("_conversion_s"), start.plus(horizon)), start.plus(horizon));
    Column touches = coalesce(col(JourneyColumns.TOUCHPOINTS), array());
    Dataset<Row> units = journeys
        .select(col(JourneyColumns.CUSTOMER_ID), col(JourneyColumns.JOURNEY_ID), col(JourneyColumns.START_TIME),
            col(JourneyColumns.START_TIME).cast(DataTypes.LongType).as(START_S), touches.as("_touches"),
            conversion.as("_conversion_s"), coalesce(col(JourneyColumns.CONVERTED), lit(false)).as("_converted"))
        .filter(start.isNotNull().and(col(JourneyColumns.CUSTOMER_ID).isNotNull()))
        .withColumn(TREATMENTS, array_distinct(transform(
            filter(col("_touches"), t -> t.getField(EventColumns.EVENT_TIME).cast(DataTypes.LongType).leq(windowEnd)),
            t -> t.getField(EventColumns.TOUCHPOINT))))
        .withColumn(FIRST_TOUCHPOINT,
            when(size(col("_touches")).gt(0), element_at(col("_touches"), 1).getField(EventColumns.TOUCHPOINT)))
        .withColumn(CONVERSION, when(col("_conversion_s").leq(start.plus(horizon)), 1.0).otherwise(0.0))
        .withColumn(PAST_END, start.plus(horizon).gt(dataEnd))
        .withColumn(NEXT, lit(false));
    if (withNext) {
      long nextStart = dataEnd + 1;
      Dataset<Row> next = units.groupBy(col(JourneyColumns.CUSTOMER_ID))
          .agg(max_by(col(FIRST_TOUCHPOINT), struct(col(START_S), col(JourneyColumns.JOURNEY_ID))).as(FIRST_TOUCHPOINT))
          .select(col(JourneyColumns.CUSTOMER_ID), lit(NEXT).as(JourneyColumns.JOURNEY_ID),
              lit(nextStart).cast(DataTypes.TimestampType).as(JourneyColumns.START_TIME), lit(nextStart).as(START_S),
              lit(null).cast(units.schema().apply("_touches").dataType()).as("_touches"),
              lit(null).cast(DataTypes.LongType).as("_conversion_s"), lit(false).as("_converted"),
              array().cast(units.schema().apply(TREATMENTS).dataType()).as(TREATMENTS), col(FIRST_TOUCHPOINT),
              lit(0.0).as(CONVERSION), lit(true).as(PAST_END), lit(true).as(NEXT));
      units = units.unionByName(next);
    }

    // History before the start, from the customer's earlier journeys.
    WindowSpec before = Window.partitionBy(JourneyColumns.CUSTOMER_ID)
        .orderBy(col(START_S), col(JourneyColumns.JOURNEY_ID))
        .rowsBetween(Window.unboundedPreceding(), -1);
    units = units
        .withColumn("_prior_journeys", count(lit(1)).over(before).cast(DataTypes.DoubleType))
        .withColumn("_prior_conversions",
            coalesce(sum(when(col("_converted"), 1.0).otherwise(0.0)).over(before), lit(0.0)));

    units = units.join(customerStatus(events), JourneyColumns.CUSTOMER_ID, "left");
    Column churnEvent = exists(coalesce(col("_churn_times"), array()),
        c -> c.geq(start).and(c.leq(start.plus(churnWindow))));
    Column last = col("_last_s");
    Column silentChurn = last.geq(start).and(last.leq(start.plus(churnWindow))).and(last.leq(dataEnd - inactivity));
    Column churnKnown = start.plus(churnWindow + inactivity).leq(dataEnd);
    units = units.withColumn(CHURN,
        when(churnKnown, when(churnEvent.or(silentChurn), 1.0).otherwise(0.0)));
    Column priorSurveys = filter(array_sort(coalesce(col("_surveys"), array())), s -> s.getField("t").lt(start));
    Column lastSurvey = when(size(priorSurveys).gt(0), element_at(priorSurveys, -1));
    units = units.withColumn("_last_csat", lastSurvey.getField(EventColumns.CSAT).cast(DataTypes.DoubleType))
        .withColumn("_last_nps", lastSurvey.getField(EventColumns.NPS).cast(DataTypes.DoubleType));

    List<String> names = new ArrayList<>();
    List<Column> values = new ArrayList<>();
    add(names, values, "prior_journeys", col("_prior_journeys"));
    add(names, values, "prior_conversions", col("_prior_conversions"));
    add(names, values, "days_since_first_seen",
        coalesce(start.minus(col("_first_s")).divide(86_400.0), lit(0.0)));
    numeric(names, values, "last_csat", col("_last_csat"));
    numeric(names, values, "last_nps", col("_last_nps"));
    for (int m = 2; m <= 12; m++) {
      add(names, values, CALENDAR.get(0) + m, indicator(month(col(JourneyColumns.START_TIME)).equalTo(m)));
    }
    for (int d = 2; d <= 7; d++) {
      add(names, values, CALENDAR.get(1) + d, indicator(dayofweek(col(JourneyColumns.START_TIME)).equalTo(d)));
    }
    Column angle = hour(col(JourneyColumns.START_TIME)).multiply(2 * Math.PI / 24);
    add(names, values, CALENDAR.get(2) + "sin", sin(angle));
    add(names, values, CALENDAR.get(2) + "cos", cos(angle));

    if (customers != null) {
      Dataset<Row> attributes = customers.withColumnRenamed(EventColumns.CUSTOMER_ID, "_attr_customer");
      units = units.join(attributes, units.col(JourneyColumns.CUSTOMER_ID).equalTo(attributes.col("_attr_customer")),
          "left");
      for (StructField f : customers.schema().fields()) {
        if (f.name().equals(EventColumns.CUSTOMER_ID)) {
          continue;
        }
        Column value = col("`" + f.name() + "`");
        if (f.dataType() instanceof NumericType) {
          numeric(names, values, f.name(), value.cast(DataTypes.DoubleType));
        } else {
          add(names, values, f.name() + "_missing", indicator(value.isNull()));
          for (Row level : customers.groupBy(value.as("v")).count().filter(col("v").isNotNull())
              .orderBy(col("count").desc(), col("v")).limit(MAX_LEVELS).collectAsList()) {
            String v = level.get(0).toString();
            add(names, values, f.name() + "=" + v, indicator(value.cast(DataTypes.StringType).equalTo(v)));
          }
        }
      }
    }

    Dataset<Row> built = units
        .withColumn(BASE, array(values.toArray(Column[]::new)))
        .withColumn(FOLD, pmod(xxhash64(lit(settings.seed()), col(JourneyColumns.CUSTOMER_ID)),
            lit(settings.folds())).cast(DataTypes.IntegerType))
        .select(col(JourneyColumns.CUSTOMER_ID), col(JourneyColumns.JOURNEY_ID), col(TREATMENTS),
            col(FIRST_TOUCHPOINT), col(CONVERSION), col(CHURN), col(BASE), col(FOLD), col(PAST_END), col(NEXT))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Column data = not(col(NEXT));
    Row counts = built.agg(sum(when(data, 1L).otherwise(0L)), sum(when(data.and(col(PAST_END)), 1).otherwise(0)),
        sum(when(not(col(PAST_END)).and(col(CHURN).isNull()), 1).otherwise(0))).first();
    return new Units(built, names, counts.isNullAt(0) ? 0 : counts.getLong(0),
        counts.isNullAt(1) ? 0 : counts.getLong(1), counts.isNullAt(2) ? 0 : counts.getLong(2));
  }

  /** Per customer: first and last event (seconds), explicit churn times, and surveys (time, csat, nps). */
  private static Dataset<Row> customerStatus(Dataset<Row> events) {
    Column time = col(EventColumns.EVENT_TIME).cast(DataTypes.LongType);
    Column type = col(EventColumns.EVENT_TYPE);
    return events.filter(col(EventColumns.CUSTOMER_ID).isNotNull().and(time.isNotNull()))
        .groupBy(col(EventColumns.CUSTOMER_ID))
        .agg(min(time).as("_first_s"), max(time).as("_last_s"),
            collect_list(when(type.equalTo(EventColumns.TYPE_CHURN), time)).as("_churn_times"),
            collect_list(when(type.equalTo(EventColumns.TYPE_SURVEY), struct(time.as("t"),
                col(EventColumns.CSAT).as(EventColumns.CSAT), col(EventColumns.NPS).as(EventColumns.NPS))))
                .as("_surveys"));
  }

  private static void numeric(List<String> names, List<Column> values, String name, Column value) {
    add(names, values, name, coalesce(value, lit(0.0)));
    add(names, values, name + "_missing", indicator(value.isNull()));
  }

  private static Column indicator(Column condition) {
    return when(condition, 1.0).otherwise(0.0);
  }

  private static void add(List<String> names, List<Column> values, String name, Column value) {
    names.add(name);
    values.add(value.cast(DataTypes.DoubleType));
  }
}
