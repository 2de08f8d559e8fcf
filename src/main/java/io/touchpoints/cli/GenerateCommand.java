package io.touchpoints.cli;

import io.touchpoints.config.ConfigurationException;
import io.touchpoints.config.JobConfig;
import io.touchpoints.generate.GeneratorSettings;
import io.touchpoints.generate.PlantedTruth;
import io.touchpoints.generate.SyntheticLogGenerator;
import io.touchpoints.pipeline.StageReporter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code touchpoints generate}: a synthetic event log with planted, documented truth. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Write a realistic synthetic interaction log at any scale, with its planted truth "
        + "(per-touchpoint conversion propensity, churn hazard, satisfaction, the next-touchpoint Markov chain and "
        + "the injected data-quality problems) as truth.json beside it. Defaults: touchpoints.generate in conf/.")
final class GenerateCommand implements Callable<Integer> {

  @Option(names = "--customers", paramLabel = "N", description = "Customers to simulate.")
  Long customers;

  @Option(names = "--days", paramLabel = "D", description = "Days the log spans.")
  Integer days;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed: the same seed gives the same log.")
  Long seed;

  @Option(names = "--start-date", paramLabel = "yyyy-MM-dd", description = "First day of the log.")
  String startDate;

  @Option(names = "--output", paramLabel = "PATH", required = true,
      description = "Folder to write: PATH/events/ and PATH/truth.json (replaced if present).")
  String output;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv",
      description = "csv, json or parquet (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
      description = "Spark partitions to generate with; 0 = automatic. The data does not depend on it.")
  int partitions;

  @Mixin
  SessionOptions session = new SessionOptions();

  @Override
  public Integer call() {
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("generate.customers", customers);
    opts.put("generate.days", days);
    opts.put("generate.seed", seed);
    opts.put("generate.start_date", startDate);
    JobConfig resolved = session.resolve(opts);
    GeneratorSettings settings;
    try {
      settings = GeneratorSettings.fromConfig(resolved.raw().getConfig("generate"), format, output, partitions);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage());
    }
    SparkSession spark = SparkCommand.startSession(resolved, session.master, "generate");
    Instant start = Instant.now();
    PlantedTruth truth = SyntheticLogGenerator.write(spark, settings);
    new StageReporter(System.out).stage("generate",
        StageReporter.count(truth.realised().rowsWritten()) + " rows for "
            + StageReporter.count(settings.customers()) + " customers written to " + output + "/"
            + SyntheticLogGenerator.EVENTS_DIR + ", truth in " + output + "/" + SyntheticLogGenerator.TRUTH_FILE,
        Duration.between(start, Instant.now()).toMillis() / 1000.0);
    return 0;
  }
}
