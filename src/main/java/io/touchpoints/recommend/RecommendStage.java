package io.touchpoints.recommend;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.config.JobConfig;
import io.touchpoints.effects.CustomerInput;
import io.touchpoints.effects.UpliftScores;
import io.touchpoints.input.CustomerAttributes;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.RunRequest;
import io.touchpoints.pipeline.Stage;
import io.touchpoints.pipeline.StageContext;
import io.touchpoints.pipeline.StageOutcome;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.StageSpec;
import io.touchpoints.tables.TableNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * Next best touchpoint: for every customer known at the run date, the candidate touchpoints ranked by uplift on the
 * chance that their next journey converts within the horizon (cross-fitted DR-learner, {@link UpliftScores}), top
 * recommend.top_k (next_best_touchpoint); and the evaluation of the scores and of the recommended policy
 * ({@link PolicyEvaluation}, uplift_metrics). When the policy does not beat the best single touchpoint with an
 * interval above 0, the customer-level differences are not distinguishable and the ranking is the average effects'.
 */
public final class RecommendStage implements Stage<RecommendStage.Settings> {

  /** @param customers the attributes file of the run (may be none) */
  public record Settings(RecommendSettings recommend, CustomerInput customers) {}

  @Override
  public StageSpec spec() {
    return new StageSpec("recommend", "next best touchpoint per customer (uplift) and its evaluation",
        List.of("recommend", "effects", "input"),
        List.of(TableNames.EVENTS, TableNames.JOURNEYS, "(--customers)", TableNames.CUSTOMER_ATTRIBUTE_KINDS),
        List.of(TableNames.NEXT_BEST_TOUCHPOINT, TableNames.UPLIFT_METRICS, TableNames.CUSTOMER_ATTRIBUTE_KINDS));
  }

  @Override
  public Settings settings(JobConfig config, RunRequest request) {
    return new Settings(RecommendSettings.from(config.raw()), CustomerInput.from(config));
  }

  /** The customers file; when the effects stage runs too it has checked it. */
  @Override
  public void check(SparkSession spark, Settings settings, JobConfig config, RunRequest request) {
    if (!request.runs(PipelineStage.EFFECTS)) {
      settings.customers().check(spark, config, request);
    }
  }

  @Override
  public StageOutcome run(StageContext context, Settings settings) {
    var tables = context.tables();
    var runDate = context.config().runDate();
    RecommendSettings r = settings.recommend();
    Dataset<Row> journeys = tables.readRunDate(TableNames.JOURNEYS, runDate).drop(TableNames.RUN_DATE);
    Dataset<Row> events = tables.readRunDate(TableNames.EVENTS, runDate).drop(TableNames.RUN_DATE);
    CustomerAttributes customers = settings.customers().read(context.spark(), context.config(), context.request());
    UpliftScores uplift = new UpliftScores(r.effects());
    UpliftScores.Scores scores = uplift.compute(journeys, events, customers == null ? null : customers.rows(),
        r.candidates());
    if (scores.candidates().isEmpty()) {
      return StageOutcome.skipped("no candidate touchpoint: " + scores.notes(),
          "skipped: no candidate touchpoint has effects.min_group journeys with and without it " + scores.notes());
    }
    double z = r.effects().z();
    PolicyEvaluation.Result evaluation;
    try {
      evaluation = PolicyEvaluation.evaluate(scores.scores(), scores.candidates(), z);
      Map<String, Dataset<Row>> written = new LinkedHashMap<>();
      written.put(TableNames.NEXT_BEST_TOUCHPOINT, nextBest(scores.scores(), evaluation, r.topK(), z));
      written.put(TableNames.UPLIFT_METRICS,
          context.spark().createDataFrame(evaluation.metrics(), RecommendColumns.METRICS));
      tables.replaceRunDates(written, runDate);
      if (customers != null && !context.request().runs(PipelineStage.EFFECTS)) {
        CustomerInput.store(context.spark(), tables, customers, runDate);
      }
    } finally {
      scores.release();
    }
    Dataset<Row> ranked = tables.readRunDate(TableNames.NEXT_BEST_TOUCHPOINT, runDate);
    long rows = ranked.count();
    long customersRanked = ranked.filter(col(RecommendColumns.RANK).equalTo(1)).count();
    ClusteredMeans.Mean gain = evaluation.gainVsBest();
    String ranking = evaluation.personalised()
        ? "ranked by each customer's uplift"
        : "customer-level differences not distinguishable from the average effects: ranked by the average effects";
    String left = scores.notes().isEmpty() ? "" : "; left out: " + scores.notes();
    String summary = String.format(Locale.ROOT, "%s customers ranked over %d candidates (%s); recommended policy "
            + "vs best single touchpoint (%s): %+.1f points [%+.1f, %+.1f]; %s%s", StageReporter.count(customersRanked),
        scores.candidates().size(), uplift.method(), evaluation.bestSingle(), 100 * gain.value(), 100 * gain.low(z),
        100 * gain.high(z), ranking, left);
    return StageOutcome.ok(scores.units(), rows, evaluation.personalised() ? null : "fell back to average effects",
        summary).withDetails(reporter -> details(evaluation, scores.secondStage(), reporter));
  }

  private static void details(PolicyEvaluation.Result evaluation, Map<String, String> secondStage,
      StageReporter reporter) {
    List<String> kept = new ArrayList<>();
    secondStage.forEach((k, fit) -> kept.add(k + " " + fit));
    reporter.line("  uplift regressions kept: " + String.join("; ", kept));
    List<String> shares = new ArrayList<>();
    evaluation.shares().forEach((k, share) -> shares.add(String.format(Locale.ROOT, "%s %.0f%%", k, 100 * share)));
    reporter.line("  recommended first (journeys evaluated): " + String.join(", ", shares));
    for (Row m : evaluation.metrics()) {
      if (m.getString(0).startsWith("policy:") || RecommendColumns.AVERAGE_EFFECT.equals(m.getString(1))) {
        reporter.line(String.format(Locale.ROOT, "  %-32s %-22s %7.4f [%.4f, %.4f]", m.getString(0), m.getString(1),
            m.getDouble(2), m.getDouble(3), m.getDouble(4)));
      }
    }
  }

  /**
   * The top k candidates of each customer's next journey: by predicted uplift, or, when heterogeneity is not
   * distinguishable, by the candidates' average effects (with their intervals).
   */
  private static Dataset<Row> nextBest(Dataset<Row> scores, PolicyEvaluation.Result evaluation, int topK, double z) {
    Column candidate = col(UpliftScores.CANDIDATE);
    Column uplift = col(UpliftScores.UPLIFT);
    Column low = lit(null).cast("double");
    Column high = lit(null).cast("double");
    if (!evaluation.personalised()) {
      Column average = lit(null).cast("double");
      low = average;
      high = average;
      for (Map.Entry<String, ClusteredMeans.Mean> a : evaluation.averageEffects().entrySet()) {
        average = when(candidate.equalTo(a.getKey()), a.getValue().value()).otherwise(average);
        low = when(candidate.equalTo(a.getKey()), a.getValue().low(z)).otherwise(low);
        high = when(candidate.equalTo(a.getKey()), a.getValue().high(z)).otherwise(high);
      }
      uplift = average;
    }
    return scores.filter(col(UpliftScores.NEXT))
        .select(col(UpliftScores.CUSTOMER_ID).as(RecommendColumns.CUSTOMER_ID),
            candidate.as(RecommendColumns.TOUCHPOINT), uplift.as(RecommendColumns.UPLIFT),
            low.as(RecommendColumns.UPLIFT_LOW), high.as(RecommendColumns.UPLIFT_HIGH),
            col(UpliftScores.WITHOUT).as(RecommendColumns.BASELINE_PROBABILITY))
        .withColumn(RecommendColumns.RANK, row_number().over(Window.partitionBy(col(RecommendColumns.CUSTOMER_ID))
            .orderBy(col(RecommendColumns.UPLIFT).desc(), col(RecommendColumns.TOUCHPOINT))))
        .filter(col(RecommendColumns.RANK).leq(topK))
        .select(col(RecommendColumns.CUSTOMER_ID), col(RecommendColumns.RANK), col(RecommendColumns.TOUCHPOINT),
            col(RecommendColumns.UPLIFT), col(RecommendColumns.UPLIFT_LOW), col(RecommendColumns.UPLIFT_HIGH),
            col(RecommendColumns.BASELINE_PROBABILITY));
  }
}
