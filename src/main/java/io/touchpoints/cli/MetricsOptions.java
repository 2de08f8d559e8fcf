package io.touchpoints.cli;

import picocli.CommandLine.Option;

/** Options of the commands that compute touchpoint metrics. */
class MetricsOptions {

  /** Base of the commands that compute metrics: adds {@link MetricsOptions} to the configuration. */
  abstract static class Command extends SparkCommand {
    @picocli.CommandLine.Mixin
    MetricsOptions metricsOptions = new MetricsOptions();
  }

  @SettingKey("metrics.suppress_small_cells")
  @Option(names = "--suppress-small-cells",
      description = "Leave metric figures resting on fewer than metrics.min_cell units empty.")
  boolean suppressSmallCells;
}
