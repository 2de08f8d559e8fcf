package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.InputException;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.SparkSessionFactory;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.TouchpointJob;
import io.touchpoints.tables.TableNames;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

/**
 * A command that needs a Spark session: resolves the configuration, builds the session in the one factory, runs,
 * and returns its exit code ({@link TouchpointsCli#main} stops the session). Failures propagate to {@link TouchpointsCli}, which maps them to exit codes.
 */
abstract class SparkCommand implements Callable<Integer> {

  @Mixin
  JobOptions options;

  /** The command's work; returns the exit code. */
  abstract int run(SparkSession spark, JobConfig config);

  /** The command's {@link SettingKey} options (its mixins' included) on top of the resolved configuration. */
  JobConfig adjust(JobConfig config) {
    JobConfig adjusted = config;
    for (Map.Entry<String, Object> e : settingValues(this).entrySet()) {
      adjusted = adjusted.with(e.getKey(), e.getValue());
    }
    return adjusted;
  }

  /**
   * The {@link SettingKey} options given on the command line, of {@code options} and its mixins (but the shared
   * {@link JobOptions}, which resolve the configuration): setting key to value; a flag only when it is set.
   */
  static Map<String, Object> settingValues(Object options) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Class<?> c = options.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        Object value = read(field, options);
        SettingKey key = field.getAnnotation(SettingKey.class);
        if (key != null && value != null && !Boolean.FALSE.equals(value)) {
          values.put(key.value(), value instanceof Path p ? p.toString() : value);
        } else if (field.isAnnotationPresent(Mixin.class) && value != null && !(value instanceof JobOptions)) {
          values.putAll(settingValues(value));
        }
      }
    }
    return values;
  }

  private static Object read(Field field, Object owner) {
    try {
      field.setAccessible(true);
      return field.get(owner);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read option " + field, e);
    }
  }

  /**
   * For a stage that reads the tables under --output: the configuration on the newest run date of {@code table},
   * unless the user named a run date.
   */
  JobConfig onLatestRunDate(SparkSession spark, JobConfig config, String table) {
    if (options.runDate != null || !config.raw().getString("run_date").isBlank()) {
      return config;
    }
    return config.withRunDate(new DeltaTables(spark, config.outputPath()).latestRunDate(table)
        .orElseThrow(() -> new InputException("table " + table + " under " + config.outputPath() + " is empty")));
  }

  /**
   * Runs one stage as its own run: after the journeys stage when --input is given, else on the tables under
   * --output (the newest run date of {@code journeys} unless a run date is named).
   */
  int runStage(SparkSession spark, JobConfig config, PipelineStage stage) {
    boolean fromInput = options.input != null;
    JobConfig effective = fromInput ? config : onLatestRunDate(spark, config, TableNames.JOURNEYS);
    new TouchpointJob(spark, effective, new StageReporter(System.out)).execute(name(),
        fromInput ? EnumSet.of(PipelineStage.JOURNEYS, stage) : EnumSet.of(stage));
    return 0;
  }

  /** Name shown in the Spark UI. */
  abstract String name();

  /** The one place a command builds its session; {@code master} (may be null) overrides the launcher's. */
  static SparkSession startSession(JobConfig config, String master, String command) {
    if (master != null) {
      System.setProperty("spark.master", master);
    }
    return SparkSessionFactory.create("touchpoints " + command, config.sparkSettings());
  }

  @Override
  public Integer call() {
    JobConfig config = adjust(options.resolve());
    // Every stage's settings, before Spark starts: a bad value is exit 2 whichever stage would have read it.
    TouchpointJob.validate(config);
    return run(startSession(config, options.session.master, name()), config);
  }
}
