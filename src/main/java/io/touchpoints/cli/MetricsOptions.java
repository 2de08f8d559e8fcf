package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import picocli.CommandLine.Option;

/** Options of the commands that compute touchpoint metrics. */
public class MetricsOptions {

  @Option(names = "--suppress-small-cells",
      description = "Leave metric figures resting on fewer than metrics.min_cell units empty.")
  boolean suppressSmallCells;

  JobConfig apply(JobConfig config) {
    return suppressSmallCells ? config.with("metrics.suppress_small_cells", true) : config;
  }
}
