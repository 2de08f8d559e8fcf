package io.touchpoints.tables;

import io.touchpoints.pipeline.StageResult;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code runs} table: one row per run and stage (run id, counts, status, timings, the Delta versions of the
 * tables each stage read and wrote, app version, the resolved configuration and its hash), and one row per run with
 * {@code stage = run}: the run's status ({@code ok} or {@code failed}), total time, row counts and the versions it
 * read and left. Unlike the data tables it is append-only: it is the history of every attempt, failed ones included
 * (a run killed outright leaves no row). A few rows per run, built on the driver.
 */
public final class RunLedger {

  /** The stage name of a run's own row. */
  public static final String RUN_STAGE = "run";

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
      .add("config", DataTypes.StringType)
      .add("mode", DataTypes.StringType)
      .add("input_versions", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
      .add("output_versions", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType));

  /** What identifies a run in the ledger; {@code mode} is {@code full} or {@code incremental}. */
  public record RunInfo(String runId, String command, String input, String appVersion, String configHash,
      String configJson, String mode) {}

  /** Delta versions of the tables a stage read (before writing them) and wrote (after its last write). */
  public record TableVersions(Map<String, Long> read, Map<String, Long> written) {
    public static final TableVersions NONE = new TableVersions(Map.of(), Map.of());

    /** A run's versions from its stages': each table as first read before the run wrote it, and as last written. */
    public static TableVersions span(List<TableVersions> stages) {
      Map<String, Long> read = new TreeMap<>();
      Map<String, Long> written = new TreeMap<>();
      for (TableVersions v : stages) {
        v.read().forEach((table, version) -> {
          if (!written.containsKey(table)) {
            read.putIfAbsent(table, version);
          }
        });
        written.putAll(v.written());
      }
      return new TableVersions(read, written);
    }
  }

  private RunLedger() {}

  public static void append(SparkSession spark, DeltaTables tables, LocalDate runDate, RunInfo run,
      List<StageResult> stages) {
    append(spark, tables, runDate, run, stages, s -> TableVersions.NONE);
  }

  /** Appends one row per stage, with the versions {@code versions} gives for it. */
  public static void append(SparkSession spark, DeltaTables tables, LocalDate runDate, RunInfo run,
      List<StageResult> stages, java.util.function.Function<StageResult, TableVersions> versions) {
    List<Row> rows = new ArrayList<>();
    for (StageResult s : stages) {
      TableVersions v = versions.apply(s);
      rows.add(RowFactory.create(run.runId(), run.command(), s.stage(), s.status(),
          s.startedAt() == null ? null : Timestamp.from(s.startedAt()), s.seconds(),
          s.rowsIn(), s.rowsOut(), s.rowsQuarantined(), s.rowsDuplicate(), s.message(), run.input(),
          run.appVersion(), run.configHash(), run.configJson(), run.mode(),
          scala(v == null ? Map.of() : v.read()), scala(v == null ? Map.of() : v.written())));
    }
    Dataset<Row> df = spark.createDataFrame(rows, SCHEMA);
    tables.append(TableNames.RUNS, df, runDate);
  }

  private static scala.collection.Map<String, Long> scala(Map<String, Long> map) {
    return scala.collection.JavaConverters.mapAsScalaMap(new TreeMap<>(map));
  }
}
