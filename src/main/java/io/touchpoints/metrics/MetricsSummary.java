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

  private record Ranking(String title, String figure, String group, boolean percent, boolean higherIsBetter) {}

  private static final List<Ranking> RANKINGS = List.of(
      new Ranking("conversion lift", MetricColumns.LIFT, "conversion", true, true),
      new Ranking("churn rate", MetricColumns.CHURN_RATE, "churn", true, false),
      new Ranking("NPS", MetricColumns.NPS, "nps", false, true));

  public static void print(Dataset<Row> metrics, MetricsSettings settings, StageReporter reporter) {
    List<Row> rows = metrics
        .filter(col(MetricColumns.DIMENSION).equalTo("touchpoint").and(col(MetricColumns.SEGMENT).isNull()))
        .collectAsList();
    for (Ranking ranking : RANKINGS) {
      List<Row> ranked = new ArrayList<>();
      for (Row row : rows) {
        List<String> low = row.getList(row.fieldIndex(MetricColumns.LOW_SAMPLE));
        if (!row.isNullAt(row.fieldIndex(ranking.figure())) && !low.contains(ranking.group())) {
          ranked.add(row);
        }
      }
      if (ranked.isEmpty()) {
        reporter.line("  " + ranking.title() + ": no touchpoint with at least " + settings.minCell() + " units");
        continue;
      }
      ToDoubleFunction<Row> value = r -> r.<Double>getAs(ranking.figure());
      ranked.sort(Comparator.comparingDouble(value).reversed());
      Row best = ranking.higherIsBetter() ? ranked.get(0) : ranked.get(ranked.size() - 1);
      Row worst = ranking.higherIsBetter() ? ranked.get(ranked.size() - 1) : ranked.get(0);
      reporter.line(String.format(Locale.ROOT, "  %-16s best %s, worst %s", ranking.title() + ":",
          describe(best, ranking), describe(worst, ranking)));
    }
  }

  private static String describe(Row row, Ranking ranking) {
    double scale = ranking.percent() ? 100 : 1;
    String unit = ranking.percent() ? " pp" : "";
    if (ranking.figure().equals(MetricColumns.CHURN_RATE)) {
      unit = "%";
    }
    Double low = row.getAs(ranking.figure() + MetricColumns.LOW);
    Double high = row.getAs(ranking.figure() + MetricColumns.HIGH);
    return String.format(Locale.ROOT, "%s %+.1f%s [%.1f, %.1f]", row.<String>getAs(MetricColumns.NAME),
        row.<Double>getAs(ranking.figure()) * scale, unit, low * scale, high * scale)
        .replace("+", ranking.figure().equals(MetricColumns.CHURN_RATE) ? "" : "+");
  }
}
