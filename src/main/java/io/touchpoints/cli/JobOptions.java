package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by every command that runs the job. Defaults live in conf/touchpoints.conf. */
public class JobOptions {

  @Option(names = "--input", paramLabel = "PATH",
      description = "Event log: a file, folder or glob (default: touchpoints.input.path).")
  String input;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "Input format: csv, json, parquet or delta (default: touchpoints.input.format).")
  String format;

  @Option(names = "--mapping", paramLabel = "FILE",
      description = "Mapping of source columns and values onto the canonical schema, e.g. "
          + "conf/mappings/bpi2013-incidents.conf.")
  String mapping;

  @Option(names = "--output", paramLabel = "DIR",
      description = "Folder of the Delta tables (default: touchpoints.output.path).")
  String output;

  @Option(names = "--run-date", paramLabel = "yyyy-MM-dd",
      description = "Run date that tags the rows written; a re-run replaces that date's rows (default: today, UTC).")
  String runDate;

  @Mixin
  SessionOptions session = new SessionOptions();

  /** Resolves the configuration with these options on top. */
  JobConfig resolve() {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("input.path", input);
    options.put("input.format", format);
    options.put("input.mapping", mapping);
    options.put("output.path", output);
    options.put("run_date", runDate);
    return session.resolve(options);
  }
}
