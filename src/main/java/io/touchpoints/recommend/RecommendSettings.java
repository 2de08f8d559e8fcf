package io.touchpoints.recommend;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.touchpoints.config.ConfigurationException;
import io.touchpoints.effects.EffectsSettings;
import java.util.List;

/**
 * The {@code touchpoints.recommend} block; units, models, folds and clipping are those of {@code effects}.
 *
 * @param topK candidates kept per customer in next_best_touchpoint
 * @param candidates touchpoints to recommend from; empty = every touchpoint with effects.min_group journeys with and
 *     without it
 * @param effects the effects settings the scores share
 */
record RecommendSettings(int topK, List<String> candidates, EffectsSettings effects) {

  RecommendSettings {
    candidates = List.copyOf(candidates);
    if (topK < 1 || topK > 100) {
      throw new ConfigurationException("recommend.top_k must be between 1 and 100, got " + topK);
    }
  }

  /** From the {@code touchpoints} block. */
  static RecommendSettings from(Config touchpoints) {
    try {
      Config r = touchpoints.getConfig("recommend");
      return new RecommendSettings(r.getInt("top_k"), r.getStringList("candidates"),
          EffectsSettings.from(touchpoints));
    } catch (ConfigException e) {
      throw new ConfigurationException("bad recommend setting: " + e.getMessage());
    }
  }
}
