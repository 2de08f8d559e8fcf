package io.touchpoints.predict;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.InputException;
import io.touchpoints.model.ModelSettings;
import io.touchpoints.model.ModelStore;
import io.touchpoints.model.NextTouchpointModel;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.RunRequest;
import io.touchpoints.pipeline.Stage;
import io.touchpoints.pipeline.StageContext;
import io.touchpoints.pipeline.StageOutcome;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.StageSpec;
import io.touchpoints.tables.TableNames;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Predictions: the top-k next touchpoints of every open journey of the run date (not converted, last event within
 * the inactivity timeout of the data's end), from a saved model (next_touchpoint). Skipped when the run's model
 * stage was.
 */
public final class PredictStage implements Stage<ModelSettings> {

  @Override
  public StageSpec spec() {
    return new StageSpec("predict", "next-touchpoint predictions for open journeys",
        List.of("model"), List.of(TableNames.EVENTS, TableNames.JOURNEYS, ModelStore.FOLDER + "/" + ModelStore.LATEST),
        List.of(TableNames.NEXT_TOUCHPOINT));
  }

  @Override
  public ModelSettings settings(JobConfig config, RunRequest request) {
    return ModelSettings.from(config.raw().getConfig("model"));
  }

  /** A saved model must be there unless this run trains one. */
  @Override
  public void check(SparkSession spark, ModelSettings settings, JobConfig config, RunRequest request) {
    if (request.runs(PipelineStage.MODEL)) {
      return;
    }
    Path root = new Path(config.outputPath(), ModelStore.FOLDER);
    String version = settings.predictModel();
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (version.isBlank() && !fs.exists(new Path(root, ModelStore.LATEST))) {
        throw new InputException("no trained model under " + root + " (no '" + ModelStore.LATEST + "' file): run "
            + "`touchpoints train` (or `run`) with this --output first");
      }
      if (!version.isBlank()) {
        Path named = fs.exists(new Path(root, version)) ? new Path(root, version) : new Path(version);
        if (!fs.exists(new Path(named, ModelStore.METADATA))) {
          throw new InputException("no model at " + named + " (" + ModelStore.METADATA + " not found)");
        }
      }
    } catch (IOException e) {
      throw new InputException("cannot read the models under " + root + ": " + e.getMessage(), e);
    }
  }

  @Override
  public StageOutcome run(StageContext context, ModelSettings settings) {
    if (context.skipped(PipelineStage.MODEL)) {
      return StageOutcome.skipped("the model stage was skipped", "skipped: no model trained in this run");
    }
    JobConfig config = context.config();
    var tables = context.tables();
    var journeys = tables.readRunDate(TableNames.JOURNEYS, config.runDate()).drop(TableNames.RUN_DATE);
    var events = tables.readRunDate(TableNames.EVENTS, config.runDate()).drop(TableNames.RUN_DATE);
    NextTouchpointModel.Predicted predicted = new NextTouchpointModel(context.spark(), settings)
        .predict(journeys, events, config.outputPath(), config.journey().inactivityTimeout());
    long rows;
    try {
      rows = tables.replaceRunDate(TableNames.NEXT_TOUCHPOINT, predicted.rows(), config.runDate());
    } finally {
      predicted.release();
    }
    String unseen = predicted.unseen().isEmpty() ? null : StageReporter.count(predicted.journeysWithUnseen())
        + " open journeys touch touchpoints the model never saw " + predicted.unseen()
        + ": they count as 'other'";
    return StageOutcome.ok(predicted.openJourneys(), rows, unseen,
        StageReporter.count(rows) + " predictions for " + StageReporter.count(predicted.openJourneys())
            + " open journeys (model " + predicted.metadata().version() + ", " + predicted.metadata().model() + ")"
            + (unseen == null ? "" : "; " + unseen));
  }
}
