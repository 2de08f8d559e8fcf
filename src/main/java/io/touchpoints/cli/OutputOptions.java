package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options of the commands that read the tables under an output folder: the folder, the run date, the session. */
class OutputOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--output", paramLabel = "DIR", description = "Folder of the Delta tables (default: "
      + "touchpoints.output.path).")
  String output;

  @Option(names = "--run-date", paramLabel = "yyyy-MM-dd", description = "Run date to read (default: the newest).")
  String runDate;

  @Mixin
  SessionOptions session = new SessionOptions();

  /** The configuration with --output and the command's own settings on top (key under the root to value). */
  JobConfig resolve(Map<String, Object> settings) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("output.path", output);
    options.putAll(settings);
    return session.resolve(options);
  }

  /** The --run-date given, or null for the newest. */
  LocalDate runDate() {
    if (runDate == null) {
      return null;
    }
    try {
      return LocalDate.parse(runDate);
    } catch (DateTimeParseException e) {
      throw new ParameterException(spec.commandLine(), "--run-date must be yyyy-MM-dd, got '" + runDate + "'");
    }
  }
}
