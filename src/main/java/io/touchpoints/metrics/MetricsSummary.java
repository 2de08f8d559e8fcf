package io.touchpoints.metrics;

import static org.apache.spark.sql.functions.col;

import io.touchpoints.pipeline.StageReporter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The printed end-of-run summary: the best and worst touchpoints by conversion lift, churn risk and NPS, each with
 * its interval. Reads the touchpoint rows over all segments (one per touchpoint: small by construction) and leaves
 * out figures flagged low_sample.
 */
final class MetricsSummary {

  private MetricsSummary() {}

  public static void print(Dataset<Row> metrics, MetricsSettings settings, StageReporter reporter) {
    List<Row> rows = metrics
        .filter(col(MetricColumns.DIMENSION).equalTo("touchpoint").and(col(MetricColumns.SEGMENT).isNull()))
        .collectAsList();
    for (MetricFigure figure : MetricFigure.scorecard()) {
      MetricFigure.Shown shown = figure.shown();
      if (shown.better() == null) {
        continue;
      }
      List<Row> ranked = new ArrayList<>();
      for (Row row : rows) {
        List<String> low = row.getList(row.fieldIndex(MetricColumns.LOW_SAMPLE));
        if (!row.isNullAt(row.fieldIndex(figure.column())) && !low.contains(figure.group().label())) {
          ranked.add(row);
        }
      }
      if (ranked.isEmpty()) {
        reporter.line("  " + shown.summaryLabel() + ": no touchpoint with at least " + settings.minCell() + " units");
        continue;
      }
      ToDoubleFunction<Row> value = r -> r.<Double>getAs(figure.column());
      ranked.sort(Comparator.comparingDouble(value).reversed());
      boolean higherIsBetter = shown.better() == MetricFigure.Better.HIGHER;
      Row best = higherIsBetter ? ranked.get(0) : ranked.get(ranked.size() - 1);
      Row worst = higherIsBetter ? ranked.get(ranked.size() - 1) : ranked.get(0);
      reporter.line(String.format(Locale.ROOT, "  %-16s best %s, worst %s", shown.summaryLabel() + ":",
          describe(best, figure), describe(worst, figure)));
    }
  }

  private static String describe(Row row, MetricFigure figure) {
    String value = print(row.<Double>getAs(figure.column()), figure.shown().unit(), true);
    String low = print(row.<Double>getAs(figure.lowColumn()), figure.shown().unit(), false);
    String high = print(row.<Double>getAs(figure.highColumn()), figure.shown().unit(), false);
    return row.<String>getAs(MetricColumns.NAME) + " " + value + " [" + low + ", " + high + "]";
  }

  /** Shares as percent, points as signed percentage points, scores signed as they are. */
  private static String print(double v, MetricFigure.Unit unit, boolean withUnit) {
    return switch (unit) {
      case SHARE -> String.format(Locale.ROOT, "%.1f", v * 100) + (withUnit ? "%" : "");
      case POINTS -> String.format(Locale.ROOT, withUnit ? "%+.1f pp" : "%.1f", v * 100);
      default -> String.format(Locale.ROOT, withUnit ? "%+.1f" : "%.1f", v);
    };
  }
}
