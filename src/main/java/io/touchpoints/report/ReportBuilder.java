package io.touchpoints.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.attribution.AttributionColumns;
import io.touchpoints.effects.EffectColumns;
import io.touchpoints.journey.JourneyColumns;
import io.touchpoints.metrics.MetricColumns;
import io.touchpoints.metrics.MetricFigure;
import io.touchpoints.model.ModelColumns;
import io.touchpoints.pipeline.InputException;
import io.touchpoints.pipeline.StageResult;
import io.touchpoints.recommend.RecommendColumns;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the job's Delta tables under one output folder, for one run date (the newest by default), and collects the
 * small aggregates the report shows into a {@link ReportData}: the run's stages, journey totals, quarantine reasons
 * and path lengths (grouped in Spark), the touchpoint scorecard, the attribution credits, the top first-order
 * transitions, the model metrics when the model stage ran, and the causal effects and the uplift evaluation when
 * the effects and recommend stages ran. Nothing per customer or per journey reaches the driver; every collect is
 * bounded by the number of touchpoints, models, stages, candidates or a fixed top N. A table that the run did not
 * write leaves its section empty.
 */
public final class ReportBuilder {

  /** The longest path length shown on its own; longer paths are counted in this bucket. */
  static final int MAX_PATH_LENGTH = 15;

  private final SparkSession spark;
  private final DeltaTables tables;
  private final String output;
  private int topTransitions = 40;
  private int topPaths = 10;

  public ReportBuilder(SparkSession spark, String output) {
    this.spark = spark;
    this.output = output;
    this.tables = new DeltaTables(spark, output);
  }

  /** How many first-order transitions the flow diagram shows (the largest). */
  public ReportBuilder topTransitions(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("topTransitions must be at least 1, got " + n);
    }
    this.topTransitions = n;
    return this;
  }

  public ReportBuilder topPaths(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("topPaths must be at least 1, got " + n);
    }
    this.topPaths = n;
    return this;
  }

  /** The newest run date of the journeys table, else of the attribution table (a run from a path file). */
  public LocalDate latestRunDate() {
    for (String table : List.of(TableNames.JOURNEYS, TableNames.ATTRIBUTION, TableNames.TOUCHPOINT_METRICS)) {
      if (tables.exists(table)) {
        Optional<LocalDate> date = tables.latestRunDate(table);
        if (date.isPresent()) {
          return date.get();
        }
      }
    }
    throw new InputException("no journeys, attribution or touchpoint_metrics table with rows under " + output
        + " (run `touchpoints run` first)");
  }

  /** The report's figures for {@code runDate} (null: the newest), its stages from the runs ledger's newest run. */
  public ReportData build(LocalDate runDate) {
    LocalDate date = runDate != null ? runDate : latestRunDate();
    return build(date, stages(date));
  }

  /** The report's figures for {@code date}, with the stages of a run given (the run in progress). */
  public ReportData build(LocalDate date, List<ReportData.Stage> stages) {
    return new ReportData(output, date, stages, journeySummary(date), quarantineReasons(date), pathLengths(date),
        topPaths(date), scorecard(date), attribution(date), transitions(date), modelMetrics(date), effects(date),
        upliftMetrics(date));
  }

  /** The table's rows of {@code date}, when the table exists. */
  public Optional<Dataset<Row>> rows(String table, LocalDate date) {
    return tables.exists(table) ? Optional.of(tables.readRunDate(table, date)) : Optional.empty();
  }

  private List<ReportData.Stage> stages(LocalDate date) {
    Optional<Dataset<Row>> runs = rows(TableNames.RUNS, date);
    if (runs.isEmpty()) {
      return List.of();
    }
    Row newest = runs.get().orderBy(col("started_at").desc_nulls_last()).select("run_id").limit(1)
        .collectAsList().stream().findFirst().orElse(null);
    if (newest == null) {
      return List.of();
    }
    List<ReportData.Stage> out = new ArrayList<>();
    // The run's started row is superseded by its last row.
    for (Row r : runs.get().filter(col("run_id").equalTo(newest.getString(0))
            .and(col("status").notEqual(StageResult.STARTED))).orderBy(col("started_at"))
        .select("run_id", "command", "stage", "status", "seconds", "rows_in", "rows_out", "rows_quarantined",
            "rows_duplicate", "message")
        .collectAsList()) {
      out.add(new ReportData.Stage(r.getString(0), r.getString(1), r.getString(2), r.getString(3), dbl(r, 4),
          lng(r, 5), lng(r, 6), lng(r, 7), lng(r, 8), r.getString(9)));
    }
    return out;
  }

  private ReportData.JourneySummary journeySummary(LocalDate date) {
    Optional<Dataset<Row>> journeys = rows(TableNames.JOURNEYS, date);
    if (journeys.isEmpty()) {
      return null;
    }
    Row r = journeys.get().agg(count(lit(1)), countDistinct(col(JourneyColumns.CUSTOMER_ID)),
        sum(when(col(JourneyColumns.CONVERTED), 1).otherwise(0)),
        coalesce(sum(col(JourneyColumns.REVENUE)).cast("double"), lit(0.0)),
        countDistinct(col(JourneyColumns.PATH)), avg(col(JourneyColumns.TOUCHES)),
        avg(col(JourneyColumns.SESSIONS))).first();
    if (r.getLong(0) == 0) {
      return null;
    }
    return new ReportData.JourneySummary(r.getLong(0), r.getLong(1), r.getLong(2), r.getDouble(3), r.getLong(4),
        r.getDouble(5), r.getDouble(6));
  }

  private List<ReportData.Count> quarantineReasons(LocalDate date) {
    return rows(TableNames.QUARANTINE, date).map(q -> counts(q.groupBy(col("reason").as("key")).count()
        .orderBy(col("count").desc(), col("key")))).orElse(List.of());
  }

  private List<ReportData.Count> pathLengths(LocalDate date) {
    return rows(TableNames.JOURNEYS, date).map(j -> counts(j
        .groupBy(least(col(JourneyColumns.TOUCHES), lit(MAX_PATH_LENGTH)).as("length")).count()
        .orderBy("length")
        .selectExpr("case when length >= " + MAX_PATH_LENGTH + " then '" + MAX_PATH_LENGTH
            + "+' else cast(length as string) end as key", "count")))
        .orElse(List.of());
  }

  private List<ReportData.TopPath> topPaths(LocalDate date) {
    Optional<Dataset<Row>> paths = rows(TableNames.PATHS, date);
    if (paths.isEmpty()) {
      return List.of();
    }
    List<ReportData.TopPath> out = new ArrayList<>();
    for (Row r : paths.get().orderBy(col(JourneyColumns.JOURNEYS).desc(), col(JourneyColumns.PATH))
        .select(col(JourneyColumns.PATH), col(JourneyColumns.JOURNEYS).cast("long"),
            col(JourneyColumns.TOTAL_CONVERSIONS).cast("double"))
        .limit(topPaths).collectAsList()) {
      out.add(new ReportData.TopPath(r.getString(0), r.getLong(1), r.isNullAt(2) ? 0 : r.getDouble(2)));
    }
    return out;
  }

  private List<ReportData.Score> scorecard(LocalDate date) {
    Optional<Dataset<Row>> metrics = rows(TableNames.TOUCHPOINT_METRICS, date);
    if (metrics.isEmpty()) {
      return List.of();
    }
    List<ReportData.Score> out = new ArrayList<>();
    for (Row r : metrics.get()
        .filter(col(MetricColumns.DIMENSION).equalTo("touchpoint").and(col(MetricColumns.SEGMENT).isNull()))
        .orderBy(MetricColumns.NAME).collectAsList()) {
      Map<MetricFigure, ReportData.Estimate> figures = new EnumMap<>(MetricFigure.class);
      for (MetricFigure f : MetricFigure.scorecard()) {
        figures.put(f, f.hasInterval()
            ? new ReportData.Estimate(dbl(r, f.column()), dbl(r, f.lowColumn()), dbl(r, f.highColumn()))
            : new ReportData.Estimate(dbl(r, f.column()), null, null));
      }
      int low = r.fieldIndex(MetricColumns.LOW_SAMPLE);
      out.add(new ReportData.Score(r.getAs(MetricColumns.NAME), figures,
          r.isNullAt(low) ? List.of() : r.<String>getList(low)));
    }
    return out;
  }

  private List<ReportData.Credit> attribution(LocalDate date) {
    Optional<Dataset<Row>> credits = rows(TableNames.ATTRIBUTION, date);
    if (credits.isEmpty()) {
      return List.of();
    }
    List<ReportData.Credit> out = new ArrayList<>();
    for (Row r : credits.get().select(AttributionColumns.MODEL, AttributionColumns.TOUCHPOINT,
            AttributionColumns.CONVERSIONS, AttributionColumns.CONVERSIONS_LOW, AttributionColumns.CONVERSIONS_HIGH,
            AttributionColumns.SHARE)
        .orderBy(AttributionColumns.TOUCHPOINT, AttributionColumns.MODEL).collectAsList()) {
      out.add(new ReportData.Credit(r.getString(0), r.getString(1), dbl(r, 2), dbl(r, 3), dbl(r, 4), dbl(r, 5)));
    }
    return out;
  }

  private List<FlowDiagram.Link> transitions(LocalDate date) {
    Optional<Dataset<Row>> transitions = rows(TableNames.TRANSITIONS, date);
    if (transitions.isEmpty()) {
      return List.of();
    }
    List<FlowDiagram.Link> out = new ArrayList<>();
    for (Row r : transitions.get().filter(col(AttributionColumns.ORDER).equalTo(1))
        .orderBy(col(AttributionColumns.COUNT).desc(), col(AttributionColumns.FROM_STATE),
            col(AttributionColumns.TO_STATE))
        .select(AttributionColumns.FROM_STATE, AttributionColumns.TO_STATE, AttributionColumns.COUNT)
        .limit(topTransitions).collectAsList()) {
      out.add(new FlowDiagram.Link(r.getString(0), r.getString(1), ((Number) r.get(2)).doubleValue()));
    }
    return out;
  }

  private List<ReportData.ModelMetric> modelMetrics(LocalDate date) {
    if (!tables.exists(TableNames.MODEL_METRICS)) {
      return List.of();
    }
    Dataset<Row> metrics = tables.read(TableNames.MODEL_METRICS).filter(col(TableNames.RUN_DATE).equalTo(lit(
        java.sql.Date.valueOf(date))));
    List<ReportData.ModelMetric> out = new ArrayList<>();
    for (Row r : metrics.select(col(ModelColumns.MODEL), col(ModelColumns.METRIC), col(ModelColumns.TOUCHPOINT),
            col(ModelColumns.VALUE).cast("double"), col(ModelColumns.SPLIT),
            col(ModelColumns.TRAIN_EXAMPLES).cast("long"), col(ModelColumns.TEST_EXAMPLES).cast("long"))
        .orderBy(col(ModelColumns.MODEL), col(ModelColumns.METRIC), col(ModelColumns.TOUCHPOINT)).collectAsList()) {
      if (!r.isNullAt(3)) {
        out.add(new ReportData.ModelMetric(r.getString(0), r.getString(1), r.getString(2), r.getDouble(3),
            r.getString(4), lng(r, 5), lng(r, 6)));
      }
    }
    return out;
  }

  /** One row per (touchpoint, outcome). */
  private List<ReportData.Effect> effects(LocalDate date) {
    Optional<Dataset<Row>> effects = rows(TableNames.TOUCHPOINT_EFFECTS, date);
    if (effects.isEmpty()) {
      return List.of();
    }
    List<ReportData.Effect> out = new ArrayList<>();
    for (Row r : effects.get().select(EffectColumns.TOUCHPOINT, EffectColumns.OUTCOME, EffectColumns.TREATED,
            EffectColumns.CONTROL, EffectColumns.NAIVE_EFFECT, EffectColumns.NAIVE_EFFECT_LOW,
            EffectColumns.NAIVE_EFFECT_HIGH, EffectColumns.EFFECT, EffectColumns.EFFECT_LOW,
            EffectColumns.EFFECT_HIGH, EffectColumns.METHOD, EffectColumns.OUTSIDE_CLIP_SHARE,
            EffectColumns.EFFECTIVE_TREATED, EffectColumns.EFFECTIVE_CONTROL, EffectColumns.NOTE)
        .orderBy(EffectColumns.OUTCOME, EffectColumns.TOUCHPOINT).collectAsList()) {
      out.add(new ReportData.Effect(r.getString(0), r.getString(1), lng(r, 2), lng(r, 3),
          new ReportData.Estimate(dbl(r, 4), dbl(r, 5), dbl(r, 6)),
          new ReportData.Estimate(dbl(r, 7), dbl(r, 8), dbl(r, 9)), r.getString(10), dbl(r, 11), dbl(r, 12),
          dbl(r, 13), r.getString(14)));
    }
    return out;
  }

  /** One row per (candidate or policy, metric): a few dozen. */
  private List<ReportData.UpliftMetric> upliftMetrics(LocalDate date) {
    Optional<Dataset<Row>> metrics = rows(TableNames.UPLIFT_METRICS, date);
    if (metrics.isEmpty()) {
      return List.of();
    }
    List<ReportData.UpliftMetric> out = new ArrayList<>();
    for (Row r : metrics.get().select(RecommendColumns.CANDIDATE, RecommendColumns.METRIC, RecommendColumns.VALUE,
            RecommendColumns.LOW, RecommendColumns.HIGH)
        .orderBy(RecommendColumns.CANDIDATE, RecommendColumns.METRIC).collectAsList()) {
      out.add(new ReportData.UpliftMetric(r.getString(0), r.getString(1),
          new ReportData.Estimate(dbl(r, 2), dbl(r, 3), dbl(r, 4))));
    }
    return out;
  }

  private static List<ReportData.Count> counts(Dataset<Row> keyed) {
    List<ReportData.Count> out = new ArrayList<>();
    for (Row r : keyed.collectAsList()) {
      out.add(new ReportData.Count(r.isNullAt(0) ? "(none)" : String.valueOf(r.get(0)), r.getLong(1)));
    }
    return out;
  }

  private static Double dbl(Row r, String column) {
    return dbl(r, r.fieldIndex(column));
  }

  private static Double dbl(Row r, int i) {
    return r.isNullAt(i) ? null : ((Number) r.get(i)).doubleValue();
  }

  private static Long lng(Row r, int i) {
    return r.isNullAt(i) ? null : ((Number) r.get(i)).longValue();
  }
}
