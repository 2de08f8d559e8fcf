package io.touchpoints.metrics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.touchpoints.config.ConfigurationException;
import java.time.Duration;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Definitions behind {@code touchpoint_metrics}: the {@code touchpoints.metrics} block of the defaults file. Public
 * for the benchmark's DuckDB peer, which computes the same table with the same settings.
 *
 * @param dimensions groupings, each of touchpoint, channel, stage
 * @param segmentBreakdown also group by the journey's segment
 * @param conversionWindow "conversions within N days after a touch"
 * @param churnInactivity no event for this long before the data's end = churned
 * @param churnWindow churn within W after touching
 * @param surveyLinkWindow a survey rates the most recent interaction within this before it
 * @param minCell figures resting on fewer units are flagged low_sample
 * @param suppressSmallCells leave low_sample figures empty
 * @param confidence level of every interval, e.g. 0.95
 */
public record MetricsSettings(
    List<String> dimensions,
    boolean segmentBreakdown,
    Duration conversionWindow,
    Duration churnInactivity,
    Duration churnWindow,
    Duration surveyLinkWindow,
    int minCell,
    boolean suppressSmallCells,
    double confidence) {

  public static final List<String> DIMENSIONS = List.of("touchpoint", "channel", "stage");

  public MetricsSettings {
    dimensions = List.copyOf(dimensions);
    if (dimensions.isEmpty() || !DIMENSIONS.containsAll(dimensions)) {
      throw new ConfigurationException("metrics.dimensions must be a non-empty list of " + DIMENSIONS + ", got "
          + dimensions);
    }
    positive("metrics.conversion_window", conversionWindow);
    positive("metrics.churn_inactivity", churnInactivity);
    positive("metrics.churn_window", churnWindow);
    positive("metrics.survey_link_window", surveyLinkWindow);
    if (minCell < 1) {
      throw new ConfigurationException("metrics.min_cell must be at least 1, got " + minCell);
    }
    if (!(confidence > 0.5 && confidence < 1)) {
      throw new ConfigurationException("metrics.confidence must be between 0.5 and 1, got " + confidence);
    }
  }

  /** From the {@code metrics} block. */
  public static MetricsSettings from(Config metrics) {
    try {
      return new MetricsSettings(
          metrics.getStringList("dimensions"),
          metrics.getBoolean("segment_breakdown"),
          metrics.getDuration("conversion_window"),
          metrics.getDuration("churn_inactivity"),
          metrics.getDuration("churn_window"),
          metrics.getDuration("survey_link_window"),
          metrics.getInt("min_cell"),
          metrics.getBoolean("suppress_small_cells"),
          metrics.getDouble("confidence"));
    } catch (ConfigException e) {
      throw new ConfigurationException("bad metrics setting: " + e.getMessage());
    }
  }

  /** A copy that suppresses small cells. */
  public MetricsSettings suppressingSmallCells() {
    return new MetricsSettings(dimensions, segmentBreakdown, conversionWindow, churnInactivity, churnWindow,
        surveyLinkWindow, minCell, true, confidence);
  }

  /** The two-sided normal quantile of {@link #confidence} (1.96 for 0.95). */
  public double z() {
    return new NormalDistribution().inverseCumulativeProbability(1 - (1 - confidence) / 2);
  }

  private static void positive(String key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new ConfigurationException(key + " must be a positive duration, got " + d);
    }
  }
}
