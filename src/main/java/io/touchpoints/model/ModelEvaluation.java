package io.touchpoints.model;

import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores the model and the baselines identically, from the scored form: one row per (model, test prefix) with the
 * actual next touchpoint ({@link ModelColumns#LABEL}) and probabilities aligned with the label vocabulary
 * ({@link ModelColumns#PROBABILITIES}).
 *
 * <ul>
 *   <li>Prediction: the most probable label; ties go to the earlier label in the vocabulary.</li>
 *   <li>top-1 / top-3 accuracy: share of prefixes whose actual next touchpoint ranks first / in the first three
 *       (same ranking and tie rule). An actual touchpoint outside the vocabulary (never a label in training) is a
 *       miss with probability 0.</li>
 *   <li>log loss: mean of −ln(max(p(actual), ε)), ε = {@code model.log_loss_epsilon} (1e-15).</li>
 *   <li>per touchpoint, over every touchpoint that is actual or predicted at least once: support (actual count),
 *       precision (0 when never predicted), recall (0 when it never occurs); macro-F1 = unweighted mean of their
 *       F1 (0 where precision + recall = 0), as scikit-learn's {@code f1_score(average="macro")}.</li>
 * </ul>
 *
 * <p>Spark computes one aggregate per model and the confusion counts (model, actual, predicted): at most
 * models × V² rows, collected; precision, recall and F1 come from them on the driver.
 */
final class ModelEvaluation {

  /** One long-form metric; touchpoint is null for the overall ones. */
  public record MetricRow(String model, String metric, String touchpoint, double value) {}

  /** Metrics and the confusion table (model, actual, predicted, count). */
  public record Result(List<MetricRow> metrics, Dataset<Row> confusion) {

    /** A metric of a model against another (the touchpoint column names it); NaN when absent. */
    public double paired(String model, String metric, String other) {
      return metrics.stream().filter(m -> m.model().equals(model) && m.metric().equals(metric)
              && other != null && other.equals(m.touchpoint())).mapToDouble(MetricRow::value).findFirst()
          .orElse(Double.NaN);
    }

    /** The same metrics with these rows added. */
    public Result with(List<MetricRow> more) {
      List<MetricRow> all = new ArrayList<>(metrics);
      all.addAll(more);
      return new Result(List.copyOf(all), confusion);
    }

    /** An overall metric of a model; NaN when absent. */
    public double overall(String model, String metric) {
      return metrics.stream().filter(m -> m.model().equals(model) && m.metric().equals(metric)
              && m.touchpoint() == null).mapToDouble(MetricRow::value).findFirst().orElse(Double.NaN);
    }
  }

  public static final StructType CONFUSION_SCHEMA = new StructType()
      .add(ModelColumns.MODEL, DataTypes.StringType, false)
      .add(ModelColumns.ACTUAL, DataTypes.StringType, true)
      .add(ModelColumns.PREDICTED, DataTypes.StringType, true)
      .add(ModelColumns.COUNT, DataTypes.LongType, false);

  private ModelEvaluation() {}

  /**
   * Evaluates every model in {@code scored}.
   *
   * @param models the models in report order (those absent from scored are left out)
   */
  public static Result evaluate(SparkSession spark, Dataset<Row> scored, List<String> vocabulary,
      List<String> models, double epsilon) {
    Column[] items = vocabulary.stream().map(functions::lit).toArray(Column[]::new);
    Column vocab = functions.array(items).cast("array<string>");
    Column probs = col(ModelColumns.PROBABILITIES);
    Dataset<Row> indexed = scored
        .withColumn("_label_idx", array_position(vocab, col(ModelColumns.LABEL)).minus(1).cast(DataTypes.IntegerType))
        .withColumn("_p_label", when(col("_label_idx").geq(0), call_function("get", probs, col("_label_idx")))
            .otherwise(lit(0.0)))
        .withColumn("_pred_idx", array_position(probs, array_max(probs)).minus(1).cast(DataTypes.IntegerType));
    Column pLabel = col("_p_label");
    Column labelIdx = col("_label_idx");
    Column ranksAbove = size(filter(probs, (p, i) -> p.gt(pLabel).or(p.equalTo(pLabel).and(i.lt(labelIdx)))));
    Dataset<Row> judged = indexed.select(
        col(ModelColumns.MODEL),
        col(ModelColumns.LABEL).as(ModelColumns.ACTUAL),
        call_function("get", vocab, col("_pred_idx")).as(ModelColumns.PREDICTED),
        when(labelIdx.geq(0).and(ranksAbove.lt(3)), 1).otherwise(0).as("_top3"),
        log(greatest(pLabel, lit(epsilon))).multiply(-1).as("_loss"));

    Map<String, double[]> totals = new LinkedHashMap<>();
    for (Row r : judged.groupBy(col(ModelColumns.MODEL))
        .agg(count(lit(1)), sum(col("_top3")), sum(col("_loss"))).collectAsList()) {
      totals.put(r.getString(0), new double[] {r.getLong(1), r.getLong(2), r.getDouble(3)});
    }
    List<Row> confusionRows = judged
        .groupBy(col(ModelColumns.MODEL), col(ModelColumns.ACTUAL), col(ModelColumns.PREDICTED))
        .agg(count(lit(1)).as(ModelColumns.COUNT))
        .orderBy(ModelColumns.MODEL, ModelColumns.ACTUAL, ModelColumns.PREDICTED)
        .collectAsList();

    List<MetricRow> metrics = new ArrayList<>();
    for (String model : models) {
      double[] t = totals.get(model);
      if (t == null) {
        continue;
      }
      metrics.addAll(metricsOf(model, t, confusionRows));
    }
    return new Result(metrics, spark.createDataFrame(confusionRows, CONFUSION_SCHEMA));
  }

  private static List<MetricRow> metricsOf(String model, double[] totals, List<Row> confusion) {
    double n = totals[0];
    long correct = 0;
    Map<String, Long> support = new TreeMap<>();
    Map<String, Long> predicted = new TreeMap<>();
    Map<String, Long> hits = new TreeMap<>();
    TreeSet<String> labels = new TreeSet<>();
    for (Row r : confusion) {
      if (!model.equals(r.getString(0))) {
        continue;
      }
      String actual = r.isNullAt(1) ? null : r.getString(1);
      String guess = r.isNullAt(2) ? null : r.getString(2);
      long c = r.getLong(3);
      if (actual != null) {
        labels.add(actual);
        support.merge(actual, c, Long::sum);
      }
      if (guess != null) {
        labels.add(guess);
        predicted.merge(guess, c, Long::sum);
      }
      if (actual != null && actual.equals(guess)) {
        correct += c;
        hits.merge(actual, c, Long::sum);
      }
    }
    List<MetricRow> rows = new ArrayList<>();
    List<MetricRow> perTouchpoint = new ArrayList<>();
    double f1Sum = 0;
    for (String label : labels) {
      long tp = hits.getOrDefault(label, 0L);
      long s = support.getOrDefault(label, 0L);
      long p = predicted.getOrDefault(label, 0L);
      double precision = p == 0 ? 0 : (double) tp / p;
      double recall = s == 0 ? 0 : (double) tp / s;
      f1Sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      perTouchpoint.add(new MetricRow(model, ModelColumns.PRECISION, label, precision));
      perTouchpoint.add(new MetricRow(model, ModelColumns.RECALL, label, recall));
      perTouchpoint.add(new MetricRow(model, ModelColumns.SUPPORT, label, s));
    }
    rows.add(new MetricRow(model, ModelColumns.TOP1_ACCURACY, null, n == 0 ? Double.NaN : correct / n));
    rows.add(new MetricRow(model, ModelColumns.TOP3_ACCURACY, null, n == 0 ? Double.NaN : totals[1] / n));
    rows.add(new MetricRow(model, ModelColumns.MACRO_F1, null, labels.isEmpty() ? Double.NaN : f1Sum / labels.size()));
    rows.add(new MetricRow(model, ModelColumns.LOG_LOSS, null, n == 0 ? Double.NaN : totals[2] / n));
    rows.addAll(perTouchpoint);
    return rows;
  }

  /**
   * The overall metrics side by side, one line per model (what {@code train} prints), with the 95% interval of
   * top-1 accuracy, the seconds of each fit and, for the chosen model (marked *), its paired gain over the best
   * other candidate.
   */
  public static List<String> summaryLines(Result result, List<String> models, Map<String, Double> fitSeconds) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "  %-22s %13s %17s %13s %9s %9s %7s", "model", "top1_accuracy",
        "95% interval", "top3_accuracy", "macro_f1", "log_loss", "fit_s"));
    String chosen = null;
    for (String model : models) {
      double top1 = result.overall(model, ModelColumns.TOP1_ACCURACY);
      if (Double.isNaN(top1)) {
        continue;
      }
      boolean isChosen = result.overall(model, ModelColumns.CHOSEN) == 1.0;
      chosen = isChosen ? model : chosen;
      Double seconds = fitSeconds.get(model);
      lines.add(String.format(Locale.ROOT, "  %-22s %13.4f %17s %13.4f %9.4f %9.4f %7s", model + (isChosen ? " *" : ""),
          top1, interval(result.overall(model, ModelColumns.TOP1_ACCURACY + ModelColumns.LOW_95),
              result.overall(model, ModelColumns.TOP1_ACCURACY + ModelColumns.HIGH_95)),
          result.overall(model, ModelColumns.TOP3_ACCURACY), result.overall(model, ModelColumns.MACRO_F1),
          result.overall(model, ModelColumns.LOG_LOSS),
          seconds == null ? "" : String.format(Locale.ROOT, "%.1f", seconds)));
    }
    if (chosen != null) {
      String best = null;
      for (String model : models) {
        if (!model.equals(chosen) && !Double.isNaN(result.overall(model, ModelColumns.TOP1_ACCURACY)) && (best == null
            || result.overall(model, ModelColumns.TOP1_ACCURACY) > result.overall(best, ModelColumns.TOP1_ACCURACY))) {
          best = model;
        }
      }
      double gain = result.paired(chosen, ModelColumns.TOP1_GAIN, best);
      if (best != null && !Double.isNaN(gain)) {
        lines.add(String.format(Locale.ROOT, "  * chosen; top-1 gain over %s (the best other): %+.4f %s, ECE %.4f",
            best, gain, interval(result.paired(chosen, ModelColumns.TOP1_GAIN + ModelColumns.LOW_95, best),
                result.paired(chosen, ModelColumns.TOP1_GAIN + ModelColumns.HIGH_95, best)),
            result.overall(chosen, ModelColumns.CALIBRATION_ERROR)));
      }
    }
    return lines;
  }

  private static String interval(double low, double high) {
    return Double.isNaN(low) ? "" : String.format(Locale.ROOT, "[%.4f, %.4f]", low, high);
  }
}
