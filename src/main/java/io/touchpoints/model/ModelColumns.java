package io.touchpoints.model;

/**
 * Column names of the next-touchpoint model: the prefix examples ({@link PrefixExamples}), the common scored form
 * that {@link ModelEvaluation} reads, and the tables {@code model_metrics}, {@code model_confusion} and
 * {@code next_touchpoint}.
 */
public final class ModelColumns {

  // ---- prefix examples: one row per prefix of a journey ----
  public static final String JOURNEY_ID = "journey_id";
  public static final String CUSTOMER_ID = "customer_id";
  /** Start time of the prefix's journey (the split is by it). */
  public static final String JOURNEY_START = "journey_start";
  /** Touches in the prefix, from 1. */
  public static final String PREFIX_LENGTH = "prefix_length";
  /** Touches in the whole journey. */
  public static final String JOURNEY_TOUCHES = "journey_touches";
  /** The prefix's touchpoints in order (array&lt;string&gt;). */
  public static final String PREFIX = "prefix";
  /** Time of the prefix's last touch: everything a feature uses happened at or before it. */
  public static final String LAST_TIME = "last_time";
  /** The touchpoint that comes next; {@link #END_LABEL} for the journey's end when configured; else null. */
  public static final String LABEL = "label";
  /** Prefix of the columns last_1 .. last_k (last_1 = the latest touch); {@link #NONE} before the journey's start. */
  public static final String LAST = "last_";
  /** Prefix of the columns ngram_2 .. ngram_k: the last n touchpoints joined by " > ", padded with {@link #NONE}. */
  public static final String NGRAM = "ngram_";
  public static final String HOURS_SINCE_PREVIOUS = "hours_since_previous";
  public static final String HOURS_SINCE_START = "hours_since_start";
  public static final String HOUR_OF_DAY = "hour_of_day";
  /**
   * Calendar time of the last touch as a number: days since 1970-01-01 (UTC), fractional. Processes drift, so a
   * model must be able to tell an early case from a late one.
   */
  public static final String DAYS_SINCE_EPOCH = "days_since_epoch";
  /** 1 = Sunday .. 7 = Saturday (Spark's dayofweek), of the last touch, in UTC. */
  public static final String DAY_OF_WEEK = "day_of_week";
  /** Stage of the last touch. */
  public static final String STAGE = "stage";
  /** Conversion events of the customer at or before the last touch (earlier journeys, in effect). */
  public static final String CONVERSIONS_BEFORE = "conversions_before";
  /** 1 when the customer had an explicit churn event at or before the last touch, else 0. */
  public static final String CHURNED_BEFORE = "churned_before";
  public static final String SURVEYS_BEFORE = "surveys_before";
  /** Mean CSAT of the customer's surveys so far; null when none. */
  public static final String CSAT_MEAN_BEFORE = "csat_mean_before";
  /** Mean NPS score (0-10) of the customer's surveys so far; null when none. */
  public static final String NPS_MEAN_BEFORE = "nps_mean_before";
  /** Journeys of the same customer that started before this one. */
  public static final String PRIOR_JOURNEYS = "prior_journeys";
  /** Of those, how many converted. */
  public static final String PRIOR_CONVERSIONS = "prior_conversions";

  /** Placeholder touchpoint before a journey's first touch (and for a missing stage). */
  public static final String NONE = "(none)";
  /** Label of "the journey ends here" when {@code model.end_label} is on. */
  public static final String END_LABEL = "(end)";
  public static final String NGRAM_SEPARATOR = " > ";

  // ---- the scored form: one row per test prefix and model ----
  public static final String MODEL = "model";
  /** Probabilities of the label vocabulary (array&lt;double&gt;, aligned with the model's labels). */
  public static final String PROBABILITIES = "probabilities";

  // ---- model_metrics ----
  public static final String METRIC = "metric";
  public static final String TOUCHPOINT = "touchpoint";
  public static final String VALUE = "value";
  public static final String SPLIT = "split";
  public static final String TRAIN_EXAMPLES = "train_examples";
  public static final String TEST_EXAMPLES = "test_examples";

  // ---- model_confusion ----
  public static final String ACTUAL = "actual";
  public static final String PREDICTED = "predicted";
  public static final String COUNT = "count";

  // ---- next_touchpoint ----
  public static final String RANK = "rank";
  public static final String PROBABILITY = "probability";
  public static final String MODEL_VERSION = "model_version";

  // ---- metric names ----
  public static final String TOP1_ACCURACY = "top1_accuracy";
  public static final String TOP3_ACCURACY = "top3_accuracy";
  public static final String MACRO_F1 = "macro_f1";
  public static final String LOG_LOSS = "log_loss";
  public static final String PRECISION = "precision";
  public static final String RECALL = "recall";
  public static final String SUPPORT = "support";
  /** Bounds of a bootstrap-over-journeys 95% interval of the metric named before the suffix. */
  public static final String LOW_95 = "_low_95";
  public static final String HIGH_95 = "_high_95";
  /**
   * Paired difference of top-1 accuracy, the chosen model minus another candidate (named in the touchpoint column),
   * on the same test prefixes; with {@link #LOW_95} and {@link #HIGH_95} rows.
   */
  public static final String TOP1_GAIN = "top1_gain";
  /** Metrics of the candidates on the validation split (the model choice is made on them, never on test). */
  public static final String VALIDATION = "validation_";
  /** 1 for the model that was chosen (and saved), 0 for the others; split says on what and why. */
  public static final String CHOSEN = "chosen";
  /**
   * Wall-clock seconds of the model's fit on the training journeys (the Markov baselines share one counting pass;
   * candidates fitted side by side, model.parallelism, overlap): in the saved model's metadata and the printed
   * table, not in model_metrics.
   */
  public static final String FIT_SECONDS = "fit_seconds";
  /** Expected calibration error of the top-1 probability (equal-width bins). */
  public static final String CALIBRATION_ERROR = "expected_calibration_error";
  /**
   * Reliability table of the chosen model, one row per confidence bin (the touchpoint column holds the bin, e.g.
   * "[0.5, 0.6)"): mean top-1 probability, top-1 accuracy and prefixes in the bin.
   */
  public static final String RELIABILITY_CONFIDENCE = "reliability_confidence";
  public static final String RELIABILITY_ACCURACY = "reliability_accuracy";
  public static final String RELIABILITY_COUNT = "reliability_count";

  // ---- model names ----
  public static final String LOGISTIC_REGRESSION = "logistic_regression";
  public static final String RANDOM_FOREST = "random_forest";
  public static final String BOOSTED_TREES = "boosted_trees";
  /** model.type: choose among the candidates on the validation split. */
  public static final String AUTO = "auto";
  public static final String MOST_FREQUENT = "most_frequent";
  public static final String MARKOV = "markov_";

  private ModelColumns() {}

  public static String last(int j) {
    return LAST + j;
  }

  public static String ngram(int n) {
    return NGRAM + n;
  }
}
