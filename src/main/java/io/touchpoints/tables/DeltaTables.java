package io.touchpoints.tables;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.touchpoints.input.InputException;
import java.io.IOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;

/**
 * Reads and writes the job's Delta tables under one output folder. Every table is partitioned by
 * {@link TableNames#RUN_DATE}; a write replaces exactly the rows of its run date in one Delta transaction
 * ({@code replaceWhere}), so a re-run of a date replaces that run's rows instead of adding duplicates, and readers
 * never see a half-written table.
 */
public final class DeltaTables {

  private final SparkSession spark;
  private final String root;

  public DeltaTables(SparkSession spark, String root) {
    this.spark = spark;
    this.root = root;
  }

  public String path(String table) {
    return new Path(root, table).toString();
  }

  /** Writes {@code rows} as the rows of {@code runDate} in {@code table}, replacing what that date had. */
  public void replaceRunDate(String table, Dataset<Row> rows, LocalDate runDate) {
    rows.withColumn(TableNames.RUN_DATE, lit(Date.valueOf(runDate)))
        .write()
        .format("delta")
        .mode("overwrite")
        .option("replaceWhere", TableNames.RUN_DATE + " = '" + runDate + "'")
        // Later versions add columns; old rows read them as null.
        .option("mergeSchema", "true")
        .partitionBy(TableNames.RUN_DATE)
        .save(path(table));
  }

  /** Appends {@code rows} as rows of {@code runDate} (for the append-only runs ledger). */
  public void append(String table, Dataset<Row> rows, LocalDate runDate) {
    rows.withColumn(TableNames.RUN_DATE, lit(Date.valueOf(runDate)))
        .write()
        .format("delta")
        .mode("append")
        .option("mergeSchema", "true")
        .partitionBy(TableNames.RUN_DATE)
        .save(path(table));
  }

  public boolean exists(String table) {
    return DeltaLog.forTable(spark, path(table)).tableExists();
  }

  /** The whole table; {@link InputException} naming the folder when there is none. */
  public Dataset<Row> read(String table) {
    if (!exists(table)) {
      throw new InputException("no Delta table '" + table + "' under " + root
          + " (run `touchpoints run` or the stage that writes it first)");
    }
    return spark.read().format("delta").load(path(table));
  }

  /** The newest run date present in the table, if any. */
  public Optional<LocalDate> latestRunDate(String table) {
    Row row = read(table).agg(max(col(TableNames.RUN_DATE))).first();
    return row.isNullAt(0) ? Optional.empty() : Optional.of(row.getDate(0).toLocalDate());
  }

  /** The rows of one run date ({@code null}: the newest), without the run_date column. */
  public Dataset<Row> readRunDate(String table, LocalDate runDate) {
    LocalDate date = runDate != null ? runDate : latestRunDate(table)
        .orElseThrow(() -> new InputException("table '" + table + "' under " + root + " is empty"));
    return read(table).filter(col(TableNames.RUN_DATE).equalTo(lit(Date.valueOf(date))));
  }

  /** Whether the output root can be created or written: checked before a run starts. */
  public void requireWritable() {
    try {
      Path p = new Path(root);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(p) && !fs.getFileStatus(p).isDirectory()) {
        throw new InputException("output path exists and is not a folder: " + root);
      }
    } catch (IOException e) {
      throw new InputException("output path not usable: " + root + " (" + e.getMessage() + ")", e);
    }
  }
}
