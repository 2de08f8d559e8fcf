package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.PipelineStage;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code touchpoints effects}: causal touchpoint effects, from --input (journeys first) or the tables in --output. */
@Command(name = "effects", mixinStandardHelpOptions = true,
    description = "Causal effect of each touchpoint on conversion and churn (doubly robust, cross-fitted, with "
        + "clustered intervals) beside the naive difference, into the Delta table touchpoint_effects. With --input "
        + "the journeys stage runs first; without it the events and journeys already under --output are used (the "
        + "newest run date unless --run-date).")
final class EffectsCommand extends SparkCommand {

  @Mixin
  CustomerOptions customerOptions = new CustomerOptions();

  @Override
  JobConfig adjust(JobConfig config) {
    return customerOptions.apply(config);
  }

  @Override
  int run(SparkSession spark, JobConfig config) {
    return runStage(spark, config, PipelineStage.EFFECTS);
  }

  @Override
  String name() {
    return "effects";
  }
}
