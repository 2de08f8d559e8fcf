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
 * @param type {@link ModelColumns#AUTO} (choose on validation) or the one model to train: a learned classifier
 *     ({@link #CLASSIFIERS}) or a baseline (most_frequent, markov_1..markov_order)
 * @param candidates the classifiers fitted and compared with the baselines when type is auto
 * @param seed seeds the forest, the tuning split and the tie-break of the time split
 * @param testFraction share of journeys, the latest by start time, held out for evaluation
 * @param validationFraction share of the training journeys, the latest by start time, on which the candidates are
 *     compared (they are fitted on the rest)
 * @param holdout file of test journey ids (one per line); empty = the time split
 * @param topK predictions per open journey in next_touchpoint
 * @param predictModel the saved model predict uses (folder under models/ or a path); empty = latest
 * @param maxIter logistic regression iterations
 * @param regParam logistic regression L2 penalty
 * @param numTrees random forest trees
 * @param maxDepth random forest depth
 * @param boostedRounds boosted trees: most boosting rounds (trees per class); early stopping on the validation
 *     split usually ends sooner
 * @param boostedMaxDepth boosted trees: depth of each tree
 * @param boostedLearningRate boosted trees: shrinkage (XGBoost's eta)
 * @param boostedMinChildWeight boosted trees: least hessian weight (about: examples) in a leaf
 * @param boostedLambda boosted trees: L2 penalty on leaf weights
 * @param boostedEarlyStopping boosted trees: rounds without a lower validation log loss after which fitting stops
 * @param boostedWorkers boosted trees: XGBoost workers; 0 = one per task slot available when training starts; 1
 *     (default) = the same trees whatever the partitioning or the cluster
 * @param boostedThreads boosted trees: threads of each XGBoost worker (should match spark.task.cpus)
 * @param parallelism candidates fitted at once (one driver thread each, as MLlib's CrossValidator does)
 * @param maxPrefixes prefixes of each split (fit, validation, test) the classifiers fit on and every model is scored
 *     on, at most about: beyond it a seeded sample of whole journeys ({@link PrefixSample}); 0 = all
 * @param tuning tune regParam (LR) or maxDepth (RF) with a TrainValidationSplit of the training part
 * @param tuningTrainRatio share of the training part the tuning fits on (the rest validates)
 * @param markovOrder highest order of the Markov baselines (1..3 gives markov_1..markov_3)
 * @param markovSmoothing pseudo-count by which a Markov context's counts are blended with the next shorter order
 * @param logLossEpsilon probabilities are clipped to at least this in the log loss
 * @param intervalReplicates bootstrap replicates of the accuracy intervals
 * @param intervalGroups test journeys are hashed into this many groups, resampled as units by the bootstrap
 * @param calibrationBins equal-width confidence bins of the calibration error and reliability table
 */
public record ModelSettings(
    int lastTouches,
    int minPrefix,
    boolean endLabel,
    String type,
    List<String> candidates,
    long seed,
    double testFraction,
    double validationFraction,
    String holdout,
    int topK,
    String predictModel,
    int maxIter,
    double regParam,
    int numTrees,
    int maxDepth,
    int boostedRounds,
    int boostedMaxDepth,
    double boostedLearningRate,
    double boostedMinChildWeight,
    double boostedLambda,
    int boostedEarlyStopping,
    int boostedWorkers,
    int boostedThreads,
    int parallelism,
    long maxPrefixes,
    boolean tuning,
    double tuningTrainRatio,
    int markovOrder,
    double markovSmoothing,
    double logLossEpsilon,
    int intervalReplicates,
    int intervalGroups,
    int calibrationBins) {

  /** The learned classifiers. */
  public static final List<String> CLASSIFIERS = List.of(ModelColumns.LOGISTIC_REGRESSION,
      ModelColumns.RANDOM_FOREST, ModelColumns.BOOSTED_TREES);

  public ModelSettings {
    holdout = holdout == null ? "" : holdout.trim();
    predictModel = predictModel == null ? "" : predictModel.trim();
    if (lastTouches < 1 || lastTouches > 10) {
      throw new ConfigurationException("model.last_touches must be 1 to 10, got " + lastTouches);
    }
    if (minPrefix < 1) {
      throw new ConfigurationException("model.min_prefix (--min-prefix) must be at least 1, got " + minPrefix);
    }
    candidates = List.copyOf(candidates);
    if (markovOrder < 1 || markovOrder > 3) {
      throw new ConfigurationException("model.markov_order must be 1 to 3, got " + markovOrder);
    }
    List<String> types = types(markovOrder);
    if (!types.contains(type)) {
      throw new ConfigurationException("model.type (--model) must be one of " + types + ", got '" + type + "'");
    }
    if (candidates.isEmpty() || !CLASSIFIERS.containsAll(candidates)
        || candidates.stream().distinct().count() != candidates.size()) {
      throw new ConfigurationException("model.candidates must list distinct classifiers among " + CLASSIFIERS
          + ", got " + candidates);
    }
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new ConfigurationException("model.validation_fraction must be between 0 and 1, got "
          + validationFraction);
    }
    if (boostedRounds < 1 || boostedMaxDepth < 1 || boostedMaxDepth > 20 || boostedWorkers < 0
        || boostedThreads < 1) {
      throw new ConfigurationException("model.boosted_rounds and model.boosted_threads must be at least 1, "
          + "model.boosted_max_depth 1 to 20 and model.boosted_workers at least 0 (0 = the task slots), got "
          + boostedRounds + ", " + boostedThreads + ", " + boostedMaxDepth + " and " + boostedWorkers);
    }
    if (parallelism < 1) {
      throw new ConfigurationException("model.parallelism must be at least 1, got " + parallelism);
    }
    if (maxPrefixes < 0) {
      throw new ConfigurationException("model.max_prefixes must be 0 (all) or more, got " + maxPrefixes);
    }
    if (!(boostedLearningRate > 0 && boostedLearningRate <= 1)) {
      throw new ConfigurationException("model.boosted_learning_rate must be in (0, 1], got " + boostedLearningRate);
    }
    if (!(boostedMinChildWeight >= 0)) {
      throw new ConfigurationException("model.boosted_min_child_weight must be >= 0, got " + boostedMinChildWeight);
    }
    if (!(boostedLambda >= 0)) {
      throw new ConfigurationException("model.boosted_lambda must be >= 0, got " + boostedLambda);
    }
    if (boostedEarlyStopping < 1) {
      throw new ConfigurationException("model.boosted_early_stopping must be at least 1, got "
          + boostedEarlyStopping);
    }
    if (intervalReplicates < 100 || intervalGroups < 10 || calibrationBins < 2) {
      throw new ConfigurationException("model.interval_replicates must be at least 100, model.interval_groups at "
          + "least 10 and model.calibration_bins at least 2, got " + intervalReplicates + ", " + intervalGroups
          + " and " + calibrationBins);
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
    if (!(markovSmoothing > 0)) {
      throw new ConfigurationException("model.markov_smoothing must be > 0 (it keeps the log loss finite), got "
          + markovSmoothing);
    }
    if (!(logLossEpsilon > 0 && logLossEpsilon < 0.5)) {
      throw new ConfigurationException("model.log_loss_epsilon must be between 0 and 0.5, got " + logLossEpsilon);
    }
  }

  /** What model.type accepts: auto, the classifiers and the baselines up to this Markov order. */
  public static List<String> types(int markovOrder) {
    List<String> types = new java.util.ArrayList<>(List.of(ModelColumns.AUTO));
    types.addAll(CLASSIFIERS);
    for (int order = 0; order <= markovOrder; order++) {
      types.add(MarkovBaseline.modelName(order));
    }
    return types;
  }

  /** Whether the model is chosen on the validation split (else it is {@link #type}). */
  public boolean selects() {
    return ModelColumns.AUTO.equals(type);
  }

  /** The classifiers to fit: the candidates when selecting, the one forced, or none for a forced baseline. */
  public List<String> classifiers() {
    if (selects()) {
      return candidates;
    }
    return CLASSIFIERS.contains(type) ? List.of(type) : List.of();
  }

  /** From the {@code model} block. */
  public static ModelSettings from(Config c) {
    try {
      return new ModelSettings(
          c.getInt("last_touches"),
          c.getInt("min_prefix"),
          c.getBoolean("end_label"),
          c.getString("type"),
          c.getStringList("candidates"),
          c.getLong("seed"),
          c.getDouble("test_fraction"),
          c.getDouble("validation_fraction"),
          c.getString("holdout"),
          c.getInt("top_k"),
          c.getString("predict_model"),
          c.getInt("max_iter"),
          c.getDouble("reg_param"),
          c.getInt("num_trees"),
          c.getInt("max_depth"),
          c.getInt("boosted_rounds"),
          c.getInt("boosted_max_depth"),
          c.getDouble("boosted_learning_rate"),
          c.getDouble("boosted_min_child_weight"),
          c.getDouble("boosted_lambda"),
          c.getInt("boosted_early_stopping"),
          c.getInt("boosted_workers"),
          c.getInt("boosted_threads"),
          c.getInt("parallelism"),
          c.getLong("max_prefixes"),
          c.getBoolean("tuning"),
          c.getDouble("tuning_train_ratio"),
          c.getInt("markov_order"),
          c.getDouble("markov_smoothing"),
          c.getDouble("log_loss_epsilon"),
          c.getInt("interval_replicates"),
          c.getInt("interval_groups"),
          c.getInt("calibration_bins"));
    } catch (ConfigException e) {
      throw new ConfigurationException("bad model setting: " + e.getMessage());
    }
  }
}
