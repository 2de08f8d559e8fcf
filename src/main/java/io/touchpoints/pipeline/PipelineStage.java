package io.touchpoints.pipeline;

import com.typesafe.config.ConfigException;
import io.touchpoints.attribution.AttributionStage;
import io.touchpoints.config.ConfigurationException;
import io.touchpoints.config.JobConfig;
import io.touchpoints.effects.EffectsStage;
import io.touchpoints.journey.JourneysStage;
import io.touchpoints.metrics.MetricsStage;
import io.touchpoints.model.ModelStage;
import io.touchpoints.predict.PredictStage;
import io.touchpoints.recommend.RecommendStage;
import io.touchpoints.report.ReportStage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The registry of stages, in the order a run takes them: a new stage is its own package plus one line here. A
 * command runs a subset (always in this order); {@code run} runs them all but those of {@code run.skip}.
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

  /** The setting listing the stages {@code run} leaves out, by name. */
  public static final String RUN_SKIP = "run.skip";

  /**
   * The stages of {@code run}: all but those named in {@link #RUN_SKIP}.
   *
   * @throws ConfigurationException naming an unknown stage, or when nothing is left to run
   */
  public static EnumSet<PipelineStage> forRun(JobConfig config) {
    EnumSet<PipelineStage> stages = EnumSet.allOf(PipelineStage.class);
    List<String> skipped;
    try {
      skipped = config.raw().getStringList(RUN_SKIP);
    } catch (ConfigException e) {
      throw new ConfigurationException(RUN_SKIP + " must be a list of stage names, e.g. [effects, recommend]: "
          + e.getMessage());
    }
    for (String name : skipped) {
      stages.remove(named(name));
    }
    if (stages.isEmpty()) {
      throw new ConfigurationException(RUN_SKIP + " leaves no stage to run");
    }
    return stages;
  }

  private static PipelineStage named(String name) {
    List<String> names = new ArrayList<>();
    for (PipelineStage id : values()) {
      if (id.stage.spec().name().equals(name)) {
        return id;
      }
      names.add(id.stage.spec().name());
    }
    throw new ConfigurationException(RUN_SKIP + " names no stage '" + name + "'; the stages are "
        + String.join(", ", names));
  }
}
