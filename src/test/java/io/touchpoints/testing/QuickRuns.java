package io.touchpoints.testing;

import io.touchpoints.pipeline.PipelineStage;
import java.util.EnumSet;
import java.util.Set;

/**
 * Whole runs for tests whose subject is not the causal stages (effects, recommend): on the sample those two take
 * about as long as every other stage together, which the suite's time budget cannot pay in every full-run fixture.
 * Their own tests run them (CausalCommandsTest, RecommendPlantedTruthTest, FailedRunTest's production matrix).
 */
public final class QuickRuns {

  /** The setting, as {@code --conf} takes it. */
  public static final String SKIP_CAUSAL_STAGES = "run.skip=[effects,recommend]";

  private QuickRuns() {}

  /** Every stage but effects and recommend, as {@code run} with {@link #SKIP_CAUSAL_STAGES} runs. */
  public static Set<PipelineStage> withoutCausalStages() {
    return EnumSet.complementOf(EnumSet.of(PipelineStage.EFFECTS, PipelineStage.RECOMMEND));
  }
}
