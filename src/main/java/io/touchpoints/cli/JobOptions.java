package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by every command that runs the job. Defaults live in conf/touchpoints.conf. */
class JobOptions {

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

  @Option(names = "--incremental",
      description = "Add the input (one night's events) to the tables under --output and rebuild only the journeys "
          + "of the customers it touches; without it the run is a full recompute of the input.")
  boolean incremental;

  @Option(names = "--pseudonymize",
      description = "Replace customer ids and anonymous ids by a salted SHA-256 before anything is written; the "
          + "salt comes from the environment variable TOUCHPOINTS_PSEUDONYM_SALT.")
  boolean pseudonymize;

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
    // Flags only turn a setting on: without them the settings files decide.
    options.put("incremental", incremental ? true : null);
    options.put("input.pseudonymize", pseudonymize ? true : null);
    return session.resolve(options);
  }
}
