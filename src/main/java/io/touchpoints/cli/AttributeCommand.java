package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.RunRequest;
import io.touchpoints.pipeline.TouchpointJob;
import java.util.EnumSet;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code touchpoints attribute}: every attribution model, from journeys or an aggregated path file. */
@Command(name = "attribute", mixinStandardHelpOptions = true,
    description = "Multi-touch attribution: first touch, last touch, last non-direct, linear, time decay, position "
        + "based, exact Markov removal effects of order 1-4 and Shapley values per path, in conversions and revenue, "
        + "with bootstrap intervals. Writes attribution, transitions and removal_effects. Reads --paths FILE, or runs "
        + "journeys first with --input, or reads the journeys under --output (newest run date unless --run-date).")
final class AttributeCommand extends SparkCommand {

  @Spec
  CommandSpec spec;

  @Option(names = "--paths", paramLabel = "FILE",
      description = "Aggregated path file: path (touchpoints joined by ' > '), total_conversions, optional "
          + "total_conversion_value and total_null.")
  String paths;

  @Option(names = "--sep", paramLabel = "CHAR", defaultValue = ",",
      description = "Field separator of --paths (default: '${DEFAULT-VALUE}').")
  String separator;

  @Override
  int run(SparkSession spark, JobConfig config) {
    StageReporter reporter = new StageReporter(System.out);
    if (paths != null) {
      if (options.input != null) {
        throw new ParameterException(spec.commandLine(), "give --paths or --input, not both");
      }
      new TouchpointJob(spark, config, reporter).execute(
          RunRequest.of(name(), EnumSet.of(PipelineStage.ATTRIBUTION)).withPathFile(paths, separator));
    } else {
      return runStage(spark, config, PipelineStage.ATTRIBUTION);
    }
    return 0;
  }

  @Override
  String name() {
    return "attribute";
  }
}
