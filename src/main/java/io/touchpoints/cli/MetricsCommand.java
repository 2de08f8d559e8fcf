package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.PipelineStage;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** {@code touchpoints metrics}: touchpoint effectiveness, from --input (journeys first) or the tables in --output. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
    description = "Conversion, friction, churn and satisfaction per touchpoint (and channel, stage, segment), with "
        + "intervals, into the Delta table touchpoint_metrics. With --input the journeys stage runs first; without "
        + "it the events and journeys already under --output are used (the newest run date unless --run-date).")
final class MetricsCommand extends MetricsOptions.Command {

  @Override
  int run(SparkSession spark, JobConfig config) {
    return runStage(spark, config, PipelineStage.METRICS);
  }

  @Override
  String name() {
    return "metrics";
  }
}
