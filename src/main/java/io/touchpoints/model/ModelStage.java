package io.touchpoints.model;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.AppVersion;
import io.touchpoints.pipeline.RequiredFile;
import io.touchpoints.pipeline.RunRequest;
import io.touchpoints.pipeline.Stage;
import io.touchpoints.pipeline.StageContext;
import io.touchpoints.pipeline.StageOutcome;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.StageSpec;
import io.touchpoints.tables.TableNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The next-touchpoint model: trains on the run date's journeys, evaluates it against the baselines on the same
 * split (model_metrics, model_confusion) and saves it under {@code models/<run date>}, pointing {@code models/latest}
 * at it. In a whole-pipeline run, a log the model cannot learn from (no prefix with a next touchpoint on one side of
 * the split) skips the stage, and prediction with it.
 */
public final class ModelStage implements Stage<ModelSettings> {

  @Override
  public StageSpec spec() {
    return new StageSpec("model", "next-touchpoint model: examples, fit, baselines, evaluation",
        List.of("model"), List.of(TableNames.EVENTS, TableNames.JOURNEYS),
        List.of(TableNames.MODEL_METRICS, TableNames.MODEL_CONFUSION, ModelStore.FOLDER + "/{run_date}",
            ModelStore.FOLDER + "/" + ModelStore.LATEST));
  }

  @Override
  public ModelSettings settings(JobConfig config, RunRequest request) {
    return ModelSettings.from(config.raw().getConfig("model"));
  }

  @Override
  public void check(SparkSession spark, ModelSettings settings, JobConfig config, RunRequest request) {
    if (!settings.holdout().isEmpty()) {
      RequiredFile.require(spark, settings.holdout(), "holdout file");
    }
  }

  @Override
  public StageOutcome run(StageContext context, ModelSettings settings) {
    JobConfig config = context.config();
    var tables = context.tables();
    Dataset<Row> journeys = tables.readRunDate(TableNames.JOURNEYS, config.runDate()).drop(TableNames.RUN_DATE);
    Dataset<Row> events = tables.readRunDate(TableNames.EVENTS, config.runDate()).drop(TableNames.RUN_DATE);
    ModelStore store = new ModelStore(context.spark(), config.outputPath());
    // The saved model and the latest pointer are files, not Delta: kept aside so that a failed run puts them back.
    context.journal().beforeReplace(store.folder(config.runDate().toString()));
    context.journal().beforeReplace(store.folder(ModelStore.LATEST));
    NextTouchpointModel.Trained trained;
    try {
      trained = new NextTouchpointModel(context.spark(), settings)
          .train(journeys, events, config.outputPath(), config.runDate(), AppVersion.get(), config.hash());
    } catch (TooFewExamplesException e) {
      if (!context.request().isWholePipeline()) {
        throw e;
      }
      return StageOutcome.skipped(e.getMessage(), "skipped, with predict: " + e.getMessage());
    }
    Map<String, Dataset<Row>> written = new LinkedHashMap<>();
    written.put(TableNames.MODEL_METRICS, trained.metrics());
    written.put(TableNames.MODEL_CONFUSION, trained.evaluation().confusion());
    tables.replaceRunDates(written, config.runDate());
    return StageOutcome.ok(trained.trainExamples() + trained.testExamples(), trained.metrics().count(),
        trained.split(),
        trained.chosen() + " on " + StageReporter.count(trained.trainExamples()) + " training prefixes, tested on "
            + StageReporter.count(trained.testExamples()) + " (" + trained.split() + "); " + trained.selection()
            + "; saved to " + trained.savedTo())
        .withDetails(reporter -> ModelEvaluation.summaryLines(trained.evaluation(), trained.models(),
            trained.fitSeconds())
            .forEach(reporter::line));
  }
}
