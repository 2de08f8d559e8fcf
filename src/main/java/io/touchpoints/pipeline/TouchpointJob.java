package io.touchpoints.pipeline;

import io.touchpoints.config.ConfigurationException;
import io.touchpoints.config.JobConfig;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.OutputLock;
import io.touchpoints.tables.RunJournal;
import io.touchpoints.tables.RunLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/**
 * Runs the chosen stages of {@link PipelineStage} as one unit. In order: every stage's settings are validated and the
 * chosen stages check the files they need (bad settings or input: exit 2, nothing written); the output folder is
 * locked ({@link OutputLock}); a run killed earlier is undone; a {@code started} row goes to the runs ledger; the
 * stages run, each under the Spark job group {@code touchpoints:<stage>}; the run's row is {@code ok}. If a stage
 * fails, every table the run wrote goes back to its version before the run ({@link RunJournal}) and the run's row is
 * {@code failed}, naming the stage, the error and what was restored.
 */
public final class TouchpointJob {

  private final SparkSession spark;
  private final JobConfig config;
  private final StageReporter reporter;
  private final DeltaTables tables;
  private final List<StageResult> results = new ArrayList<>();
  private final Map<StageResult, RunLedger.TableVersions> versions = new IdentityHashMap<>();

  public TouchpointJob(SparkSession spark, JobConfig config, StageReporter reporter) {
    this.spark = spark;
    this.config = config;
    this.reporter = reporter;
    this.tables = new DeltaTables(spark, config.outputPath());
  }

  /** A stage with its validated settings, ready to run. */
  private record Planned<S>(Stage<S> stage, S settings) {
    StageOutcome run(StageContext context) {
      return stage.run(context, settings);
    }
  }

  /**
   * Validates every registered stage's settings (commands call it before they start Spark).
   *
   * @throws ConfigurationException naming the key and the bad value
   */
  public static void validate(JobConfig config) {
    RunRequest all = RunRequest.of("validate", EnumSet.allOf(PipelineStage.class));
    for (PipelineStage id : PipelineStage.values()) {
      id.stage().settings(config, all);
    }
    PipelineStage.forRun(config);
  }

  private List<Planned<?>> plan(RunRequest request) {
    List<Planned<?>> chosen = new ArrayList<>();
    for (PipelineStage id : PipelineStage.values()) {
      Planned<?> planned = planned(id.stage(), request, request.runs(id));
      if (request.runs(id)) {
        chosen.add(planned);
      }
    }
    return chosen;
  }

  private <S> Planned<S> planned(Stage<S> stage, RunRequest request, boolean chosen) {
    S settings = stage.settings(config, request);
    if (chosen) {
      stage.check(spark, settings, config, request);
    }
    return new Planned<>(stage, settings);
  }

  /** @return the journeys stage's row counts when it ran, else null */
  public Reconciliation execute(String command, Set<PipelineStage> stages) {
    return execute(RunRequest.of(command, stages));
  }

  /** Runs {@code request} as one unit; see the class comment. */
  public Reconciliation execute(RunRequest request) {
    List<Planned<?>> plan = plan(request);
    tables.requireWritable();
    String runId = UUID.randomUUID().toString();
    RunLedger.RunInfo info = new RunLedger.RunInfo(runId, request.command(),
        request.runs(PipelineStage.JOURNEYS) ? config.inputPath() : request.pathFile(), AppVersion.get(),
        config.hash(), config.toJson(), config.raw().getBoolean("incremental") ? "incremental" : "full");
    try (OutputLock lock = OutputLock.acquire(config.outputPath(), "run " + runId + " (" + request.command() + ")")) {
      undoUnfinished(runId);
      Instant start = Instant.now();
      RunJournal journal = RunJournal.begin(spark, config.outputPath(), runId);
      StageContext context = new StageContext(spark, config, tables, reporter, request, journal, this::record,
          results);
      String current = null;
      try {
        RunLedger.append(spark, tables, config.runDate(), info, List.of(runRow(StageResult.STARTED, start, null,
            null)));
        for (Planned<?> planned : plan) {
          current = planned.stage().spec().name();
          runStage(planned, context);
        }
        journal.commit();
        results.add(runRow(StageResult.OK, start, context.reconciliation(), null));
        RunLedger.append(spark, tables, config.runDate(), info, results, this::versionsOf);
        return context.reconciliation();
      } catch (RuntimeException e) {
        throw failed(e, current, journal, info, start);
      } finally {
        spark.sparkContext().clearJobGroup();
      }
    }
  }

  private void runStage(Planned<?> planned, StageContext context) {
    StageSpec stage = planned.stage().spec();
    tables.clearVersions();
    spark.sparkContext().setJobGroup("touchpoints:" + stage.name(), stage.description(), false);
    Instant start = Instant.now();
    StageOutcome outcome = planned.run(context);
    if (outcome.isSkipped()) {
      context.markSkipped(stage.name());
    }
    record(outcome.summary(), new StageResult(stage.name(), outcome.status(), start, since(start),
        outcome.rowsIn(), outcome.rowsOut(), outcome.rowsQuarantined(), outcome.rowsDuplicate(), outcome.message()));
    outcome.details().accept(reporter);
  }

  /** A ledger row with the versions read and written since the last one, and its progress line. */
  private void record(String summary, StageResult result) {
    results.add(result);
    versions.put(result, new RunLedger.TableVersions(tables.versionsRead(), tables.versionsWritten()));
    tables.clearVersions();
    reporter.stage(result.stage(), summary, result.seconds());
  }

  /** Undoes the run, records it as failed and returns what the command throws: exit 2 if it wrote nothing, else 1. */
  private RuntimeException failed(RuntimeException e, String stage, RunJournal journal, RunLedger.RunInfo info,
      Instant start) {
    List<String> restored;
    try {
      restored = journal.undo();
    } catch (RuntimeException undoFailure) {
      e.addSuppressed(undoFailure);
      restored = List.of("undo failed: " + undoFailure.getMessage());
    }
    String what = restored.isEmpty() ? "nothing to restore" : "restored " + String.join(", ", restored);
    String message = (stage == null ? "run" : stage) + ": " + RunFailedException.describe(e) + "; " + what;
    results.add(runRow(StageResult.FAILED, start, null, message));
    try {
      RunLedger.append(spark, tables, config.runDate(), info, results, this::versionsOf);
    } catch (RuntimeException ledgerFailure) {
      e.addSuppressed(ledgerFailure);
    }
    boolean wroteData = restored.stream().anyMatch(r -> !r.startsWith("undo failed"));
    if ((e instanceof InputException || e instanceof ConfigurationException) && !wroteData) {
      return e;
    }
    return new RunFailedException("stage " + stage + " failed: " + RunFailedException.describe(e), what, e);
  }

  /** Undoes the runs whose journal is still there (killed with kill -9) before this run touches anything. */
  private void undoUnfinished(String runId) {
    for (String killed : RunJournal.unfinished(spark, config.outputPath())) {
      List<String> restored = RunJournal.of(spark, config.outputPath(), killed).undo();
      String what = restored.isEmpty() ? "nothing to restore" : "restored " + String.join(", ", restored);
      reporter.line("run " + killed + " did not finish (killed?): undone before this run: " + what);
      RunLedger.append(spark, tables, config.runDate(), new RunLedger.RunInfo(killed, null, null, null, null, null,
          null), List.of(runRow(StageResult.FAILED, null, null, "did not finish; undone by run " + runId + ": "
          + what)));
    }
  }

  private StageResult runRow(String status, Instant start, Reconciliation counts, String message) {
    StageResult run = new StageResult(RunLedger.RUN_STAGE, status, start, start == null ? 0 : since(start),
        counts == null ? null : counts.read(), counts == null ? null : counts.kept(),
        counts == null ? null : counts.quarantined(), counts == null ? null : counts.duplicates(), message);
    versions.put(run, RunLedger.TableVersions.span(results.stream().map(this::versionsOf).toList()));
    return run;
  }

  private RunLedger.TableVersions versionsOf(StageResult result) {
    return versions.getOrDefault(result, RunLedger.TableVersions.NONE);
  }

  private static double since(Instant start) {
    return Duration.between(start, Instant.now()).toMillis() / 1000.0;
  }
}
