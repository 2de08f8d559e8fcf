package io.touchpoints.tables;

import io.touchpoints.pipeline.StageResult;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code runs} table: one row per run and stage (run id, counts, status, timings, app version, the resolved
 * configuration and its hash). Unlike the data tables it is append-only: it is the history of every attempt,
 * failed ones included. A few rows per run, built on the driver.
 */
public final class RunLedger {

  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("command", DataTypes.StringType)
      .add("stage", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("started_at", DataTypes.TimestampType)
      .add("seconds", DataTypes.DoubleType)
      .add("rows_in", DataTypes.LongType)
      .add("rows_out", DataTypes.LongType)
      .add("rows_quarantined", DataTypes.LongType)
      .add("rows_duplicate", DataTypes.LongType)
      .add("message", DataTypes.StringType)
      .add("input", DataTypes.StringType)
      .add("app_version", DataTypes.StringType)
      .add("config_hash", DataTypes.StringType)
      .add("config", DataTypes.StringType);

  /** What identifies a run in the ledger. */
  public record RunInfo(String runId, String command, String input, String appVersion, String configHash,
      String configJson) {}

  private RunLedger() {}

  public static void append(SparkSession spark, DeltaTables tables, LocalDate runDate, RunInfo run,
      List<StageResult> stages) {
    List<Row> rows = new ArrayList<>();
    for (StageResult s : stages) {
      rows.add(RowFactory.create(run.runId(), run.command(), s.stage(), s.status(),
          s.startedAt() == null ? null : Timestamp.from(s.startedAt()), s.seconds(),
          s.rowsIn(), s.rowsOut(), s.rowsQuarantined(), s.rowsDuplicate(), s.message(), run.input(),
          run.appVersion(), run.configHash(), run.configJson()));
    }
    Dataset<Row> df = spark.createDataFrame(rows, SCHEMA);
    tables.append(TableNames.RUNS, df, runDate);
  }
}
