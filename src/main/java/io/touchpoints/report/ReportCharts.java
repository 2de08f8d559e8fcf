package io.touchpoints.report;

import io.touchpoints.attribution.AttributionModel;
import io.touchpoints.metrics.MetricFigure;
import io.touchpoints.model.ModelColumns;
import io.touchpoints.recommend.RecommendColumns;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The report's charts, built from {@link ReportData}; the notebooks call the same methods (and write them as PNG with
 * {@link Chart#writePng}). Scorecard charts sort touchpoints by their value, highest first.
 */
public final class ReportCharts {

  /** The overall metrics of the model comparison, in the order they are drawn. */
  public static final List<String> MODEL_COMPARISON_METRICS = List.of(ModelColumns.TOP1_ACCURACY,
      ModelColumns.TOP3_ACCURACY, ModelColumns.MACRO_F1);

  /** Series of {@link #effects}. */
  public static final String NAIVE = "naive difference (association)";
  public static final String ADJUSTED = "adjusted effect (doubly robust)";

  private ReportCharts() {}

  /** One scorecard figure per touchpoint with its interval; touchpoints without the figure show n/a. */
  public static BarChart scorecard(List<ReportData.Score> scores, MetricFigure figure) {
    String title = figure.shown().chartTitle();
    BarChart chart = BarChart.titled(title).format(format(figure.shown().unit()));
    scores.stream()
        .sorted(Comparator.comparing((ReportData.Score s) -> {
          Double v = s.figure(figure).value();
          return v == null ? Double.NEGATIVE_INFINITY : v;
        }).reversed().thenComparing(ReportData.Score::touchpoint))
        .forEach(s -> {
          ReportData.Estimate e = s.figure(figure);
          chart.bar(s.touchpoint(), title, e.value(), e.low(), e.high());
        });
    return chart;
  }

  /** The scorecard's charts: one per {@link MetricFigure#scorecard()} figure with a chart title, in table order. */
  public static Map<MetricFigure, BarChart> scorecardCharts(List<ReportData.Score> scores) {
    Map<MetricFigure, BarChart> charts = new LinkedHashMap<>();
    for (MetricFigure f : MetricFigure.scorecard()) {
      if (f.shown().chartTitle() != null) {
        charts.put(f, scorecard(scores, f));
      }
    }
    return charts;
  }

  /** How a figure of the given unit is printed in charts and tables. */
  public static BarChart.Format format(MetricFigure.Unit unit) {
    return switch (unit) {
      case COUNT -> BarChart.Format.NUMBER;
      case SHARE -> BarChart.Format.PERCENT;
      case POINTS -> BarChart.Format.POINTS;
      case RATIO, SCORE -> BarChart.Format.DECIMAL;
    };
  }

  /**
   * Conversions credited to each touchpoint by each model, side by side, with the bootstrap interval where the run
   * computed one. {@code models} limits and orders the models (empty: all, in {@link AttributionModel} order).
   */
  public static BarChart attribution(List<ReportData.Credit> credits, List<String> models) {
    BarChart chart = BarChart.titled("Attributed conversions per touchpoint, by model").format(BarChart.Format.NUMBER)
        .width(1000);
    Set<String> order = new LinkedHashSet<>(models);
    if (order.isEmpty()) {
      Set<String> present = new LinkedHashSet<>();
      credits.forEach(c -> present.add(c.model()));
      AttributionModel.ids().stream().filter(present::contains).forEach(order::add);
      order.addAll(present);
    }
    Set<String> touchpoints = new LinkedHashSet<>();
    credits.stream().map(ReportData.Credit::touchpoint).sorted().forEach(touchpoints::add);
    Map<String, ReportData.Credit> byKey = new LinkedHashMap<>();
    credits.forEach(c -> byKey.put(c.touchpoint() + "\u0000" + c.model(), c));
    for (String t : touchpoints) {
      for (String m : order) {
        ReportData.Credit c = byKey.get(t + "\u0000" + m);
        if (c != null) {
          chart.bar(t, m, c.conversions(), c.low(), c.high());
        }
      }
    }
    return chart;
  }

  /** The largest first-order transitions as a flow diagram. */
  public static FlowDiagram flow(List<FlowDiagram.Link> links) {
    FlowDiagram chart = FlowDiagram.titled("Touchpoint-to-touchpoint flow: the " + links.size()
        + " largest first-order transitions");
    links.forEach(l -> chart.link(l.from(), l.to(), l.value()));
    return chart;
  }

  public static BarChart counts(String title, List<ReportData.Count> counts, boolean sortByCount) {
    BarChart chart = BarChart.titled(title).format(BarChart.Format.NUMBER);
    List<ReportData.Count> rows = new ArrayList<>(counts);
    if (sortByCount) {
      rows.sort(Comparator.comparingLong(ReportData.Count::count).reversed().thenComparing(ReportData.Count::key));
    }
    rows.forEach(c -> chart.bar(c.key(), (double) c.count()));
    return chart;
  }

  /** Overall metrics of the model and its baselines (top-1, top-3 accuracy, macro F1), one group per model. */
  /** An overall metric of a model, or null (e.g. the interval bounds of a metric that has none). */
  private static Double overall(List<ReportData.ModelMetric> metrics, String model, String metric) {
    return metrics.stream().filter(m -> m.touchpoint() == null && m.model().equals(model) && m.metric().equals(metric))
        .map(ReportData.ModelMetric::value).findFirst().orElse(null);
  }

  public static BarChart modelComparison(List<ReportData.ModelMetric> metrics) {
    BarChart chart = BarChart.titled("Next-touchpoint model against baselines (test split)")
        .format(BarChart.Format.PERCENT);
    Set<String> models = new LinkedHashSet<>();
    metrics.stream().filter(m -> m.touchpoint() == null).forEach(m -> models.add(m.model()));
    for (String model : models) {
      for (String metric : MODEL_COMPARISON_METRICS) {
        metrics.stream().filter(m -> m.touchpoint() == null && m.model().equals(model) && m.metric().equals(metric))
            .findFirst().ifPresent(m -> chart.bar(model, metric, m.value(), overall(metrics, model, metric + "_low_95"),
                overall(metrics, model, metric + "_high_95")));
      }
    }
    return chart;
  }

  /**
   * Naive difference against adjusted effect per touchpoint for one outcome, each with its 95% interval; touchpoints
   * by adjusted effect, largest first (skipped ones, n/a, last).
   */
  public static BarChart effects(List<ReportData.Effect> effects, String outcome) {
    BarChart chart = BarChart.titled("Effect on " + outcome + ": naive difference against adjusted effect, 95% "
        + "intervals").format(BarChart.Format.POINTS);
    effects.stream().filter(e -> e.outcome().equals(outcome))
        .sorted(Comparator.comparing((ReportData.Effect e) -> {
          Double v = e.adjusted().value();
          return v == null ? Double.NEGATIVE_INFINITY : v;
        }).reversed().thenComparing(ReportData.Effect::touchpoint))
        .forEach(e -> {
          chart.bar(e.touchpoint(), NAIVE, e.naive().value(), e.naive().low(), e.naive().high());
          chart.bar(e.touchpoint(), ADJUSTED, e.adjusted().value(), e.adjusted().low(), e.adjusted().high());
        });
    return chart;
  }

  /**
   * The Qini curve of every candidate in {@code uplift_metrics}: x the share of journeys targeted (largest predicted
   * uplift first), y the cumulative doubly robust gain per journey of the whole population, from (0, 0) through the
   * stored points; dashed, each candidate's random line p x Q(100%). Candidates by Qini coefficient, largest first.
   */
  public static LineChart qini(List<ReportData.UpliftMetric> metrics) {
    LineChart chart = LineChart.titled("Qini curves: conversions gained by targeting the journeys of largest "
            + "predicted uplift first")
        .x("share of journeys targeted, largest predicted uplift first", BarChart.Format.PERCENT)
        .y("cumulative gain per journey of the whole population (percentage points)", BarChart.Format.POINTS)
        .referenceLabel("random targeting (dashed)");
    Map<String, Double> coefficients = new LinkedHashMap<>();
    metrics.stream().filter(m -> m.metric().equals(RecommendColumns.QINI))
        .forEach(m -> coefficients.put(m.candidate(), m.estimate().value()));
    List<String> candidates = new ArrayList<>(coefficients.keySet());
    candidates.sort(Comparator.comparing((String k) -> {
      Double v = coefficients.get(k);
      return v == null ? Double.NEGATIVE_INFINITY : v;
    }).reversed().thenComparing(Function.identity()));
    for (String k : candidates) {
      List<LineChart.Point> points = new ArrayList<>();
      points.add(new LineChart.Point(0, 0));
      for (int p : RecommendColumns.QINI_AT) {
        Double q = upliftMetric(metrics, k, RecommendColumns.qiniAt(p)).value();
        if (q != null) {
          points.add(new LineChart.Point(p / 100.0, q));
        }
      }
      Double all = upliftMetric(metrics, k, RecommendColumns.qiniAt(100)).value();
      if (points.size() > 1) {
        chart.line(k, points);
        if (all != null) {
          chart.reference(k, List.of(new LineChart.Point(0, 0), new LineChart.Point(1, all)));
        }
      }
    }
    return chart;
  }

  /** A figure of {@code uplift_metrics}; all parts null when the table has none. */
  public static ReportData.Estimate upliftMetric(List<ReportData.UpliftMetric> metrics, String candidate,
      String metric) {
    return metrics.stream().filter(m -> m.candidate().equals(candidate) && m.metric().equals(metric))
        .map(ReportData.UpliftMetric::estimate).findFirst().orElse(new ReportData.Estimate(null, null, null));
  }
}
