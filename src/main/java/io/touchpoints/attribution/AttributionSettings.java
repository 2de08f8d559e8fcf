package io.touchpoints.attribution;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.touchpoints.config.ConfigurationException;
import java.util.List;

/** The {@code touchpoints.attribution} block: which models and how. */
record AttributionSettings(
    List<Integer> markovOrders,
    List<String> directTouchpoints,
    double positionFirstShare,
    double positionLastShare,
    double timeDecayHalfLifeDays,
    int shapleyExactMax,
    int shapleyPermutations,
    int bootstrapReplicates,
    long seed,
    double orderFitHoldout,
    double orderFitPrior) {

  /** The settings without the held-out choice of Markov order. */
  public AttributionSettings(List<Integer> markovOrders, List<String> directTouchpoints, double positionFirstShare,
      double positionLastShare, double timeDecayHalfLifeDays, int shapleyExactMax, int shapleyPermutations,
      int bootstrapReplicates, long seed) {
    this(markovOrders, directTouchpoints, positionFirstShare, positionLastShare, timeDecayHalfLifeDays,
        shapleyExactMax, shapleyPermutations, bootstrapReplicates, seed, 0, 1);
  }

  public AttributionSettings {
    markovOrders = List.copyOf(markovOrders);
    directTouchpoints = List.copyOf(directTouchpoints);
    for (int order : markovOrders) {
      if (order < 1 || order > AttributionModel.maxMarkovOrder()) {
        throw new ConfigurationException("attribution.markov_orders must be between 1 and "
            + AttributionModel.maxMarkovOrder() + ", got " + markovOrders);
      }
    }
    if (positionFirstShare < 0 || positionLastShare < 0 || positionFirstShare + positionLastShare > 1) {
      throw new ConfigurationException("attribution.position_first_share and position_last_share must be >= 0 and "
          + "sum to at most 1, got " + positionFirstShare + " and " + positionLastShare);
    }
    if (!(timeDecayHalfLifeDays > 0)) {
      throw new ConfigurationException("attribution.time_decay_half_life must be positive, got "
          + timeDecayHalfLifeDays + " days");
    }
    if (shapleyExactMax < 1 || shapleyExactMax > 20) {
      throw new ConfigurationException("attribution.shapley_exact_max must be 1 to 20, got " + shapleyExactMax);
    }
    if (shapleyPermutations < 2) {
      throw new ConfigurationException("attribution.shapley_permutations must be at least 2 (for a standard "
          + "error), got " + shapleyPermutations);
    }
    if (bootstrapReplicates < 0) {
      throw new ConfigurationException("attribution.bootstrap_replicates must be >= 0, got " + bootstrapReplicates);
    }
    if (!(orderFitHoldout >= 0 && orderFitHoldout < 1)) {
      throw new ConfigurationException("attribution.order_fit_holdout must be at least 0 and below 1, got "
          + orderFitHoldout);
    }
    if (!(orderFitPrior > 0) || Double.isInfinite(orderFitPrior)) {
      throw new ConfigurationException("attribution.order_fit_prior must be positive, got " + orderFitPrior);
    }
  }

  public static AttributionSettings from(Config c) {
    try {
      return new AttributionSettings(
          c.getIntList("markov_orders"),
          c.getStringList("direct_touchpoints"),
          c.getDouble("position_first_share"),
          c.getDouble("position_last_share"),
          c.getDuration("time_decay_half_life").toSeconds() / 86400.0,
          c.getInt("shapley_exact_max"),
          c.getInt("shapley_permutations"),
          c.getInt("bootstrap_replicates"),
          c.getLong("seed"),
          c.getDouble("order_fit_holdout"),
          c.getDouble("order_fit_prior"));
    } catch (ConfigException e) {
      throw new ConfigurationException("bad attribution setting: " + e.getMessage());
    }
  }
}
