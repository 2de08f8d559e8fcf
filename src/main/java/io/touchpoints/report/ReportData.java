package io.touchpoints.report;

import io.touchpoints.metrics.MetricFigure;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Everything the report shows, collected to the driver by {@link ReportBuilder}: small aggregates only (one row per
 * touchpoint, model, stage, quarantine reason, path length, the top transitions and paths, (touchpoint, outcome)
 * effect and (candidate, metric) of the uplift evaluation). Lists are empty when the run did not write the table they
 * come from.
 */
public record ReportData(
    String output,
    LocalDate runDate,
    List<Stage> stages,
    JourneySummary journeys,
    List<Count> quarantineReasons,
    List<Count> pathLengths,
    List<TopPath> topPaths,
    List<Score> scorecard,
    List<Credit> attribution,
    List<FlowDiagram.Link> transitions,
    List<ModelMetric> modelMetrics,
    List<Effect> effects,
    List<UpliftMetric> upliftMetrics) {

  /** One stage of the newest run of the run date, from the {@code runs} ledger. */
  public record Stage(String runId, String command, String stage, String status, Double seconds, Long rowsIn,
      Long rowsOut, Long rowsQuarantined, Long rowsDuplicate, String message) {}

  /** Totals of the {@code journeys} table; null when there is none. */
  public record JourneySummary(long journeys, long customers, long converted, double revenue, long distinctPaths,
      double meanTouches, double meanSessions) {}

  /** A count per key (quarantine reason, path length). */
  public record Count(String key, long count) {}

  /** A path of the {@code paths} table. */
  public record TopPath(String path, long journeys, double conversions) {}

  /** An estimate with its interval; any part may be null (no data, or a suppressed small cell). */
  public record Estimate(Double value, Double low, Double high) {}

  /**
   * A touchpoint's row of {@code touchpoint_metrics} (all segments): every {@link MetricFigure#scorecard()} figure,
   * read by column name, and the groups flagged low_sample.
   */
  public record Score(String touchpoint, Map<MetricFigure, Estimate> figures, List<String> lowSample) {
    public Score {
      figures = Map.copyOf(figures);
      lowSample = List.copyOf(lowSample);
    }

    /** The figure's estimate; all parts null when the row has none. */
    public Estimate figure(MetricFigure figure) {
      return figures.getOrDefault(figure, new Estimate(null, null, null));
    }
  }

  /** A model's credit to a touchpoint, from {@code attribution}. */
  public record Credit(String model, String touchpoint, Double conversions, Double low, Double high,
      Double share) {}

  /** A row of {@code model_metrics} (the next-touchpoint model and its baselines). */
  public record ModelMetric(String model, String metric, String touchpoint, double value, String split,
      Long trainExamples, Long testExamples) {}

  /**
   * A row of {@code touchpoint_effects}: the naive difference (association) and the doubly robust adjusted effect,
   * both differences in probability with their 95% intervals, and the overlap diagnostics. {@code adjusted} is all
   * null and {@code note} says why when the touchpoint was skipped.
   */
  public record Effect(String touchpoint, String outcome, Long treated, Long control, Estimate naive,
      Estimate adjusted, String method, Double outsideClipShare, Double effectiveTreated, Double effectiveControl,
      String note) {}

  /** A row of {@code uplift_metrics}: a candidate's or a policy's figure, with its interval where it has one. */
  public record UpliftMetric(String candidate, String metric, Estimate estimate) {}
}
