package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.PipelineStage;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code touchpoints predict}: the next touchpoints of every open journey, from a saved model. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Predict the top-k next touchpoints, with probabilities, of every open journey (not converted, last "
        + "event within journey.inactivity_timeout of the data's end) with the saved model (--output/models/latest "
        + "unless --model-version), into the Delta table next_touchpoint. With --input the journeys stage runs first; "
        + "without it the journeys and events under --output are used (the newest run date unless --run-date).")
final class PredictCommand extends SparkCommand {

  @SettingKey("model.predict_model")
  @Option(names = "--model-version", paramLabel = "VERSION",
      description = "A model folder under --output/models/ (its run date) or a path to one (default: latest).")
  String modelVersion;

  @SettingKey("model.top_k")
  @Option(names = "--top-k", paramLabel = "K",
      description = "Predictions per open journey (default: touchpoints.model.top_k).")
  Integer topK;

  @Override
  int run(SparkSession spark, JobConfig config) {
    return runStage(spark, config, PipelineStage.PREDICT);
  }

  @Override
  String name() {
    return "predict";
  }
}
