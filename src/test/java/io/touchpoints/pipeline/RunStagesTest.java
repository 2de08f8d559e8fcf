package io.touchpoints.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoints.config.ConfigurationException;
import io.touchpoints.config.JobConfig;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code run.skip}: the stages {@code run} leaves out, checked when the settings are. */
class RunStagesTest {

  private static JobConfig config(String... overrides) {
    return JobConfig.load(null, List.of(overrides), Map.of());
  }

  @Test
  void byDefaultRunTakesEveryStage() {
    assertThat(PipelineStage.forRun(config())).isEqualTo(EnumSet.allOf(PipelineStage.class));
  }

  @Test
  void skippedStagesAreLeftOutByName() {
    assertThat(PipelineStage.forRun(config("run.skip=[effects,recommend]")))
        .doesNotContain(PipelineStage.EFFECTS, PipelineStage.RECOMMEND)
        .contains(PipelineStage.JOURNEYS, PipelineStage.MODEL, PipelineStage.REPORT)
        .hasSize(PipelineStage.values().length - 2);
  }

  @Test
  void anUnknownNameOrANonListOrNothingLeftIsABadSettingAtValidation() {
    assertThatThrownBy(() -> TouchpointJob.validate(config("run.skip=[efects]")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("run.skip names no stage 'efects'").hasMessageContaining("effects, recommend");
    assertThatThrownBy(() -> PipelineStage.forRun(config("run.skip=effects")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("run.skip must be a list of stage names");
    String all = String.join(",", List.of("journeys", "metrics", "attribution", "model", "predict", "effects",
        "recommend", "report"));
    assertThatThrownBy(() -> PipelineStage.forRun(config("run.skip=[" + all + "]")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("leaves no stage to run");
  }
}
