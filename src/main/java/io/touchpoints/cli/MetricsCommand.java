package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import io.touchpoints.tables.TableNames;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.TouchpointJob;
import java.util.EnumSet;
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
    boolean fromInput = options.input != null;
    JobConfig effective = fromInput ? config : onLatestRunDate(spark, config, TableNames.JOURNEYS);
    new TouchpointJob(spark, effective, new StageReporter(System.out)).execute(name(), fromInput
        ? EnumSet.of(TouchpointJob.Stage.JOURNEYS, TouchpointJob.Stage.METRICS)
        : EnumSet.of(TouchpointJob.Stage.METRICS));
    return 0;
  }

  @Override
  String name() {
    return "metrics";
  }
}
