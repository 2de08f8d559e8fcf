package io.touchpoints.recommend;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.ntile;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.effects.UpliftScores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;

/**
 * Evaluation of the uplift scores on the units (journeys whose horizon has passed), all from cross-fitted
 * predictions. Per journey i and candidate k, with propensity e, outcome y, treatment t and predictions mu1, mu0 of
 * the models that did not see the customer, the doubly robust scores are
 * G1 = mu1 + t (y - mu1) / e (conversion if the journey includes k), G0 = mu0 + (1 - t)(y - mu0) / (1 - e) (if not),
 * and psi = G1 - G0 (its effect). Every figure below is a mean of these scores, so it estimates what it says under
 * the effects' assumptions (no unmeasured confounding at the journey's start, overlap), not only where the data
 * happened to put k.
 *
 * <ul>
 *   <li>Per candidate: the average effect (mean psi), uplift at p% (mean psi among the top p% of journeys by predicted
 *   uplift, {@link UpliftScores#UPLIFT}), the Qini curve at every tenth (Q at p%) and the Qini coefficient (area
 *   between the curve of cumulative psi per journey over the targeted share and the random line).</li>
 *   <li>Policies: the recommended policy gives each journey its candidate of largest predicted uplift; "best single"
 *   gives everyone the candidate of largest average effect; "no touchpoint" withholds the recommended one.
 *   Conversion rates are means of G1 (G0 for "no touchpoint"). The gains are means of per-journey differences, so
 *   their intervals (clustered by customer) account for the scores' correlation: over no touchpoint, psi of the
 *   recommended candidate; over the best single touchpoint, psi of the recommended candidate minus psi of the best
 *   single one (the policy ranks by effect, so it is compared by effect; the fall-back, which gives everyone the
 *   best single touchpoint, has a gain of exactly 0).</li>
 *   <li>Heterogeneity is distinguishable when the gain over the best single touchpoint has its interval above 0;
 *   otherwise the ranking falls back to the average effects.</li>
 * </ul>
 */
final class PolicyEvaluation {

  private static final String TAU = "_tau";
  private static final String G1 = "_g1";
  private static final String G0 = "_g0";
  private static final String PSI = "_psi";
  private static final int BUCKETS = 100;

  /**
   * @param metrics the uplift_metrics rows
   * @param averageEffects mean psi per candidate
   * @param bestSingle the candidate of largest average effect
   * @param gainVsBest the recommended policy's gain over the best single touchpoint
   * @param personalised whether that gain's interval lies above 0
   * @param shares share of units the recommended policy gives each candidate
   */
  record Result(List<Row> metrics, Map<String, ClusteredMeans.Mean> averageEffects, String bestSingle,
      ClusteredMeans.Mean gainVsBest, boolean personalised, Map<String, Double> shares) {}

  private PolicyEvaluation() {}

  static Result evaluate(Dataset<Row> scores, List<String> candidates, double z) {
    Column t = col(UpliftScores.TREATED);
    Column y = col(UpliftScores.CONVERTED);
    Column e = col(UpliftScores.PROPENSITY);
    Column mu1 = col(UpliftScores.WITH);
    Column mu0 = col(UpliftScores.WITHOUT);
    Dataset<Row> units = scores.filter(not(col(UpliftScores.NEXT)))
        .withColumn(TAU, col(UpliftScores.UPLIFT))
        .withColumn(G1, mu1.plus(t.multiply(y.minus(mu1)).divide(e)))
        .withColumn(G0, mu0.plus(lit(1.0).minus(t).multiply(y.minus(mu0)).divide(lit(1.0).minus(e))))
        .withColumn(PSI, col(G1).minus(col(G0)));

    Map<String, Column> perCandidate = new LinkedHashMap<>();
    perCandidate.put(PSI, col(PSI));
    perCandidate.put(G1, col(G1));
    Map<String, Map<String, ClusteredMeans.Mean>> byCandidate =
        ClusteredMeans.of(units, UpliftScores.CUSTOMER_ID, UpliftScores.CANDIDATE, perCandidate);
    Map<String, ClusteredMeans.Mean> effects = new TreeMap<>();
    String best = null;
    double bestRate = Double.NEGATIVE_INFINITY;
    for (String k : candidates) {
      Map<String, ClusteredMeans.Mean> m = byCandidate.get(k);
      effects.put(k, m.get(PSI));
      if (m.get(PSI).value() > bestRate) {
        bestRate = m.get(PSI).value();
        best = k;
      }
    }

    // The recommended candidate of each journey: largest predicted uplift (ties by name, so the choice is stable).
    Column choice = struct(col(TAU), col(UpliftScores.CANDIDATE));
    Dataset<Row> journeys = units.groupBy(col(UpliftScores.CUSTOMER_ID), col(UpliftScores.JOURNEY_ID))
        .agg(max_by(col(UpliftScores.CANDIDATE), choice).as("_pi"), max_by(col(G1), choice).as("_g1_pi"),
            max_by(col(G0), choice).as("_g0_pi"), max_by(col(PSI), choice).as("_psi_pi"),
            max(when(col(UpliftScores.CANDIDATE).equalTo(best), col(G1))).as("_g1_best"),
            max(when(col(UpliftScores.CANDIDATE).equalTo(best), col(PSI))).as("_psi_best"));
    Map<String, Column> policies = new LinkedHashMap<>();
    policies.put(RecommendColumns.RECOMMENDED, col("_g1_pi"));
    policies.put(RecommendColumns.BEST_SINGLE + best, col("_g1_best"));
    policies.put(RecommendColumns.NONE, col("_g0_pi"));
    // The policy ranks by effect, so it is compared by effect: what its touchpoints add against what k* adds.
    policies.put(RecommendColumns.GAIN_VS_BEST_SINGLE, col("_psi_pi").minus(col("_psi_best")));
    policies.put(RecommendColumns.GAIN_VS_NONE, col("_g1_pi").minus(col("_g0_pi")));
    Map<String, ClusteredMeans.Mean> policy =
        ClusteredMeans.of(journeys, UpliftScores.CUSTOMER_ID, null, policies).get("");
    Map<String, Double> shares = new TreeMap<>();
    long total = 0;
    List<Row> chosen = journeys.groupBy(col("_pi")).agg(count(lit(1))).collectAsList();
    for (Row r : chosen) {
      total += r.getLong(1);
    }
    for (Row r : chosen) {
      shares.put(r.getString(0), (double) r.getLong(1) / total);
    }

    List<Row> metrics = new ArrayList<>();
    Map<String, double[][]> buckets = buckets(units);
    for (String k : candidates) {
      ClusteredMeans.Mean effect = effects.get(k);
      metrics.add(row(k, RecommendColumns.AVERAGE_EFFECT, effect, z));
      double[][] b = buckets.get(k);
      metrics.add(RowFactory.create(k, RecommendColumns.QINI, qini(b), null, null));
      for (int p : RecommendColumns.UPLIFT_AT) {
        metrics.add(RowFactory.create(k, RecommendColumns.upliftAt(p), upliftAt(b, p), null, null));
      }
      for (int p : RecommendColumns.QINI_AT) {
        metrics.add(RowFactory.create(k, RecommendColumns.qiniAt(p), qiniAt(b, p), null, null));
      }
    }
    for (String name : List.of(RecommendColumns.RECOMMENDED, RecommendColumns.BEST_SINGLE + best,
        RecommendColumns.NONE)) {
      metrics.add(row(name, RecommendColumns.CONVERSION_RATE, policy.get(name), z));
    }
    ClusteredMeans.Mean gain = policy.get(RecommendColumns.GAIN_VS_BEST_SINGLE);
    metrics.add(row(RecommendColumns.RECOMMENDED, RecommendColumns.GAIN_VS_BEST_SINGLE, gain, z));
    metrics.add(row(RecommendColumns.RECOMMENDED, RecommendColumns.GAIN_VS_NONE,
        policy.get(RecommendColumns.GAIN_VS_NONE), z));
    return new Result(metrics, effects, best, gain, gain.low(z) > 0, shares);
  }

  private static Row row(String candidate, String metric, ClusteredMeans.Mean m, double z) {
    return RowFactory.create(candidate, metric, m.value(), m.low(z), m.high(z));
  }

  /**
   * Per candidate, the journeys ranked by predicted uplift (largest first) in {@value #BUCKETS} equal buckets: each
   * bucket's journeys and sum of psi. One row per (candidate, bucket) reaches the driver.
   */
  private static Map<String, double[][]> buckets(Dataset<Row> units) {
    Dataset<Row> ranked = units.withColumn("_bucket", ntile(BUCKETS).over(
        Window.partitionBy(col(UpliftScores.CANDIDATE)).orderBy(col(TAU).desc(), col(UpliftScores.JOURNEY_ID))));
    Map<String, double[][]> out = new LinkedHashMap<>();
    for (Row r : ranked.groupBy(col(UpliftScores.CANDIDATE), col("_bucket"))
        .agg(count(lit(1)), sum(col(PSI))).collectAsList()) {
      double[][] b = out.computeIfAbsent(r.getString(0), k -> new double[BUCKETS][2]);
      b[r.getInt(1) - 1][0] = r.getLong(2);
      b[r.getInt(1) - 1][1] = r.isNullAt(3) ? 0 : r.getDouble(3);
    }
    return out;
  }

  /** Mean psi of the top {@code percent}% of journeys by predicted uplift. */
  static Double upliftAt(double[][] buckets, int percent) {
    double n = 0;
    double s = 0;
    for (int i = 0; i < percent * buckets.length / 100; i++) {
      n += buckets[i][0];
      s += buckets[i][1];
    }
    return n == 0 ? null : s / n;
  }

  /**
   * Q at {@code percent}%: the sum of psi over the top {@code percent}% of journeys by predicted uplift, per journey
   * of the whole population (the curve {@link #qini} integrates, at a bucket boundary).
   */
  static Double qiniAt(double[][] buckets, int percent) {
    double total = 0;
    double s = 0;
    for (int i = 0; i < buckets.length; i++) {
      total += buckets[i][0];
      if (i < percent * buckets.length / 100) {
        s += buckets[i][1];
      }
    }
    return total == 0 ? null : s / total;
  }

  /**
   * The Qini coefficient: with Q(f) the sum of psi over the top share f of journeys, per journey of the whole
   * population, the area between Q and the random line f Q(1), over f from 0 to 1 (trapezoids at the buckets).
   */
  static Double qini(double[][] buckets) {
    double total = 0;
    double totalPsi = 0;
    for (double[] b : buckets) {
      total += b[0];
      totalPsi += b[1];
    }
    if (total == 0) {
      return null;
    }
    double area = 0;
    double previousF = 0;
    double previousGap = 0;
    double n = 0;
    double s = 0;
    for (double[] b : buckets) {
      n += b[0];
      s += b[1];
      double f = n / total;
      double gap = s / total - f * totalPsi / total;
      area += (f - previousF) * (gap + previousGap) / 2;
      previousF = f;
      previousGap = gap;
    }
    return area;
  }
}
