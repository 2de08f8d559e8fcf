package io.touchpoints.pipeline;

import io.touchpoints.config.JobConfig;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.RunJournal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.spark.sql.SparkSession;

/**
 * What a running stage is given: the session, the resolved settings, the output tables, the reporter for extra
 * summary lines, the run's journal (for files outside Delta it replaces, so a failed run can put them back), and
 * what earlier stages of the run left for later ones.
 */
public final class StageContext {

  private final SparkSession spark;
  private final JobConfig config;
  private final DeltaTables tables;
  private final StageReporter reporter;
  private final RunRequest request;
  private final RunJournal journal;
  private final Set<String> skipped = new HashSet<>();
  private final BiConsumer<String, StageResult> parts;
  private final List<StageResult> results;
  private Reconciliation reconciliation;

  StageContext(SparkSession spark, JobConfig config, DeltaTables tables, StageReporter reporter, RunRequest request,
      RunJournal journal, BiConsumer<String, StageResult> parts, List<StageResult> results) {
    this.parts = parts;
    this.results = results;
    this.spark = spark;
    this.config = config;
    this.tables = tables;
    this.reporter = reporter;
    this.request = request;
    this.journal = journal;
  }

  public SparkSession spark() {
    return spark;
  }

  public JobConfig config() {
    return config;
  }

  public DeltaTables tables() {
    return tables;
  }

  public StageReporter reporter() {
    return reporter;
  }

  public RunRequest request() {
    return request;
  }

  public RunJournal journal() {
    return journal;
  }

  public String runId() {
    return journal.runId();
  }

  /** The ledger rows of the stages of this run that have ended. */
  public List<StageResult> results() {
    return List.copyOf(results);
  }

  /**
   * Records a part of the stage that has its own ledger row and progress line (ingest, within journeys), with the
   * tables it read and wrote since the stage began.
   */
  public void part(StageOutcome outcome, String name, Instant start) {
    StageResult result = new StageResult(name, outcome.status(), start,
        Duration.between(start, Instant.now()).toMillis() / 1000.0, outcome.rowsIn(), outcome.rowsOut(),
        outcome.rowsQuarantined(), outcome.rowsDuplicate(), outcome.message());
    parts.accept(outcome.summary(), result);
  }

  /** Whether an earlier stage of this run was skipped. */
  public boolean skipped(PipelineStage stage) {
    return skipped.contains(stage.stage().spec().name());
  }

  void markSkipped(String stage) {
    skipped.add(stage);
  }

  /** The journeys stage's row counts, for the run's own ledger row. */
  public void reconciliation(Reconciliation counts) {
    this.reconciliation = counts;
  }

  Reconciliation reconciliation() {
    return reconciliation;
  }
}
