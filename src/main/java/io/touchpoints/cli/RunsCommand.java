package io.touchpoints.cli;

import static io.touchpoints.tables.TableRows.SortKey.desc;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.StageResult;
import io.touchpoints.tables.KernelTables;
import io.touchpoints.tables.RunLedger;
import io.touchpoints.tables.TableNames;
import io.touchpoints.tables.TableRows;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code touchpoints runs}: the runs ledger, newest first. Starts no Spark session: the ledger is read through Delta
 * Kernel in this JVM ({@link KernelTables}). Columns a ledger written by an older version lacks print as null.
 */
@Command(name = "runs", mixinStandardHelpOptions = true,
    description = "Print the runs ledger under --output, newest first: one line per run (run id, run date, command, "
        + "mode, status, seconds, rows read, kept, quarantined and duplicate, the Delta versions of the tables it "
        + "read and left, config hash, app version). --stages (or --run-id) prints every stage with its own timings, "
        + "counts and table versions. A run still in progress, or killed and not yet undone, shows as started.")
final class RunsCommand implements Callable<Integer> {

  /** The columns of the one-line-per-run view (stage rows add stage and message). */
  private static final List<String> RUN_COLUMNS = List.of("run_id", "run_date", "command", "mode", "status",
      "started_at", "seconds", "rows_in", "rows_out", "rows_quarantined", "rows_duplicate", "input_versions",
      "output_versions", "config_hash", "app_version", "message");

  /** The columns of the one-line-per-stage view. */
  private static final List<String> STAGE_COLUMNS = List.of("run_id", "run_date", "stage", "status", "started_at",
      "seconds", "rows_in", "rows_out", "rows_quarantined", "rows_duplicate", "input_versions", "output_versions",
      "message");

  @Spec
  CommandSpec spec;

  @Option(names = "--stages", description = "One line per stage instead of one per run.")
  boolean stages;

  @Option(names = "--run-id", paramLabel = "ID", description = "Only this run, stage by stage.")
  String runId;

  @Mixin
  OutputOptions tables = new OutputOptions();

  @Mixin
  TablePrinter printer = new TablePrinter();

  @Override
  public Integer call() {
    printer.check(spec);
    tables.session.noteMasterUnused(spec.commandLine());
    JobConfig resolved = tables.resolve(Map.of());
    TableRows ledger = new KernelTables(resolved.outputPath(), resolved.sparkSettings()).read(TableNames.RUNS);
    printer.print(view(ledger, tables.runDate(), runId, stages));
    return 0;
  }

  /**
   * The lines printed: of one run date when {@code date} is given; every stage of every run (or of {@code runId})
   * newest first, the stages before their run's own row; or one line per run, newest first.
   */
  static TableRows view(TableRows ledger, LocalDate date, String runId, boolean stages) {
    TableRows rows = date == null ? ledger : ledger.filter(TableNames.RUN_DATE, date::equals);
    if (runId != null || stages) {
      rows = (runId == null ? rows : rows.filter("run_id", runId::equals)).select(STAGE_COLUMNS);
      int stage = rows.index("stage");
      return rows.sorted(rows.order(List.of(desc("started_at")))
          .thenComparing(r -> RunLedger.RUN_STAGE.equals(r.get(stage))));
    }
    // A run's line is its last status: the started row only while no ok or failed row follows it.
    TableRows runRows = rows.filter("stage", RunLedger.RUN_STAGE::equals);
    int id = runRows.index("run_id");
    int status = runRows.index("status");
    Set<Object> ended = new HashSet<>();
    runRows.rows().stream().filter(r -> !StageResult.STARTED.equals(r.get(status)))
        .forEach(r -> ended.add(r.get(id)));
    return new TableRows(runRows.columns(), runRows.rows().stream()
        .filter(r -> !StageResult.STARTED.equals(r.get(status)) || !ended.contains(r.get(id))).toList())
        .select(RUN_COLUMNS).sorted(List.of(desc("started_at")));
  }
}
