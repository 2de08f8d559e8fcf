package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.TouchpointJob;
import java.util.EnumSet;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** {@code touchpoints journeys}: ingest, validate and reconstruct journeys. */
@Command(name = "journeys", mixinStandardHelpOptions = true,
    description = "Read the event log, quarantine bad rows, stitch identities and rebuild journeys. Writes the "
        + "Delta tables events, quarantine, journeys, paths and runs under --output.",
    footer = TouchpointsCli.SCHEMA_HELP)
final class JourneysCommand extends SparkCommand {

  @Override
  int run(SparkSession spark, JobConfig config) {
    new TouchpointJob(spark, config, new StageReporter(System.out)).execute(name(), EnumSet.of(PipelineStage.JOURNEYS));
    return 0;
  }

  @Override
  String name() {
    return "journeys";
  }
}
