package io.touchpoints.effects;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.touchpoints.config.ConfigurationException;
import java.time.Duration;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Definitions behind {@code touchpoint_effects}: the {@code touchpoints.effects} block of the defaults file, plus the
 * churn definition of {@code touchpoints.metrics} (so that "churn" means the same in both tables).
 *
 * @param horizon a journey's exposure window and conversion outcome end this long after its start
 * @param churnWindow churn outcome: the customer churns within this after the journey's start (metrics.churn_window)
 * @param churnInactivity no event for this long before the data's end = churned (metrics.churn_inactivity)
 * @param model nuisance models: {@code boosted_trees} or {@code logistic_regression}
 * @param folds cross-fitting folds (customers, not journeys, are split)
 * @param seed seeds the folds and the boosted trees
 * @param clipLow propensities are clipped to [clipLow, clipHigh]
 * @param clipHigh see clipLow
 * @param maxOutsideClip a touchpoint with a larger share of journeys outside the clip range gets no effect
 * @param minGroup a touchpoint with fewer treated or control journeys (or effective ones) gets no effect
 * @param touchpoints the touchpoints to estimate; empty = every touchpoint seen in an exposure window
 * @param confidence level of every interval
 * @param maxIter logistic regression iterations, or boosted trees' number of trees
 * @param regParam logistic regression's L2 penalty
 * @param maxDepth boosted trees' depth
 * @param parallelism touchpoints whose models are fitted at once (driver threads)
 */
public record EffectsSettings(
    Duration horizon,
    Duration churnWindow,
    Duration churnInactivity,
    String model,
    int folds,
    long seed,
    double clipLow,
    double clipHigh,
    double maxOutsideClip,
    int minGroup,
    List<String> touchpoints,
    double confidence,
    int maxIter,
    double regParam,
    int maxDepth,
    int parallelism) {

  public static final String BOOSTED_TREES = "boosted_trees";
  public static final String LOGISTIC_REGRESSION = "logistic_regression";
  public static final List<String> MODELS = List.of(BOOSTED_TREES, LOGISTIC_REGRESSION);

  public EffectsSettings {
    touchpoints = List.copyOf(touchpoints);
    positive("effects.horizon", horizon);
    positive("metrics.churn_window", churnWindow);
    positive("metrics.churn_inactivity", churnInactivity);
    if (!MODELS.contains(model)) {
      throw new ConfigurationException("effects.model must be one of " + MODELS + ", got '" + model + "'");
    }
    if (folds < 2 || folds > 20) {
      throw new ConfigurationException("effects.folds must be between 2 and 20, got " + folds);
    }
    if (!(clipLow > 0 && clipLow < 0.5)) {
      throw new ConfigurationException("effects.clip_low must be above 0 and below 0.5, got " + clipLow);
    }
    if (!(clipHigh > 0.5 && clipHigh < 1)) {
      throw new ConfigurationException("effects.clip_high must be above 0.5 and below 1, got " + clipHigh);
    }
    if (!(maxOutsideClip >= 0 && maxOutsideClip <= 1)) {
      throw new ConfigurationException("effects.max_outside_clip must be between 0 and 1, got " + maxOutsideClip);
    }
    if (minGroup < 1) {
      throw new ConfigurationException("effects.min_group must be at least 1, got " + minGroup);
    }
    if (!(confidence > 0.5 && confidence < 1)) {
      throw new ConfigurationException("effects.confidence must be between 0.5 and 1, got " + confidence);
    }
    if (maxIter < 1) {
      throw new ConfigurationException("effects.max_iter must be at least 1, got " + maxIter);
    }
    if (!(regParam >= 0)) {
      throw new ConfigurationException("effects.reg_param must be at least 0, got " + regParam);
    }
    if (maxDepth < 1 || maxDepth > 30) {
      throw new ConfigurationException("effects.max_depth must be between 1 and 30, got " + maxDepth);
    }
    if (parallelism < 1 || parallelism > 64) {
      throw new ConfigurationException("effects.parallelism must be between 1 and 64, got " + parallelism);
    }
  }

  /** From the {@code touchpoints} block: its {@code effects} block and the churn keys of {@code metrics}. */
  public static EffectsSettings from(Config touchpoints) {
    try {
      Config e = touchpoints.getConfig("effects");
      Config m = touchpoints.getConfig("metrics");
      return new EffectsSettings(
          e.getDuration("horizon"),
          m.getDuration("churn_window"),
          m.getDuration("churn_inactivity"),
          e.getString("model"),
          e.getInt("folds"),
          e.getLong("seed"),
          e.getDouble("clip_low"),
          e.getDouble("clip_high"),
          e.getDouble("max_outside_clip"),
          e.getInt("min_group"),
          e.getStringList("touchpoints"),
          e.getDouble("confidence"),
          e.getInt("max_iter"),
          e.getDouble("reg_param"),
          e.getInt("max_depth"),
          e.getInt("parallelism"));
    } catch (ConfigException ex) {
      throw new ConfigurationException("bad effects setting: " + ex.getMessage());
    }
  }

  /** A copy with other nuisance models and fold count. */
  public EffectsSettings withModel(String newModel, int newFolds) {
    return new EffectsSettings(horizon, churnWindow, churnInactivity, newModel, newFolds, seed, clipLow, clipHigh,
        maxOutsideClip, minGroup, touchpoints, confidence, maxIter, regParam, maxDepth, parallelism);
  }

  /** A copy with another interval level (e.g. Bonferroni-adjusted for a family of intervals). */
  public EffectsSettings withConfidence(double level) {
    return new EffectsSettings(horizon, churnWindow, churnInactivity, model, folds, seed, clipLow, clipHigh,
        maxOutsideClip, minGroup, touchpoints, level, maxIter, regParam, maxDepth, parallelism);
  }

  /** A copy that estimates these touchpoints only (empty = all). */
  public EffectsSettings withTouchpoints(List<String> list) {
    return new EffectsSettings(horizon, churnWindow, churnInactivity, model, folds, seed, clipLow, clipHigh,
        maxOutsideClip, minGroup, list, confidence, maxIter, regParam, maxDepth, parallelism);
  }

  /** The method label of the table: estimator, models and folds. */
  public String method() {
    return "aipw_" + model + "_" + folds + "_folds";
  }

  /** The two-sided normal quantile of {@link #confidence}. */
  public double z() {
    return new NormalDistribution().inverseCumulativeProbability(1 - (1 - confidence) / 2);
  }

  private static void positive(String key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new ConfigurationException(key + " must be a positive duration, got " + d);
    }
  }
}
