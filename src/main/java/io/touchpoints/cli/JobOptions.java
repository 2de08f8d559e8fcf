package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by every command that runs the job. Defaults live in conf/touchpoints.conf. */
class JobOptions {

  @SettingKey("input.path")
  @Option(names = "--input", paramLabel = "PATH",
      description = "Event log: a file, folder or glob (default: touchpoints.input.path).")
  String input;

  @SettingKey("input.format")
  @Option(names = "--format", paramLabel = "FORMAT",
      description = "Input format: csv, json, parquet or delta (default: touchpoints.input.format).")
  String format;

  @SettingKey("input.mapping")
  @Option(names = "--mapping", paramLabel = "FILE",
      description = "Mapping of source columns and values onto the canonical schema, e.g. "
          + "conf/mappings/bpi2013-incidents.conf.")
  String mapping;

  @SettingKey("output.path")
  @Option(names = "--output", paramLabel = "DIR",
      description = "Folder of the Delta tables (default: touchpoints.output.path).")
  String output;

  @SettingKey("run_date")
  @Option(names = "--run-date", paramLabel = "yyyy-MM-dd",
      description = "Run date that tags the rows written; a re-run replaces that date's rows (default: today, UTC).")
  String runDate;

  @SettingKey("incremental")
  @Option(names = "--incremental",
      description = "Add the input (one night's events) to the tables under --output and rebuild only the journeys "
          + "of the customers it touches; without it the run is a full recompute of the input.")
  boolean incremental;

  @SettingKey("input.pseudonymize")
  @Option(names = "--pseudonymize",
      description = "Replace customer ids and anonymous ids by a salted SHA-256 before anything is written; the "
          + "salt comes from the environment variable TOUCHPOINTS_PSEUDONYM_SALT.")
  boolean pseudonymize;

  @Mixin
  SessionOptions session = new SessionOptions();

  /** Resolves the configuration with these options on top. */
  JobConfig resolve() {
    // Flags only turn a setting on: without them the settings files decide.
    return session.resolve(SparkCommand.settingValues(this));
  }
}
