package io.touchpoints.effects;

import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.journey.JourneyColumns;
import io.touchpoints.metrics.ConfidenceIntervals;
import io.touchpoints.pipeline.ConcurrentJobs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Causal touchpoint effects: for each touchpoint T and outcome (conversion within the horizon, churn within the churn
 * window), the average change in probability when a journey's exposure window includes T rather than not, for
 * comparable customers ({@code touchpoint_effects}, columns in {@link EffectColumns}).
 *
 * <p>Estimator: augmented inverse-propensity weighting (doubly robust) with cross-fitting. Customers are split into K
 * seeded folds; for each fold, a propensity model e(x) = P(T | x) and an outcome model mu(x, T) = P(Y | x, T) (T as a
 * feature; with logistic regression also its products with x, i.e. separate slopes for treated and control) are fitted
 * on the other folds ({@link NuisanceModels}) and score this fold. Per journey, with e clipped to [clip_low,
 * clip_high]: psi = mu(x,1) - mu(x,0) + T (y - mu(x,1)) / e - (1 - T)(y - mu(x,0)) / (1 - e); the effect is the mean
 * of psi, and its interval is normal with the variance of the influence function summed per customer (clustered:
 * one customer's journeys are not independent), times G / (G - 1) for G customers. Beside it: the naive difference of
 * outcome rates with Newcombe's interval, and overlap diagnostics (share of journeys outside the clip range, Kish
 * effective sample size of the treated and control weights). A touchpoint with too few treated or control journeys,
 * an outcome without variation, or too little overlap gets no effect and a note saying why.
 *
 * <p>Units and covariates: {@link JourneyUnits}. Spark: the units are built and cached once; per touchpoint, 3 x K
 * model fits and one aggregation (per customer, then overall) whose single row reaches the driver, as do the
 * distinct touchpoints. Settings: {@code touchpoints.effects.*} ({@link EffectsSettings}).
 */
final class TouchpointEffects {

  static final String T = "_t";
  private static final String COVARIATES = "_xa";
  static final String X = "_x";
  static final String X_OBSERVED = "_x_observed";
  static final String X_TREATED = "_x_treated";
  static final String X_CONTROL = "_x_control";
  static final String E = "_e";

  private final EffectsSettings settings;
  private final NuisanceModels models;
  private final double z;

  public TouchpointEffects(EffectsSettings settings) {
    this.settings = settings;
    this.models = new NuisanceModels(settings);
    this.z = settings.z();
  }

  /**
   * Computes the effects table.
   *
   * @param journeys the journeys table (one run date)
   * @param events the events table (same run date): churn events, surveys and the data's end
   * @param customers customer attributes (customer_id plus numeric and string columns, e.g. from
   *     {@link io.touchpoints.input.CustomerReader}); null when there are none
   */
  public EffectsResult compute(SparkSession spark, Dataset<Row> journeys, Dataset<Row> events,
      Dataset<Row> customers) {
    JourneyUnits.Units units = JourneyUnits.build(journeys, events, customers, settings);
    try {
      Dataset<Row> rows = units.rows();
      List<String> firstTouchpoints = distinct(rows.select(col(JourneyUnits.FIRST_TOUCHPOINT).as("v")));
      List<String> touchpoints = settings.touchpoints().isEmpty()
          ? distinct(rows.select(explode(col(JourneyUnits.TREATMENTS)).as("v")))
          : settings.touchpoints();
      List<Row> out = new ArrayList<>();
      List<Callable<List<Row>>> fits = new ArrayList<>();
      for (String t : touchpoints) {
        fits.add(() -> estimate(rows, t, firstTouchpoints));
      }
      ConcurrentJobs.all("touchpoints-effects", settings.parallelism(), fits).forEach(out::addAll);
      int estimated = (int) out.stream().filter(r -> !r.isNullAt(EffectColumns.SCHEMA.fieldIndex(EffectColumns.EFFECT)))
          .count();
      return new EffectsResult(spark.createDataFrame(out, EffectColumns.SCHEMA), units.journeys(),
          units.pastDataEnd(), units.churnUnknown(), estimated, out.size() - estimated);
    } finally {
      units.cached().unpersist();
    }
  }

  /** Outcome counts of one touchpoint's treated and control units. */
  private record Counts(long treated, long treatedPositive, long control, long controlPositive) {}

  private List<Row> estimate(Dataset<Row> rows, String touchpoint, List<String> firstTouchpoints) {
    Dataset<Row> data = features(rows, touchpoint, firstTouchpoints, models.linear());

    Map<String, Counts> counts = counts(data);
    Map<String, String> notes = new LinkedHashMap<>();
    List<String> estimable = new ArrayList<>();
    for (String outcome : EffectColumns.OUTCOMES) {
      Counts c = counts.get(outcome);
      long positives = c.treatedPositive() + c.controlPositive();
      if (c.treated() < settings.minGroup() || c.control() < settings.minGroup()) {
        notes.put(outcome, String.format(Locale.ROOT, "too few journeys: %d treated, %d control "
            + "(effects.min_group %d)", c.treated(), c.control(), settings.minGroup()));
      } else if (positives == 0 || positives == c.treated() + c.control()) {
        notes.put(outcome, "the outcome does not vary: " + positives + " of " + (c.treated() + c.control()));
      } else {
        estimable.add(outcome);
      }
    }
    Map<String, Estimate> sums = estimable.isEmpty() ? Map.of() : crossFitted(data, estimable);

    List<Row> out = new ArrayList<>();
    for (String outcome : EffectColumns.OUTCOMES) {
      out.add(row(touchpoint, outcome, counts.get(outcome), sums.get(outcome), notes.get(outcome)));
    }
    return out;
  }

  /** The rows with the treatment indicator and the feature vectors of the propensity and outcome models. */
  static Dataset<Row> features(Dataset<Row> rows, String touchpoint, List<String> firstTouchpoints,
      boolean linear) {
    List<Column> first = new ArrayList<>();
    for (String u : firstTouchpoints) {
      // The first touchpoint is a covariate, but not as "the journey starts with T" (that is the treatment).
      if (!u.equals(touchpoint)) {
        first.add(when(col(JourneyUnits.FIRST_TOUCHPOINT).equalTo(u), 1.0).otherwise(0.0));
      }
    }
    Column covariates = first.isEmpty() ? col(JourneyUnits.BASE)
        : concat(col(JourneyUnits.BASE), array(first.toArray(Column[]::new)));
    Column x = col(COVARIATES);
    Column t = col(T);
    Dataset<Row> data = rows
        .withColumn(T, when(array_contains(col(JourneyUnits.TREATMENTS), touchpoint), 1.0).otherwise(0.0))
        .withColumn(COVARIATES, covariates)
        .withColumn(X, array_to_vector(x));
    if (linear) {
      return data
          .withColumn(X_OBSERVED, array_to_vector(concat(x, array(t), transform(x, v -> v.multiply(t)))))
          .withColumn(X_TREATED, array_to_vector(concat(x, array(lit(1.0)), x)))
          .withColumn(X_CONTROL, array_to_vector(concat(x, array(lit(0.0)), transform(x, v -> v.multiply(0.0)))));
    }
    return data
        .withColumn(X_OBSERVED, array_to_vector(concat(x, array(t))))
        .withColumn(X_TREATED, array_to_vector(concat(x, array(lit(1.0)))))
        .withColumn(X_CONTROL, array_to_vector(concat(x, array(lit(0.0)))));
  }

  private static Map<String, Counts> counts(Dataset<Row> data) {
    List<Column> aggregates = new ArrayList<>();
    for (String outcome : EffectColumns.OUTCOMES) {
      Column y = col(JourneyUnits.outcomeColumn(outcome));
      Column treated = col(T).equalTo(1.0);
      aggregates.add(sum(when(y.isNotNull().and(treated), 1L).otherwise(0L)));
      aggregates.add(sum(when(treated, y).otherwise(0.0)));
      aggregates.add(sum(when(y.isNotNull().and(not(treated)), 1L).otherwise(0L)));
      aggregates.add(sum(when(not(treated), y).otherwise(0.0)));
    }
    Row r = data.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).first();
    Map<String, Counts> out = new LinkedHashMap<>();
    for (int i = 0; i < EffectColumns.OUTCOMES.size(); i++) {
      out.put(EffectColumns.OUTCOMES.get(i), new Counts(longAt(r, 4 * i), Math.round(doubleAt(r, 4 * i + 1)),
          longAt(r, 4 * i + 2), Math.round(doubleAt(r, 4 * i + 3))));
    }
    return out;
  }

  private static String treatedPrediction(String outcome) {
    return "_mu1_" + outcome;
  }

  private static String controlPrediction(String outcome) {
    return "_mu0_" + outcome;
  }

  /**
   * Cross-fits the nuisance models and sums the influence function per customer, then overall: one row per outcome
   * with the sums the estimate and its clustered variance need, and the overlap sums.
   */
  private Map<String, Estimate> crossFitted(Dataset<Row> data, List<String> outcomes) {
    Dataset<Row> scored = null;
    for (int k = 0; k < settings.folds(); k++) {
      Dataset<Row> train = data.filter(col(JourneyUnits.FOLD).notEqual(k));
      Dataset<Row> fold = data.filter(col(JourneyUnits.FOLD).equalTo(k));
      Dataset<Row> s = NuisanceModels.predict(models.fit(train, X, T), fold, X, E);
      List<Column> keep = new ArrayList<>(List.of(col(JourneyColumns.CUSTOMER_ID), col(T), col(E)));
      for (String outcome : outcomes) {
        String y = JourneyUnits.outcomeColumn(outcome);
        ProbabilisticClassificationModel<Vector, ?> mu = models.fit(train.filter(col(y).isNotNull()), X_OBSERVED, y);
        s = NuisanceModels.predict(mu, s, X_TREATED, treatedPrediction(outcome));
        s = NuisanceModels.predict(mu, s, X_CONTROL, controlPrediction(outcome));
        keep.add(col(y));
        keep.add(col(treatedPrediction(outcome)));
        keep.add(col(controlPrediction(outcome)));
      }
      s = s.select(keep.toArray(Column[]::new));
      scored = scored == null ? s : s.unionByName(scored);
    }

    Column t = col(T);
    Column e = col(E);
    Column clipped = least(greatest(e, lit(settings.clipLow())), lit(settings.clipHigh()));
    List<Column> perCustomer = new ArrayList<>();
    for (String outcome : outcomes) {
      Column y = col(JourneyUnits.outcomeColumn(outcome));
      Column mu1 = col(treatedPrediction(outcome));
      Column mu0 = col(controlPrediction(outcome));
      Column psi = mu1.minus(mu0)
          .plus(t.multiply(y.minus(mu1)).divide(clipped))
          .minus(lit(1.0).minus(t).multiply(y.minus(mu0)).divide(lit(1.0).minus(clipped)));
      perCustomer.add(sum(psi).as("s_" + outcome));
      perCustomer.add(count(psi).as("n_" + outcome));
    }
    perCustomer.add(sum(when(e.lt(settings.clipLow()).or(e.gt(settings.clipHigh())), 1L).otherwise(0L)).as("outside"));
    perCustomer.add(count(lit(1)).as("units"));
    perCustomer.add(sum(when(t.equalTo(1.0), lit(1.0).divide(clipped))).as("wt"));
    perCustomer.add(sum(when(t.equalTo(1.0), lit(1.0).divide(clipped.multiply(clipped)))).as("wt2"));
    Column controlWeight = lit(1.0).divide(lit(1.0).minus(clipped));
    perCustomer.add(sum(when(t.equalTo(0.0), controlWeight)).as("wc"));
    perCustomer.add(sum(when(t.equalTo(0.0), controlWeight.multiply(controlWeight))).as("wc2"));
    Dataset<Row> customers = scored.groupBy(col(JourneyColumns.CUSTOMER_ID))
        .agg(perCustomer.get(0), perCustomer.subList(1, perCustomer.size()).toArray(Column[]::new));

    List<Column> overall = new ArrayList<>();
    for (String outcome : outcomes) {
      Column s = col("s_" + outcome);
      Column n = col("n_" + outcome).cast("double");
      overall.add(sum(s));
      overall.add(sum(n));
      overall.add(sum(s.multiply(s)));
      overall.add(sum(s.multiply(n)));
      overall.add(sum(n.multiply(n)));
      overall.add(sum(when(n.gt(0), 1L).otherwise(0L)));
    }
    for (String c : List.of("outside", "units", "wt", "wt2", "wc", "wc2")) {
      overall.add(sum(col(c)).cast("double"));
    }
    Row r = customers.agg(overall.get(0), overall.subList(1, overall.size()).toArray(Column[]::new)).first();

    int o = 6 * outcomes.size();
    Overlap overlap = new Overlap(doubleAt(r, o) / doubleAt(r, o + 1),
        square(doubleAt(r, o + 2)) / doubleAt(r, o + 3), square(doubleAt(r, o + 4)) / doubleAt(r, o + 5));
    Map<String, Estimate> out = new LinkedHashMap<>();
    for (int i = 0; i < outcomes.size(); i++) {
      int b = 6 * i;
      double sumS = doubleAt(r, b);
      double sumN = doubleAt(r, b + 1);
      double theta = sumS / sumN;
      long clusters = longAt(r, b + 5);
      double squares = doubleAt(r, b + 2) - 2 * theta * doubleAt(r, b + 3) + theta * theta * doubleAt(r, b + 4);
      double variance = Math.max(0, squares) / (sumN * sumN) * clusters / Math.max(1, clusters - 1);
      out.put(outcomes.get(i), new Estimate(theta, Math.sqrt(variance), clusters, overlap));
    }
    return out;
  }

  /** Overlap diagnostics of one touchpoint: share outside the clip range, effective treated and control units. */
  private record Overlap(double outsideShare, double effectiveTreated, double effectiveControl) {}

  /** The AIPW estimate of one (touchpoint, outcome), its clustered standard error and the customers behind it. */
  private record Estimate(double effect, double standardError, long customers, Overlap overlap) {}

  private Row row(String touchpoint, String outcome, Counts c, Estimate estimate, String note) {
    Double treatedRate = c.treated() > 0 ? (double) c.treatedPositive() / c.treated() : null;
    Double controlRate = c.control() > 0 ? (double) c.controlPositive() / c.control() : null;
    Double naive = null;
    Double naiveLow = null;
    Double naiveHigh = null;
    if (treatedRate != null && controlRate != null) {
      naive = treatedRate - controlRate;
      ConfidenceIntervals.Bounds b = ConfidenceIntervals.difference(c.treatedPositive(), c.treated(),
          c.controlPositive(), c.control(), z);
      naiveLow = b.low();
      naiveHigh = b.high();
    }
    Double effect = null;
    Double low = null;
    Double high = null;
    Long customers = null;
    Double outside = null;
    Double effectiveTreated = null;
    Double effectiveControl = null;
    if (estimate != null) {
      Overlap overlap = estimate.overlap();
      outside = overlap.outsideShare();
      effectiveTreated = overlap.effectiveTreated();
      effectiveControl = overlap.effectiveControl();
      customers = estimate.customers();
      if (outside > settings.maxOutsideClip()) {
        note = String.format(Locale.ROOT, "too little overlap: %.1f%% of journeys have a propensity outside "
            + "[%s, %s] (effects.max_outside_clip %.1f%%)", 100 * outside, settings.clipLow(), settings.clipHigh(),
            100 * settings.maxOutsideClip());
      } else if (effectiveTreated < settings.minGroup() || effectiveControl < settings.minGroup()) {
        note = String.format(Locale.ROOT, "too little overlap: effective sample size %.0f treated, %.0f control "
            + "(effects.min_group %d)", effectiveTreated, effectiveControl, settings.minGroup());
      } else {
        effect = estimate.effect();
        low = effect - z * estimate.standardError();
        high = effect + z * estimate.standardError();
      }
    }
    return RowFactory.create(touchpoint, outcome, c.treated(), c.control(), treatedRate, controlRate, naive,
        naiveLow, naiveHigh, effect, low, high, settings.method(), customers, outside, effectiveTreated,
        effectiveControl, note);
  }

  /** Sorted distinct non-null strings of column v (touchpoint names: small by construction). */
  static List<String> distinct(Dataset<Row> values) {
    List<String> out = new ArrayList<>();
    for (Row r : values.filter(col("v").isNotNull()).distinct().orderBy(col("v")).collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  private static long longAt(Row r, int i) {
    return r.isNullAt(i) ? 0L : ((Number) r.get(i)).longValue();
  }

  private static double doubleAt(Row r, int i) {
    return r.isNullAt(i) ? 0.0 : ((Number) r.get(i)).doubleValue();
  }

  private static double square(double v) {
    return v * v;
  }
}
