package io.touchpoints.effects;

import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;

import io.touchpoints.journey.JourneyColumns;
import io.touchpoints.pipeline.ConcurrentJobs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Cross-fitted conversion scores per journey and candidate touchpoint, for uplift: on the units of {@link
 * TouchpointEffects} (the same exposure, outcome and covariates), and on every customer's next journey as of the data's
 * end ({@link JourneyUnits#buildWithNext}). A DR-learner, in two cross-fitted stages. First, for each candidate and
 * fold, a propensity model and one conversion model (the candidate as a feature, as in the effects) are fitted on the
 * other folds' units and score the fold's units and its customers' next journeys, so no customer is scored by a model
 * that saw their journeys (customers, not journeys, are split into folds); each unit gets its doubly robust score psi
 * (as in {@link TouchpointEffects}). Second, for each fold, a lasso regression of the other folds' psi on the
 * customer's covariates (attributes and history), its penalty chosen by cross-validation over the same folds
 * ({@link CrossValidatedLasso}), predicts the fold's uplift; when no covariate's signal stands out of the scores'
 * noise it keeps none, and every customer's uplift is the average effect. Why not a T-learner (two conversion
 * models, uplift their difference): its uplift is the difference of two noisy fits and inherits their misspecification
 * (logistic models for effects that add on the probability scale), and on planted data it did not find the planted
 * heterogeneity; the regression of psi targets the effect itself and stays unbiased when either first-stage model is
 * right. The second-stage folds reuse the first stage's scores of the other folds, whose models saw this fold's
 * outcomes: with a few dozen coefficients per model on thousands of journeys that leak is small, and the fall-back
 * check (planted data without heterogeneity must not pass) guards the evaluation against it.
 *
 * <p>Spark: the units are built and cached once; per candidate 2 x K classifier fits and one pass for the second
 * stage's moments; the scores are cached ({@link Scores#release}). The distinct touchpoints and the
 * per-candidate counts reach the driver (small by construction).
 */
public final class UpliftScores {

  public static final String CUSTOMER_ID = JourneyColumns.CUSTOMER_ID;
  public static final String JOURNEY_ID = JourneyColumns.JOURNEY_ID;
  public static final String CANDIDATE = "candidate";
  /** True on a customer's next journey (no exposure, no outcome), false on a unit. */
  public static final String NEXT = "next";
  /** 1.0 when the unit's exposure window holds the candidate, else 0.0. */
  public static final String TREATED = "t";
  /** Conversion within the horizon (1.0 / 0.0). */
  public static final String CONVERTED = "y";
  /** Propensity of the candidate, clipped to [effects.clip_low, effects.clip_high]. */
  public static final String PROPENSITY = "e";
  /** P(convert) with and without the candidate (the first stage's outcome model). */
  public static final String WITH = "mu1";
  public static final String WITHOUT = "mu0";
  /** The predicted uplift: the second stage's estimate of the candidate's effect for these covariates. */
  public static final String UPLIFT = "tau";
  private static final String PSEUDO_OUTCOME = "_psi";
  private static final String EFFECT_FEATURES = "_x_effect";

  private final EffectsSettings settings;
  private final NuisanceModels models;

  public UpliftScores(EffectsSettings settings) {
    this.settings = settings;
    this.models = new NuisanceModels(settings);
  }

  /**
   * @param scores one row per (journey, candidate): the columns above; cached
   * @param candidates the candidates scored
   * @param notes candidates left out, with the reason
   * @param units units (journeys whose horizon has passed)
   * @param secondStage per candidate scored, the second stage's chosen penalty and covariates kept
   */
  public record Scores(Dataset<Row> scores, List<String> candidates, Map<String, String> notes, long units,
      Map<String, String> secondStage) {
    public void release() {
      scores.unpersist();
    }
  }

  /**
   * @param customers attributes (customer_id plus columns), or null
   * @param candidates touchpoints to score; empty = every touchpoint of an exposure window
   */
  public Scores compute(Dataset<Row> journeys, Dataset<Row> events, Dataset<Row> customers,
      List<String> candidates) {
    JourneyUnits.Units units = JourneyUnits.buildWithNext(journeys, events, customers, settings);
    try {
      Dataset<Row> rows = units.rows();
      List<String> firstTouchpoints =
          TouchpointEffects.distinct(rows.select(col(JourneyUnits.FIRST_TOUCHPOINT).as("v")));
      long total = rows.count();
      Map<String, long[]> counts = counts(rows);
      List<String> all = candidates.isEmpty() ? new ArrayList<>(counts.keySet()) : candidates;
      List<String> kept = new ArrayList<>();
      Map<String, String> notes = new HashMap<>();
      long allPositives = totalPositives(rows);
      for (String candidate : all) {
        long[] c = counts.getOrDefault(candidate, new long[2]);
        long treated = c[0];
        long control = total - treated;
        long positives = c[1];
        if (treated < settings.minGroup() || control < settings.minGroup()) {
          notes.put(candidate, String.format(Locale.ROOT, "too few journeys: %d with it, %d without "
              + "(effects.min_group %d)", treated, control, settings.minGroup()));
        } else if (allPositives == 0 || allPositives == total) {
          notes.put(candidate, "conversion does not vary: " + allPositives + " of " + total);
        } else {
          kept.add(candidate);
        }
      }
      Dataset<Row> scored = null;
      Dataset<Row> both = units.rowsAndNext();
      List<Callable<Dataset<Row>>> fits = new ArrayList<>();
      Map<String, String> secondStage = new ConcurrentHashMap<>();
      List<Integer> covariates = customerCovariates(units.covariates());
      for (String candidate : kept) {
        fits.add(() -> score(both, candidate, firstTouchpoints, covariates, secondStage));
      }
      for (Dataset<Row> s : ConcurrentJobs.all("touchpoints-uplift", settings.parallelism(), fits)) {
        scored = scored == null ? s : scored.unionByName(s);
      }
      if (scored == null) {
        return new Scores(null, List.of(), notes, total, Map.of());
      }
      scored = scored.persist(StorageLevel.MEMORY_AND_DISK());
      scored.count();
      return new Scores(scored, List.copyOf(kept), notes, total, new TreeMap<>(secondStage));
    } finally {
      units.cached().unpersist();
    }
  }

  /**
   * The second stage's covariates: the customer's attributes and history, as 1-based positions in the covariates.
   * Not the calendar of the journey's start, nor its first touchpoint: the recommendation is per customer (every
   * next journey has the same start), and each covariate the regression does not need adds noise to every uplift.
   */
  private static List<Integer> customerCovariates(List<String> names) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (JourneyUnits.CALENDAR.stream().noneMatch(name::startsWith)) {
        out.add(i + 1);
      }
    }
    return out;
  }

  private Dataset<Row> score(Dataset<Row> rows, String candidate, List<String> firstTouchpoints,
      List<Integer> customerCovariates, Map<String, String> secondStage) {
    Dataset<Row> data = TouchpointEffects.features(rows, candidate, firstTouchpoints, models.linear());
    Column unit = not(col(JourneyUnits.NEXT));
    Column fold = col(JourneyUnits.FOLD);
    // First stage: every unit and next journey scored by the propensity and outcome models of the other folds.
    Dataset<Row> nuisance = null;
    for (int k = 0; k < settings.folds(); k++) {
      Dataset<Row> train = data.filter(unit.and(fold.notEqual(k)));
      Dataset<Row> s = NuisanceModels.predict(models.fit(train, TouchpointEffects.X, TouchpointEffects.T),
          data.filter(fold.equalTo(k)), TouchpointEffects.X, TouchpointEffects.E);
      ProbabilisticClassificationModel<Vector, ?> outcome =
          models.fit(train, TouchpointEffects.X_OBSERVED, JourneyUnits.CONVERSION);
      s = NuisanceModels.predict(outcome, s, TouchpointEffects.X_TREATED, WITH);
      s = NuisanceModels.predict(outcome, s, TouchpointEffects.X_CONTROL, WITHOUT);
      nuisance = nuisance == null ? s : nuisance.unionByName(s);
    }
    Column t = col(TouchpointEffects.T);
    Column y = col(JourneyUnits.CONVERSION);
    Column e = col(PROPENSITY);
    Column mu1 = col(WITH);
    Column mu0 = col(WITHOUT);
    nuisance = nuisance
        .withColumn(PROPENSITY, least(greatest(col(TouchpointEffects.E), lit(settings.clipLow())),
            lit(settings.clipHigh())))
        .withColumn(PSEUDO_OUTCOME, mu1.minus(mu0).plus(t.multiply(y.minus(mu1)).divide(e))
            .minus(lit(1.0).minus(t).multiply(y.minus(mu0)).divide(lit(1.0).minus(e))))
        // Materialized once: the second stage reads it K times, and without it every candidate's plan nests the
        // first stage's models K times over, which the driver spent most of the stage planning.
        .withColumn(EFFECT_FEATURES, array_to_vector(array(customerCovariates.stream()
            .map(i -> element_at(col(JourneyUnits.BASE), i)).toArray(Column[]::new))))
        .localCheckpoint();
    // Second stage: the units' doubly robust scores regressed on the customer's covariates, lasso with its penalty
    // chosen over the same folds; each fold's uplift from the fit on the other folds.
    CrossValidatedLasso.Result lasso = CrossValidatedLasso.crossValidate(CrossValidatedLasso.moments(
        nuisance.filter(unit), JourneyUnits.FOLD, EFFECT_FEATURES, PSEUDO_OUTCOME, settings.folds(),
        customerCovariates.size()));
    Dataset<Row> out = null;
    for (int k = 0; k < settings.folds(); k++) {
      CrossValidatedLasso.Fit fit = lasso.perFold()[k];
      Column tau = lit(fit.intercept());
      for (int j = 0; j < customerCovariates.size(); j++) {
        if (fit.coefficients()[j] != 0) {
          tau = tau.plus(element_at(col(JourneyUnits.BASE), customerCovariates.get(j))
              .multiply(lit(fit.coefficients()[j])));
        }
      }
      Dataset<Row> s = nuisance.filter(fold.equalTo(k))
          .select(col(JourneyColumns.CUSTOMER_ID).as(CUSTOMER_ID), col(JourneyColumns.JOURNEY_ID).as(JOURNEY_ID),
              lit(candidate).as(CANDIDATE), col(JourneyUnits.NEXT).as(NEXT), t.as(TREATED), y.as(CONVERTED), e,
              mu1, mu0, tau.as(UPLIFT));
      out = out == null ? s : out.unionByName(s);
    }
    secondStage.put(candidate, String.format(Locale.ROOT, "%d of %d covariates (lasso penalty %.3g)",
        lasso.perFold()[0].nonZero(), customerCovariates.size(), lasso.chosenPenalty()));
    // Computed here, on this candidate's thread, and a small plan for the union of the candidates.
    return out.localCheckpoint();
  }

  /** Per touchpoint: units whose exposure window holds it, and how many of them converted. */
  private static Map<String, long[]> counts(Dataset<Row> rows) {
    Map<String, long[]> out = new java.util.TreeMap<>();
    for (Row r : rows.select(explode(col(JourneyUnits.TREATMENTS)).as("v"), col(JourneyUnits.CONVERSION))
        .groupBy(col("v")).agg(count(lit(1)), sum(col(JourneyUnits.CONVERSION))).collectAsList()) {
      if (!r.isNullAt(0)) {
        out.put(r.getString(0), new long[] {r.getLong(1), Math.round(r.getDouble(2))});
      }
    }
    return out;
  }

  private static long totalPositives(Dataset<Row> rows) {
    Row r = rows.agg(sum(col(JourneyUnits.CONVERSION))).first();
    return r.isNullAt(0) ? 0 : Math.round(r.getDouble(0));
  }

  /** The method label: estimator, models and folds. */
  public String method() {
    return "dr_learner_" + settings.model() + "_" + settings.folds() + "_folds";
  }
}
