package io.touchpoints.pipeline;

import io.touchpoints.attribution.AttributionStage;
import io.touchpoints.effects.EffectsStage;
import io.touchpoints.journey.JourneysStage;
import io.touchpoints.metrics.MetricsStage;
import io.touchpoints.model.ModelStage;
import io.touchpoints.predict.PredictStage;
import io.touchpoints.recommend.RecommendStage;
import io.touchpoints.report.ReportStage;

/**
 * The registry of stages, in the order a run takes them: a new stage is its own package plus one line here. A
 * command runs a subset (always in this order); {@code run} runs them all.
 */
public enum PipelineStage {
  JOURNEYS(new JourneysStage()),
  METRICS(new MetricsStage()),
  ATTRIBUTION(new AttributionStage()),
  MODEL(new ModelStage()),
  PREDICT(new PredictStage()),
  EFFECTS(new EffectsStage()),
  RECOMMEND(new RecommendStage()),
  REPORT(new ReportStage());

  private final Stage<?> stage;

  PipelineStage(Stage<?> stage) {
    this.stage = stage;
  }

  public Stage<?> stage() {
    return stage;
  }
}
