package io.touchpoints.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md lists the stages as the registry declares them: the table between its two markers is this
 * test's rendering of {@link PipelineStage}, so a stage added, renamed or rewired shows up in the doc or fails here
 * (the message holds the table to paste).
 */
class ArchitectureDocTest {

  private static final String BEGIN = "<!-- stages: generated from PipelineStage, checked by ArchitectureDocTest -->";
  private static final String END = "<!-- end of stages -->";

  static String stageTable() {
    StringBuilder table = new StringBuilder("| # | stage | package | reads | writes | settings |\n"
        + "|---|---|---|---|---|---|\n");
    int n = 1;
    for (PipelineStage id : PipelineStage.values()) {
      StageSpec s = id.stage().spec();
      table.append("| ").append(n++).append(" | `").append(s.name()).append("`: ").append(s.description())
          .append(" | `").append(id.stage().getClass().getPackageName().replace("io.touchpoints.", "")).append('/')
          .append(id.stage().getClass().getSimpleName()).append("` | ").append(String.join(", ", s.reads()))
          .append(" | ").append(String.join(", ", s.writes())).append(" | ")
          .append(String.join(", ", s.settingsSections())).append(" |\n");
    }
    return table.toString();
  }

  @Test
  void theStageTableOfTheArchitectureDocIsTheRegistrys() throws IOException {
    String doc = Files.readString(Path.of("docs/architecture.md"), StandardCharsets.UTF_8);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertThat(begin).as("marker %s in docs/architecture.md", BEGIN).isNotNegative();
    assertThat(end).as("marker %s", END).isGreaterThan(begin);
    String documented = doc.substring(begin + BEGIN.length(), end).strip();
    assertThat(documented).as("the stage table of docs/architecture.md; expected:%n%s", stageTable())
        .isEqualTo(stageTable().strip());
  }
}
