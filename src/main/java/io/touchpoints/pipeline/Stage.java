package io.touchpoints.pipeline;

import io.touchpoints.config.JobConfig;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * One stage of a run: what it reads and writes, its settings and its work. A stage validates its settings when the
 * run is planned, checks the files it needs before anything is written ({@link #check}), then runs with a
 * {@link StageContext}. Stages are registered once, in run order, in {@link PipelineStage}.
 *
 * @param <S> the stage's settings: a validated record built from the resolved configuration
 */
public interface Stage<S> {

  /** Its name, description, settings sections and the tables it reads and writes. */
  StageSpec spec();

  /**
   * The validated settings.
   *
   * @throws io.touchpoints.config.ConfigurationException naming the key and the bad value
   */
  S settings(JobConfig config, RunRequest request);

  /**
   * Checks, before anything of the run is written, what the stage will need: files, a saved model, an environment
   * variable. Default: nothing.
   *
   * @throws io.touchpoints.pipeline.InputException naming what is missing
   */
  default void check(SparkSession spark, S settings, JobConfig config, RunRequest request) {}

  /** Does the work: reads, computes and writes through the context; returns the stage's ledger row values. */
  StageOutcome run(StageContext context, S settings);
}
