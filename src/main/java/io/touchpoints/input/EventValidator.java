package io.touchpoints.input;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.config.JobConfig;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Types and checks the canonical text columns from {@link EventReader}, and splits rows into clean events and
 * quarantine. Nothing is dropped: every row is either clean or quarantined with its reasons and raw record.
 *
 * <p>Narrow (no shuffle). Settings: {@code touchpoints.validation.*} (ranges, future tolerance) and
 * {@code touchpoints.taxonomy} (channel and stage of events that carry none).
 */
public final class EventValidator {

  /** All problems of a row, in {@link QuarantineReason} order; empty for a clean row. */
  public static final String REASONS = "reasons";
  /**
   * Whether a row has a problem: what selects the quarantined rows. Spark moves the test into the scan, where it runs
   * as generated code (the quarantine of 1M rows: 0.7 s, against 2.4 s testing the size of {@link #REASONS}).
   */
  private static final String PROBLEM = "_problem";
  /** The first of {@link #REASONS}: the code a quarantined row is filed under. */
  public static final String REASON = "reason";

  private final JobConfig.ValidationSettings settings;
  private final Map<String, JobConfig.Taxonomy> taxonomy;
  private final LocalDate runDate;
  private final Timestamp lateLimit;

  public EventValidator(JobConfig.ValidationSettings settings, Map<String, JobConfig.Taxonomy> taxonomy,
      LocalDate runDate) {
    this.settings = settings;
    this.taxonomy = taxonomy;
    this.runDate = runDate;
    this.lateLimit = null;
  }

  private EventValidator(EventValidator base, Timestamp lateLimit) {
    this.settings = base.settings;
    this.taxonomy = base.taxonomy;
    this.runDate = base.runDate;
    this.lateLimit = lateLimit;
  }

  /**
   * A validator that also quarantines events earlier than the start (UTC) of {@code earliestDay} as
   * {@link QuarantineReason#TOO_LATE} (incremental runs).
   */
  public EventValidator withEarliestDay(LocalDate earliestDay) {
    return new EventValidator(this, Timestamp.from(earliestDay.atStartOfDay(ZoneOffset.UTC).toInstant()));
  }

  /**
   * Adds the typed canonical columns, {@link #REASONS} and the test that selects the quarantine; keeps the
   * bookkeeping columns.
   */
  public Dataset<Row> validate(Dataset<Row> raw) {
    Column malformed = col(EventReader.MALFORMED);
    Column eventType = lower(coalesce(col(EventColumns.EVENT_TYPE), lit(EventColumns.TYPE_INTERACTION)));
    Column revenueText = col(EventColumns.REVENUE);
    Column csat = wholeNumber(EventColumns.CSAT);
    Column nps = wholeNumber(EventColumns.NPS);
    Timestamp futureLimit = Timestamp.from(runDate.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()
        .plus(settings.maxFuture()));
    Timestamp minTime = Timestamp.from(settings.minTime().atStartOfDay(ZoneOffset.UTC).toInstant());
    Column time = col(EventReader.PARSED_TIME);

    Dataset<Row> typed = raw
        .withColumn(EventColumns.EVENT_TYPE, eventType)
        .withColumn("_revenue", tryCast(EventColumns.REVENUE, EventColumns.REVENUE_TYPE.sql()))
        .withColumn("_csat", csat)
        .withColumn("_nps", nps);

    List<Column> checks = new ArrayList<>();
    Column problem = lit(false);
    for (QuarantineReason reason : QuarantineReason.values()) {
      Column failed = switch (reason) {
        case MALFORMED_RECORD -> malformed.and(col(EventReader.LINE_FRAGMENT).unary_$bang());
        case LINE_FRAGMENT -> col(EventReader.LINE_FRAGMENT);
        case INVALID_ENCODING -> col(EventReader.INVALID_ENCODING);
        case MISSING_CUSTOMER -> col(EventColumns.CUSTOMER_ID).isNull().and(col(EventColumns.ANONYMOUS_ID).isNull());
        // The reader's flag, not the text: a typed time is never formatted as text just to be checked.
        case MISSING_TIME -> col(EventReader.TIME_GIVEN).unary_$bang();
        case UNPARSEABLE_TIME -> col(EventReader.TIME_GIVEN).and(time.isNull());
        case MISSING_TOUCHPOINT -> col(EventColumns.TOUCHPOINT).isNull();
        case UNKNOWN_EVENT_TYPE -> col(EventColumns.EVENT_TYPE).isin(EventColumns.EVENT_TYPES.toArray()).unary_$bang();
        case INVALID_NUMBER -> notANumber(EventColumns.REVENUE)
            .or(notANumber(EventColumns.CSAT).or(fraction(EventColumns.CSAT)))
            .or(notANumber(EventColumns.NPS).or(fraction(EventColumns.NPS)));
        // A number, but too large for its column: quarantined, never stored as null.
        case NUMBER_OUT_OF_RANGE -> revenueText.isNotNull().and(notANumber(EventColumns.REVENUE).unary_$bang())
            .and(col("_revenue").isNull())
            .or(beyond(EventColumns.CSAT, INT_LIMIT)).or(beyond(EventColumns.NPS, INT_LIMIT));
        case TIME_OUT_OF_RANGE -> time.lt(lit(minTime));
        case CSAT_OUT_OF_RANGE -> col("_csat").lt(settings.csatMin()).or(col("_csat").gt(settings.csatMax()));
        case NPS_OUT_OF_RANGE -> col("_nps").lt(settings.npsMin()).or(col("_nps").gt(settings.npsMax()));
        case NEGATIVE_REVENUE -> col("_revenue").lt(0);
        case FUTURE_TIME -> time.gt(lit(futureLimit));
        case TOO_LATE -> lateLimit == null ? lit(false) : time.lt(lit(lateLimit));
      };
      // A malformed line has no trustworthy fields: it is filed under that reason alone.
      boolean lineLevel = reason == QuarantineReason.MALFORMED_RECORD || reason == QuarantineReason.LINE_FRAGMENT
          || reason == QuarantineReason.INVALID_ENCODING;
      Column applies = coalesce(lineLevel ? failed : malformed.unary_$bang().and(failed), lit(false));
      checks.add(when(applies, lit(reason.name())));
      problem = problem.or(applies);
    }
    // A lambda, which Spark evaluates without generated code: that splits the clean rows' read, check and typing
    // into two generated methods. As one (with array_remove) it was 8.8 kB of bytecode, over the 8 kB the JIT
    // compiles, and typing 1M clean rows took 6.2 s instead of 1.8 s.
    Column reasons = filter(array(checks.toArray(Column[]::new)), Column::isNotNull);
    return typed
        .withColumn(REASONS, reasons)
        .withColumn(PROBLEM, problem)
        .withColumn(EventColumns.EVENT_TIME, time)
        .withColumn(EventColumns.REVENUE, col("_revenue"))
        .withColumn(EventColumns.CSAT, col("_csat"))
        .withColumn(EventColumns.NPS, col("_nps"))
        .drop("_revenue", "_csat", "_nps", EventReader.PARSED_TIME, EventReader.TIME_GIVEN,
            EventReader.INVALID_ENCODING, EventReader.LINE_FRAGMENT);
  }

  /** Rows with at least one problem: reason, reasons, source file and the raw record. */
  public static Dataset<Row> quarantine(Dataset<Row> validated) {
    return validated
        .filter(col(PROBLEM))
        .select(
            element_at(col(REASONS), 1).as(REASON),
            col(REASONS),
            col(EventColumns.SOURCE_FILE),
            col(EventColumns.RAW_RECORD),
            col(EventColumns.RAW_BYTES));
  }

  /**
   * One line per quarantine reason that a setting of the mapping would fix, with its count: for the end-of-run
   * summary. Collects one row per reason (a handful).
   */
  public static List<String> hints(Dataset<Row> quarantine) {
    List<String> lines = new ArrayList<>();
    for (Row r : quarantine.groupBy(REASON).count().collectAsList()) {
      String reason = r.getString(0);
      long n = r.getLong(1);
      if (QuarantineReason.INVALID_ENCODING.name().equals(reason)) {
        lines.add(n + " rows quarantined as INVALID_ENCODING: their bytes are not valid UTF-8 (kept in raw_bytes). "
            + "If the files use another character set, name it in the mapping: encoding = \"ISO-8859-1\" "
            + "(or windows-1252, ...).");
      } else if (QuarantineReason.LINE_FRAGMENT.name().equals(reason)) {
        lines.add(n + " rows quarantined as LINE_FRAGMENT: pieces of records whose quoted fields span lines. Read "
            + "such files with the mapping's options { multiLine = true }.");
      }
    }
    return lines;
  }

  /** Rows without problems, typed, with channel and stage filled from the taxonomy where missing. */
  public Dataset<Row> clean(Dataset<Row> validated) {
    Column channel = col(EventColumns.CHANNEL);
    Column stage = col(EventColumns.STAGE);
    if (!taxonomy.isEmpty()) {
      List<Column> channels = new ArrayList<>();
      List<Column> stages = new ArrayList<>();
      taxonomy.forEach((touchpoint, t) -> {
        channels.add(lit(touchpoint));
        channels.add(lit(t.channel()));
        stages.add(lit(touchpoint));
        stages.add(lit(t.stage()));
      });
      Column touchpoint = col(EventColumns.TOUCHPOINT);
      channel = coalesce(channel, call_function("try_element_at", map(channels.toArray(Column[]::new)), touchpoint));
      stage = coalesce(stage, call_function("try_element_at", map(stages.toArray(Column[]::new)), touchpoint));
    }
    List<Column> out = new ArrayList<>();
    for (String name : EventColumns.NAMES) {
      Column c = switch (name) {
        case EventColumns.CHANNEL -> channel;
        case EventColumns.STAGE -> stage;
        default -> col(name);
      };
      out.add(c.cast(EventColumns.SCHEMA.apply(name).dataType()).as(name));
    }
    out.add(col(EventColumns.SOURCE_FILE));
    out.add(col(EventColumns.INPUT_ORDER));
    return validated.filter(size(col(REASONS)).equalTo(0)).select(out.toArray(Column[]::new));
  }

  /** Text present that is no number at all ("four", "NaN"). */
  private static Column notANumber(String textColumn) {
    Column d = tryCast(textColumn, "double");
    return col(textColumn).isNotNull().and(d.isNull().or(isnan(d)));
  }

  /** A number within int range that is not whole ("4.5"). */
  private static Column fraction(String textColumn) {
    Column d = tryCast(textColumn, "double");
    return expr("abs(" + "try_cast(`" + textColumn + "` as double)) < " + INT_LIMIT).and(d.notEqual(floor(d)));
  }

  /** A number (possibly infinite) at least {@code limit} in size: more than its column's type holds. */
  private static Column beyond(String textColumn, double limit) {
    Column d = tryCast(textColumn, "double");
    return isnan(d).unary_$bang().and(expr("abs(try_cast(`" + textColumn + "` as double))").geq(limit));
  }

  /** Smallest size an int cannot hold. */
  private static final double INT_LIMIT = 2147483648d;

  /** A whole number, or null for text that is not one ("4.5", "four"). */
  private static Column wholeNumber(String textColumn) {
    Column d = tryCast(textColumn, "double");
    return when(d.isNotNull().and(isnan(d).unary_$bang()).and(d.equalTo(floor(d)))
        .and(d.between(-2147483648d, 2147483647d)), d.cast(DataTypes.IntegerType));
  }

  /** try_cast: null instead of an error for bad text, also under ANSI mode. */
  private static Column tryCast(String column, String sqlType) {
    return expr("try_cast(`" + column + "` as " + sqlType + ")");
  }
}
