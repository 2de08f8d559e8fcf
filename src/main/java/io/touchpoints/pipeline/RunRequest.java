package io.touchpoints.pipeline;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What a command asks of a run: the stages, in registry order whatever the set's order, and the few inputs that are
 * options of one command rather than settings.
 *
 * @param command the CLI command, for the ledger
 * @param stages the stages to run
 * @param pathFile aggregated path file that attribution reads instead of the journeys (null: the journeys)
 * @param pathSeparator field separator of {@code pathFile}
 * @param environment where the pseudonymization salt is read from
 */
public record RunRequest(String command, Set<PipelineStage> stages, String pathFile, String pathSeparator,
    Map<String, String> environment) {

  public RunRequest {
    stages = stages.isEmpty() ? EnumSet.noneOf(PipelineStage.class) : EnumSet.copyOf(stages);
    pathSeparator = pathSeparator == null ? "," : pathSeparator;
    environment = Map.copyOf(environment);
  }

  public static RunRequest of(String command, Set<PipelineStage> stages) {
    return new RunRequest(command, stages, null, ",", System.getenv());
  }

  public boolean runs(PipelineStage stage) {
    return stages.contains(stage);
  }

  /**
   * A run of the pipeline from the input through the model, as {@code run} is whatever {@code run.skip} leaves out:
   * there the model is one stage among several, not the command's purpose.
   */
  public boolean isWholePipeline() {
    return stages.contains(PipelineStage.JOURNEYS) && stages.contains(PipelineStage.MODEL);
  }

  public RunRequest withPathFile(String file, String separator) {
    return new RunRequest(command, stages, file, separator, environment);
  }

  public RunRequest withEnvironment(Map<String, String> env) {
    return new RunRequest(command, stages, pathFile, pathSeparator, env);
  }
}
