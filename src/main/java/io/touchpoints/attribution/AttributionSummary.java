package io.touchpoints.attribution;

import static org.apache.spark.sql.functions.col;

import io.touchpoints.pipeline.StageReporter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Prints the models side by side: one line per touchpoint, conversions credited by each model (the attribution
 * table has one row per model and touchpoint: small by construction).
 */
final class AttributionSummary {

  private AttributionSummary() {}

  public static void print(Dataset<Row> attribution, StageReporter reporter) {
    Map<String, Map<String, Double>> credits = new TreeMap<>();
    TreeSet<String> present = new TreeSet<>();
    for (Row r : attribution.select(col(AttributionColumns.MODEL), col(AttributionColumns.TOUCHPOINT),
        col(AttributionColumns.CONVERSIONS)).collectAsList()) {
      credits.computeIfAbsent(r.getString(1), t -> new TreeMap<>()).put(r.getString(0), r.getDouble(2));
      present.add(r.getString(0));
    }
    List<String> models = new ArrayList<>(AttributionModel.ids());
    models.retainAll(present);
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-18s", "touchpoint"));
    models.forEach(m -> header.append(String.format(Locale.ROOT, " %15s", m)));
    reporter.line(header.toString());
    credits.forEach((touchpoint, byModel) -> {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-18s", touchpoint));
      models.forEach(m -> line.append(String.format(Locale.ROOT, " %15.2f", byModel.getOrDefault(m, 0.0))));
      reporter.line(line.toString());
    });
  }
}
