package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options of every command: settings files, single settings and the Spark master. */
class SessionOptions {

  @Option(names = "--config", paramLabel = "FILE", description = "Settings overriding conf/touchpoints.conf.")
  Path config;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "One setting, e.g. journey.session_gap=15m; spark.* keys go to Spark. Repeatable.")
  List<String> conf = new ArrayList<>();

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master, e.g. local[4] or spark://host:7077 (default: as spark-submit or the launcher set). "
          + "No effect on show, runs and config, which start no Spark.")
  String master;

  /** The configuration with these settings and the command's own options (key under the root to value). */
  JobConfig resolve(Map<String, Object> options) {
    return JobConfig.load(config, conf, options);
  }

  /**
   * For the commands that start no Spark session: a scheduler that passes the same --master to every command keeps
   * working, and a person who expected it to apply is told it did not.
   */
  void noteMasterUnused(CommandLine command) {
    if (master != null) {
      command.getErr().println("note: " + command.getCommandName() + " starts no Spark session; --master " + master
          + " has no effect");
    }
  }
}
