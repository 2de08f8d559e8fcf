package io.touchpoints.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.touchpoints.config.ConfigurationException;
import java.util.List;

/**
 * The {@code touchpoints.model} block: how the next-touchpoint examples are built, which classifier is trained and
 * how it is evaluated. Every key is commented in {@code conf/touchpoints.conf}.
 *
 * @param lastTouches k: the last k touchpoints (and their n-grams, n = 2..k) are features
 * @param minPrefix prefixes shorter than this are not examples
 * @param endLabel whether "the journey ends here" ({@link ModelColumns#END_LABEL}) is a label
 * @param type {@link ModelColumns#LOGISTIC_REGRESSION} or {@link ModelColumns#RANDOM_FOREST}
 * @param seed seeds the forest, the tuning split and the tie-break of the time split
 * @param testFraction share of journeys, the latest by start time, held out for evaluation
 * @param holdout file of test journey ids (one per line); empty = the time split
 * @param topK predictions per open journey in next_touchpoint
 * @param predictModel the saved model predict uses (folder under models/ or a path); empty = latest
 * @param maxIter logistic regression iterations
 * @param regParam logistic regression L2 penalty
 * @param numTrees random forest trees
 * @param maxDepth random forest depth
 * @param tuning tune regParam (LR) or maxDepth (RF) with a TrainValidationSplit of the training part
 * @param tuningTrainRatio share of the training part the tuning fits on (the rest validates)
 * @param markovOrder highest order of the Markov baselines (1..3 gives markov_1..markov_3)
 * @param markovSmoothing pseudo-count by which a Markov context's counts are blended with the next shorter order
 * @param logLossEpsilon probabilities are clipped to at least this in the log loss
 */
public record ModelSettings(
    int lastTouches,
    int minPrefix,
    boolean endLabel,
    String type,
    long seed,
    double testFraction,
    String holdout,
    int topK,
    String predictModel,
    int maxIter,
    double regParam,
    int numTrees,
    int maxDepth,
    boolean tuning,
    double tuningTrainRatio,
    int markovOrder,
    double markovSmoothing,
    double logLossEpsilon) {

  public static final List<String> TYPES = List.of(ModelColumns.LOGISTIC_REGRESSION, ModelColumns.RANDOM_FOREST);

  public ModelSettings {
    holdout = holdout == null ? "" : holdout.trim();
    predictModel = predictModel == null ? "" : predictModel.trim();
    if (lastTouches < 1 || lastTouches > 10) {
      throw new ConfigurationException("model.last_touches must be 1 to 10, got " + lastTouches);
    }
    if (minPrefix < 1) {
      throw new ConfigurationException("model.min_prefix (--min-prefix) must be at least 1, got " + minPrefix);
    }
    if (!TYPES.contains(type)) {
      throw new ConfigurationException("model.type (--model) must be one of " + TYPES + ", got '" + type + "'");
    }
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new ConfigurationException("model.test_fraction must be between 0 and 1, got " + testFraction);
    }
    if (topK < 1) {
      throw new ConfigurationException("model.top_k must be at least 1, got " + topK);
    }
    if (maxIter < 1 || numTrees < 1 || maxDepth < 1 || maxDepth > 30) {
      throw new ConfigurationException("model.max_iter and model.num_trees must be at least 1 and model.max_depth "
          + "1 to 30, got " + maxIter + ", " + numTrees + " and " + maxDepth);
    }
    if (!(regParam >= 0)) {
      throw new ConfigurationException("model.reg_param must be >= 0, got " + regParam);
    }
    if (!(tuningTrainRatio > 0 && tuningTrainRatio < 1)) {
      throw new ConfigurationException("model.tuning_train_ratio must be between 0 and 1, got " + tuningTrainRatio);
    }
    if (markovOrder < 1 || markovOrder > 3) {
      throw new ConfigurationException("model.markov_order must be 1 to 3, got " + markovOrder);
    }
    if (!(markovSmoothing > 0)) {
      throw new ConfigurationException("model.markov_smoothing must be > 0 (it keeps the log loss finite), got "
          + markovSmoothing);
    }
    if (!(logLossEpsilon > 0 && logLossEpsilon < 0.5)) {
      throw new ConfigurationException("model.log_loss_epsilon must be between 0 and 0.5, got " + logLossEpsilon);
    }
  }

  /** From the {@code model} block. */
  public static ModelSettings from(Config c) {
    try {
      return new ModelSettings(
          c.getInt("last_touches"),
          c.getInt("min_prefix"),
          c.getBoolean("end_label"),
          c.getString("type"),
          c.getLong("seed"),
          c.getDouble("test_fraction"),
          c.getString("holdout"),
          c.getInt("top_k"),
          c.getString("predict_model"),
          c.getInt("max_iter"),
          c.getDouble("reg_param"),
          c.getInt("num_trees"),
          c.getInt("max_depth"),
          c.getBoolean("tuning"),
          c.getDouble("tuning_train_ratio"),
          c.getInt("markov_order"),
          c.getDouble("markov_smoothing"),
          c.getDouble("log_loss_epsilon"));
    } catch (ConfigException e) {
      throw new ConfigurationException("bad model setting: " + e.getMessage());
    }
  }
}
