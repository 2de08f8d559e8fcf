package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.PipelineStage;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code touchpoints train}: the next-touchpoint model, evaluated against the baselines on the same split. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train the next-touchpoint model on every prefix of every journey: the candidates (logistic "
        + "regression, boosted trees; random forest on request) and the baselines (most frequent, Markov chains of "
        + "order 1-3) are compared on a validation split of the training journeys and the best is chosen (or "
        + "--model forces one); all are evaluated on the same held-out journeys and printed side by side with "
        + "intervals and fit seconds; writes model_metrics and model_confusion and saves the chosen model under "
        + "--output/models/<run date>/. With --input the journeys stage runs first; without it the "
        + "journeys and events under --output are used (the newest run date unless --run-date).")
final class TrainCommand extends SparkCommand {

  @SettingKey("model.type")
  @Option(names = "--model", paramLabel = "TYPE",
      description = "auto (the best candidate on validation), logistic_regression, random_forest, boosted_trees, "
          + "most_frequent or markov_1..markov_3 (default: touchpoints.model.type).")
  String model;

  @SettingKey("model.holdout")
  @Option(names = "--holdout", paramLabel = "FILE",
      description = "Test set: the journey ids listed in FILE, one per line (default: the latest "
          + "touchpoints.model.test_fraction of journeys by start time).")
  String holdout;

  @SettingKey("model.min_prefix")
  @Option(names = "--min-prefix", paramLabel = "N",
      description = "Only prefixes of at least N touches are examples (default: touchpoints.model.min_prefix).")
  Integer minPrefix;

  @Override
  int run(SparkSession spark, JobConfig config) {
    return runStage(spark, config, PipelineStage.MODEL);
  }

  @Override
  String name() {
    return "train";
  }
}
