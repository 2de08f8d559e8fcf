package io.touchpoints.generate;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.Serializable;
import java.util.List;

/**
 * The planted parameters of the generative process: ten touchpoints with their conversion propensity, churn hazard,
 * survey response rate and satisfaction, and the first-order Markov chain of journeys (start distribution and
 * transitions, the last column being {@link #EXIT}).
 *
 * <p>The parameters are fixed constants, not drawn from the seed, so that results of different seeds measure the same
 * truth; the seed drives only the random draws of {@link CustomerSimulator}. Values are spread widely so that a job
 * reading the data can rank touchpoints by each metric. Channel and stage come from the taxonomy of the defaults file
 * packed in the jar ({@code touchpoints.taxonomy}), so the generator and the job never disagree.
 *
 * <p>Held in plain arrays because it is shipped to executors and read once per simulated event.
 */
final class PlantedModel implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Label of the transition to "journey ends unconverted". */
  static final String EXIT = "(exit)";
  /** Touchpoint of conversion events. */
  static final String CHECKOUT = "checkout";
  /** Touchpoint of survey events. */
  static final String SURVEY = "survey";

  // Same resource JobConfig reads: the conf/touchpoints.conf bytes, packed in the jar by the pom.
  private static final String DEFAULTS_RESOURCE = "io/touchpoints/defaults/touchpoints.conf";

  private static final String[] NAMES = {
      "display_ad", "paid_search", "organic_search", "social", "email",
      "web_visit", "product_page", "chatbot", "call_center", "support_ticket"};
  private static final double[] CONVERSION = {0.02, 0.12, 0.09, 0.04, 0.07, 0.05, 0.25, 0.15, 0.18, 0.03};
  private static final double[] CHURN = {0.10, 0.06, 0.05, 0.12, 0.08, 0.07, 0.04, 0.15, 0.22, 0.30};
  private static final double[] SURVEY_RATE = {0.02, 0.05, 0.04, 0.03, 0.08, 0.06, 0.10, 0.25, 0.35, 0.30};
  private static final double[] CSAT_MEAN = {3.2, 3.8, 3.9, 3.4, 3.6, 3.7, 4.2, 3.0, 4.4, 2.6};
  private static final double[] NPS_MEAN_SCORE = {5.5, 6.8, 7.0, 6.0, 6.4, 6.6, 7.8, 5.0, 8.4, 4.2};
  private static final double[] START = {0.18, 0.15, 0.14, 0.14, 0.12, 0.10, 0.05, 0.04, 0.04, 0.04};
  /** Probability that a journey ends unconverted after a touch that did not convert. */
  private static final double[] EXIT_PROBABILITY = {0.35, 0.25, 0.25, 0.35, 0.30, 0.25, 0.20, 0.30, 0.35, 0.40};
  /**
   * Relative weights of the next touchpoint (rows: from, columns: to, in {@link #NAMES} order), scaled to
   * 1 - exit probability. Shaped like a funnel: awareness touches lead to web visits and product pages, service
   * touches to more service.
   */
  private static final int[][] NEXT_WEIGHTS = {
      {1, 3, 1, 2, 1, 6, 4, 1, 0, 0},
      {0, 2, 1, 0, 1, 5, 7, 1, 1, 0},
      {0, 1, 2, 1, 1, 6, 6, 1, 1, 0},
      {2, 1, 1, 3, 1, 5, 3, 1, 0, 0},
      {1, 1, 1, 1, 2, 6, 5, 1, 1, 1},
      {1, 2, 2, 1, 2, 3, 8, 3, 2, 1},
      {1, 1, 1, 1, 2, 3, 4, 4, 3, 1},
      {0, 0, 0, 0, 1, 2, 5, 1, 4, 3},
      {0, 0, 0, 0, 2, 1, 3, 1, 2, 4},
      {0, 0, 0, 0, 1, 1, 1, 2, 5, 2},
  };

  final String[] names = NAMES.clone();
  final double[] conversion = CONVERSION.clone();
  final double[] churn = CHURN.clone();
  final double[] surveyRate = SURVEY_RATE.clone();
  final double[] csatMean = CSAT_MEAN.clone();
  final double[] npsMeanScore = NPS_MEAN_SCORE.clone();
  final double[] start;
  /** Rows: from-touchpoint; columns: to-touchpoint, then {@link #EXIT} last. Each row sums to 1. */
  final double[][] transitions;
  final String[] channels;
  final String[] stages;
  final String checkoutChannel;
  final String checkoutStage;
  final String surveyChannel;
  final String surveyStage;

  private PlantedModel(Config taxonomy) {
    int n = NAMES.length;
    start = normalised(START);
    transitions = new double[n][];
    for (int from = 0; from < n; from++) {
      double[] row = new double[n + 1];
      double weightSum = 0;
      for (int w : NEXT_WEIGHTS[from]) {
        weightSum += w;
      }
      for (int to = 0; to < n; to++) {
        row[to] = (1.0 - EXIT_PROBABILITY[from]) * NEXT_WEIGHTS[from][to] / weightSum;
      }
      row[n] = EXIT_PROBABILITY[from];
      transitions[from] = normalised(row);
    }
    channels = new String[n];
    stages = new String[n];
    for (int i = 0; i < n; i++) {
      channels[i] = taxonomyValue(taxonomy, NAMES[i], "channel");
      stages[i] = taxonomyValue(taxonomy, NAMES[i], "stage");
    }
    checkoutChannel = taxonomyValue(taxonomy, CHECKOUT, "channel");
    checkoutStage = taxonomyValue(taxonomy, CHECKOUT, "stage");
    surveyChannel = taxonomyValue(taxonomy, SURVEY, "channel");
    surveyStage = taxonomyValue(taxonomy, SURVEY, "stage");
  }

  /** The model, with channels and stages from the packaged defaults' taxonomy. */
  static PlantedModel standard() {
    Config defaults = ConfigFactory.parseResources(PlantedModel.class.getClassLoader(), DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    return new PlantedModel(defaults.getConfig("touchpoints.taxonomy"));
  }

  int size() {
    return names.length;
  }

  /** Column labels of {@link #transitions}: the touchpoints, then {@link #EXIT}. */
  List<String> transitionStates() {
    String[] states = java.util.Arrays.copyOf(names, names.length + 1);
    states[names.length] = EXIT;
    return List.of(states);
  }

  /** P(CSAT >= 4) for CSAT = 1 + Binomial(4, (mean - 1) / 4). */
  static double satisfiedShare(double csatMean) {
    double p = (csatMean - 1.0) / 4.0;
    return binomialTail(4, p, 3);
  }

  /** Expected NPS, %P(score >= 9) - %P(score <= 6), for score = Binomial(10, meanScore / 10). */
  static double expectedNps(double npsMeanScore) {
    double q = npsMeanScore / 10.0;
    double promoters = binomialTail(10, q, 9);
    double detractors = 1.0 - binomialTail(10, q, 7);
    return 100.0 * (promoters - detractors);
  }

  /** P(X >= k) for X ~ Binomial(n, p), summed exactly. */
  static double binomialTail(int n, double p, int k) {
    double total = 0;
    for (int x = k; x <= n; x++) {
      total += binomialCoefficient(n, x) * Math.pow(p, x) * Math.pow(1 - p, n - x);
    }
    return total;
  }

  private static double binomialCoefficient(int n, int k) {
    double c = 1;
    for (int i = 1; i <= k; i++) {
      c = c * (n - k + i) / i;
    }
    return c;
  }

  private static double[] normalised(double[] weights) {
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    double[] out = new double[weights.length];
    for (int i = 0; i < weights.length; i++) {
      out[i] = weights[i] / sum;
    }
    return out;
  }

  private static String taxonomyValue(Config taxonomy, String touchpoint, String field) {
    if (!taxonomy.hasPath(touchpoint + "." + field)) {
      throw new IllegalStateException(
          "taxonomy." + touchpoint + "." + field + " is missing from " + DEFAULTS_RESOURCE + "; the generator needs it");
    }
    return taxonomy.getString(touchpoint + "." + field);
  }
}
