package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.TouchpointJob;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code touchpoints run}: every stage that exists but those of {@code run.skip}, in order. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run every stage of the job: ingest and validate, journeys, touchpoint metrics, attribution, the "
        + "next-touchpoint model (train, evaluate against baselines, save), its predictions for open journeys, the "
        + "causal touchpoint effects and the next best touchpoint per customer, then the HTML report. Setting "
        + "run.skip leaves stages out by name (e.g. --conf 'run.skip=[effects,recommend]').",
    footer = TouchpointsCli.SCHEMA_HELP)
final class RunCommand extends MetricsOptions.Command {

  @Mixin
  CustomerOptions customerOptions = new CustomerOptions();

  @Override
  JobConfig adjust(JobConfig config) {
    return customerOptions.apply(super.adjust(config));
  }

  @Override
  int run(SparkSession spark, JobConfig config) {
    StageReporter reporter = new StageReporter(System.out);
    TouchpointJob job = new TouchpointJob(spark, config, reporter);
    job.execute(name(), PipelineStage.forRun(config));
    reporter.line("tables written under " + config.outputPath() + " for run date " + config.runDate());
    return 0;
  }

  @Override
  String name() {
    return "run";
  }
}
