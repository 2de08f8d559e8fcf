package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.PipelineStage;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code touchpoints recommend}: the next best touchpoints per customer, from --input or the tables in --output. */
@Command(name = "recommend", mixinStandardHelpOptions = true,
    description = "For every customer, the candidate touchpoints ranked by uplift on the chance that their next "
        + "journey converts (cross-fitted DR-learner), into next_best_touchpoint, with the evaluation (Qini, uplift at "
        + "10/20/50%, the policy against the best single touchpoint and none) in uplift_metrics. With --input the "
        + "journeys stage runs first; without it the tables under --output are used (the newest run date unless "
        + "--run-date).")
final class RecommendCommand extends SparkCommand {

  @Mixin
  CustomerOptions customerOptions = new CustomerOptions();

  @Override
  JobConfig adjust(JobConfig config) {
    return customerOptions.apply(config);
  }

  @Override
  int run(SparkSession spark, JobConfig config) {
    return runStage(spark, config, PipelineStage.RECOMMEND);
  }

  @Override
  String name() {
    return "recommend";
  }
}
