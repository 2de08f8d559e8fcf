package io.touchpoints.model;

import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.touchpoints.attribution.PercentileInterval;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * How sure the comparison of the candidates on the test split is, and how calibrated their probabilities are, from
 * the scored form ({@link ModelEvaluation}) with {@link ModelColumns#JOURNEY_ID}.
 *
 * <ul>
 *   <li>95% interval of every model's top-1 accuracy: a percentile bootstrap over test journeys, since the prefixes
 *       of one journey are not independent. Journeys are hashed (seeded) into {@code model.interval_groups} groups,
 *       and groups are resampled with replacement as units: with fewer journeys than groups this is the journey
 *       bootstrap itself; with more, each group is a random set of whole journeys, which leaves the variance of a
 *       mean of independent journeys unchanged while keeping what reaches the driver small (models × groups
 *       rows).</li>
 *   <li>The paired difference of top-1 accuracy between the chosen model and every other candidate, on the same
 *       resamples (paired: the prefixes both got right or both missed cancel out).</li>
 *   <li>Calibration: the top-1 probability is binned into {@code model.calibration_bins} equal-width bins; the
 *       expected calibration error is Σ (n_b / N) · |accuracy_b − mean probability_b|; the reliability table (the
 *       chosen model's bins) gives both per bin.</li>
 * </ul>
 */
final class ModelComparison {

  private ModelComparison() {}

  /**
   * Intervals, paired differences and calibration rows for {@code models} (those absent from scored are left out).
   *
   * @param chosen the model the paired differences are taken from and whose reliability table is reported
   */
  static List<ModelEvaluation.MetricRow> compare(Dataset<Row> scored, List<String> vocabulary, List<String> models,
      String chosen, ModelSettings settings) {
    Column vocab = functions.array(vocabulary.stream().map(functions::lit).toArray(Column[]::new))
        .cast("array<string>");
    Column probs = col(ModelColumns.PROBABILITIES);
    Column confidence = array_max(probs);
    Column hit = array_position(probs, confidence).equalTo(array_position(vocab, col(ModelColumns.LABEL)))
        .and(array_position(vocab, col(ModelColumns.LABEL)).gt(0));
    int bins = settings.calibrationBins();
    Dataset<Row> judged = scored.select(
            col(ModelColumns.MODEL),
            pmod(xxhash64(col(ModelColumns.JOURNEY_ID), lit(settings.seed())), lit(settings.intervalGroups()))
                .as("_group"),
            when(hit, 1).otherwise(0).as("_hit"),
            confidence.as("_confidence"),
            least(floor(confidence.multiply(bins)), lit(bins - 1)).cast("int").as("_bin"))
        .persist();
    try {
      // model -> group -> {hits, prefixes}
      Map<String, Map<Long, long[]>> groups = new HashMap<>();
      for (Row r : judged.groupBy(col(ModelColumns.MODEL), col("_group"))
          .agg(sum(col("_hit")), count(lit(1))).collectAsList()) {
        groups.computeIfAbsent(r.getString(0), m -> new TreeMap<>())
            .put(r.getLong(1), new long[] {r.getLong(2), r.getLong(3)});
      }
      // model -> bin -> {prefixes, hits, sum of confidence}
      Map<String, Map<Integer, double[]>> calibration = new HashMap<>();
      for (Row r : judged.groupBy(col(ModelColumns.MODEL), col("_bin"))
          .agg(count(lit(1)), sum(col("_hit")), sum(col("_confidence"))).collectAsList()) {
        calibration.computeIfAbsent(r.getString(0), m -> new TreeMap<>())
            .put(r.getInt(1), new double[] {r.getLong(2), r.getLong(3), r.getDouble(4)});
      }
      List<String> present = models.stream().filter(groups::containsKey).toList();
      List<ModelEvaluation.MetricRow> rows = new ArrayList<>();
      rows.addAll(intervals(groups, present, chosen, settings));
      for (String model : present) {
        rows.addAll(calibration(model, calibration.get(model), bins, model.equals(chosen)));
      }
      return rows;
    } finally {
      judged.unpersist();
    }
  }

  /** Bootstrap intervals of top-1 accuracy and of the chosen model's paired gains, from per-group tallies. */
  static List<ModelEvaluation.MetricRow> intervals(Map<String, Map<Long, long[]>> groups, List<String> models,
      String chosen, ModelSettings settings) {
    List<Long> ids = new ArrayList<>(new java.util.TreeSet<>(groups.values().stream()
        .flatMap(g -> g.keySet().stream()).toList()));
    int g = ids.size();
    int m = models.size();
    long[][] hits = new long[m][g];
    long[][] totals = new long[m][g];
    for (int i = 0; i < m; i++) {
      Map<Long, long[]> byGroup = groups.get(models.get(i));
      for (int j = 0; j < g; j++) {
        long[] t = byGroup.getOrDefault(ids.get(j), new long[2]);
        hits[i][j] = t[0];
        totals[i][j] = t[1];
      }
    }
    int replicates = settings.intervalReplicates();
    double[][] accuracy = new double[m][replicates];
    SplittableRandom rng = new SplittableRandom(settings.seed());
    int[] draws = new int[g];
    for (int b = 0; b < replicates; b++) {
      java.util.Arrays.fill(draws, 0);
      for (int k = 0; k < g; k++) {
        draws[rng.nextInt(g)]++;
      }
      for (int i = 0; i < m; i++) {
        double h = 0;
        double n = 0;
        for (int j = 0; j < g; j++) {
          h += draws[j] * (double) hits[i][j];
          n += draws[j] * (double) totals[i][j];
        }
        accuracy[i][b] = n == 0 ? Double.NaN : h / n;
      }
    }
    List<ModelEvaluation.MetricRow> rows = new ArrayList<>();
    for (int i = 0; i < m; i++) {
      PercentileInterval interval = PercentileInterval.of(accuracy[i], 0.95);
      rows.add(new ModelEvaluation.MetricRow(models.get(i), ModelColumns.TOP1_ACCURACY + ModelColumns.LOW_95, null,
          interval.low()));
      rows.add(new ModelEvaluation.MetricRow(models.get(i), ModelColumns.TOP1_ACCURACY + ModelColumns.HIGH_95, null,
          interval.high()));
    }
    int c = models.indexOf(chosen);
    if (c < 0) {
      return rows;
    }
    for (int i = 0; i < m; i++) {
      if (i == c) {
        continue;
      }
      double[] gain = new double[replicates];
      for (int b = 0; b < replicates; b++) {
        gain[b] = accuracy[c][b] - accuracy[i][b];
      }
      double point = ratio(hits[c], totals[c]) - ratio(hits[i], totals[i]);
      PercentileInterval interval = PercentileInterval.of(gain, 0.95);
      String other = models.get(i);
      rows.add(new ModelEvaluation.MetricRow(chosen, ModelColumns.TOP1_GAIN, other, point));
      rows.add(new ModelEvaluation.MetricRow(chosen, ModelColumns.TOP1_GAIN + ModelColumns.LOW_95, other,
          interval.low()));
      rows.add(new ModelEvaluation.MetricRow(chosen, ModelColumns.TOP1_GAIN + ModelColumns.HIGH_95, other,
          interval.high()));
    }
    return rows;
  }

  private static double ratio(long[] hits, long[] totals) {
    double h = 0;
    double n = 0;
    for (int j = 0; j < hits.length; j++) {
      h += hits[j];
      n += totals[j];
    }
    return n == 0 ? Double.NaN : h / n;
  }

  /** The expected calibration error, and with {@code table} the reliability rows, from per-bin tallies. */
  static List<ModelEvaluation.MetricRow> calibration(String model, Map<Integer, double[]> byBin, int bins,
      boolean table) {
    double n = byBin.values().stream().mapToDouble(t -> t[0]).sum();
    double ece = 0;
    List<ModelEvaluation.MetricRow> rows = new ArrayList<>();
    for (Map.Entry<Integer, double[]> e : byBin.entrySet()) {
      double[] t = e.getValue();
      double accuracy = t[1] / t[0];
      double meanConfidence = t[2] / t[0];
      ece += t[0] / n * Math.abs(accuracy - meanConfidence);
      if (table) {
        int bin = e.getKey();
        String label = String.format(Locale.ROOT, "[%.2f, %.2f%s", (double) bin / bins, (double) (bin + 1) / bins,
            bin == bins - 1 ? "]" : ")");
        rows.add(new ModelEvaluation.MetricRow(model, ModelColumns.RELIABILITY_CONFIDENCE, label, meanConfidence));
        rows.add(new ModelEvaluation.MetricRow(model, ModelColumns.RELIABILITY_ACCURACY, label, accuracy));
        rows.add(new ModelEvaluation.MetricRow(model, ModelColumns.RELIABILITY_COUNT, label, t[0]));
      }
    }
    rows.add(0, new ModelEvaluation.MetricRow(model, ModelColumns.CALIBRATION_ERROR, null, ece));
    return rows;
  }
}
