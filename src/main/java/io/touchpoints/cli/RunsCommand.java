package io.touchpoints.cli;

import static org.apache.spark.sql.functions.col;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.StageResult;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.RunLedger;
import io.touchpoints.tables.TableNames;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code touchpoints runs}: the runs ledger, newest first. */
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
    JobConfig resolved = tables.resolve(Map.of());
    SparkSession spark = SparkCommand.startSession(resolved, tables.session.master, "runs");
    Dataset<Row> ledger = new DeltaTables(spark, resolved.outputPath()).read(TableNames.RUNS);
    LocalDate date = tables.runDate();
    if (date != null) {
      ledger = ledger.filter(col(TableNames.RUN_DATE).equalTo(java.sql.Date.valueOf(date)));
    }
    // Ledgers written before mode and table versions were recorded read them as null.
    for (String column : List.of("mode", "input_versions", "output_versions")) {
      if (!List.of(ledger.columns()).contains(column)) {
        ledger = ledger.withColumn(column, org.apache.spark.sql.functions.lit(null)
            .cast(RunLedger.SCHEMA.apply(column).dataType()));
      }
    }
    Dataset<Row> rows;
    if (runId != null || stages) {
      rows = runId == null ? ledger : ledger.filter(col("run_id").equalTo(runId));
      rows = rows.select(col("run_id"), col("run_date"), col("stage"), col("status"), col("started_at"),
              col("seconds"), col("rows_in"), col("rows_out"), col("rows_quarantined"), col("rows_duplicate"),
              col("input_versions"), col("output_versions"), col("message"))
          .orderBy(col("started_at").desc(), col("stage").equalTo(RunLedger.RUN_STAGE));
    } else {
      // A run's line is its last status: the started row only while no ok or failed row follows it.
      Dataset<Row> runRows = ledger.filter(col("stage").equalTo(RunLedger.RUN_STAGE));
      Dataset<Row> ended = runRows.filter(col("status").notEqual(StageResult.STARTED)).select(col("run_id"));
      rows = runRows.join(ended, runRows.col("run_id").equalTo(ended.col("run_id")), "left_anti")
          .unionByName(runRows.filter(col("status").notEqual(StageResult.STARTED)))
          .select(RUN_COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
          .orderBy(col("started_at").desc());
    }
    printer.print(rows);
    return 0;
  }
}
