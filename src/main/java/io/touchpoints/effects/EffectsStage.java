package io.touchpoints.effects;

import io.touchpoints.config.JobConfig;
import io.touchpoints.input.CustomerAttributes;
import io.touchpoints.pipeline.RunRequest;
import io.touchpoints.pipeline.Stage;
import io.touchpoints.pipeline.StageContext;
import io.touchpoints.pipeline.StageOutcome;
import io.touchpoints.pipeline.StageSpec;
import io.touchpoints.tables.TableNames;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Causal touchpoint effects: for each touchpoint and outcome, the doubly robust (cross-fitted AIPW) effect beside the
 * naive difference, from the run date's journeys and events and the optional customer attributes
 * ({@link TouchpointEffects}). The attributes' kinds are stored with the run ({@link CustomerInput}).
 */
public final class EffectsStage implements Stage<EffectsStage.Settings> {

  /** @param customers the attributes file of the run (may be none) */
  public record Settings(EffectsSettings effects, CustomerInput customers) {}

  @Override
  public StageSpec spec() {
    return new StageSpec("effects", "causal touchpoint effects on conversion and churn (doubly robust)",
        List.of("effects", "metrics", "input"),
        List.of(TableNames.EVENTS, TableNames.JOURNEYS, "(--customers)", TableNames.CUSTOMER_ATTRIBUTE_KINDS),
        List.of(TableNames.TOUCHPOINT_EFFECTS, TableNames.CUSTOMER_ATTRIBUTE_KINDS));
  }

  @Override
  public Settings settings(JobConfig config, RunRequest request) {
    return new Settings(EffectsSettings.from(config.raw()), CustomerInput.from(config));
  }

  @Override
  public void check(SparkSession spark, Settings settings, JobConfig config, RunRequest request) {
    settings.customers().check(spark, config, request);
  }

  @Override
  public StageOutcome run(StageContext context, Settings settings) {
    var tables = context.tables();
    var runDate = context.config().runDate();
    Dataset<Row> journeys = tables.readRunDate(TableNames.JOURNEYS, runDate).drop(TableNames.RUN_DATE);
    Dataset<Row> events = tables.readRunDate(TableNames.EVENTS, runDate).drop(TableNames.RUN_DATE);
    CustomerAttributes customers = settings.customers().read(context.spark(), context.config(), context.request());
    EffectsResult result = new TouchpointEffects(settings.effects()).compute(context.spark(), journeys, events,
        customers == null ? null : customers.rows());
    long rows = tables.replaceRunDate(TableNames.TOUCHPOINT_EFFECTS, result.effects(), runDate);
    if (customers != null) {
      CustomerInput.store(context.spark(), tables, customers, runDate);
    }
    String covariates = customers == null ? "history covariates only (no --customers)"
        : "customer attributes: " + customers.describeKinds();
    return StageOutcome.ok(result.journeys(), rows, null,
        result.summary() + "; " + settings.effects().method() + "; " + covariates);
  }
}
