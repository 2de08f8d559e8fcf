package io.touchpoints.tables;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.touchpoints.pipeline.InputException;
import java.io.IOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Reads and writes the job's Delta tables under one output folder. Every table is partitioned by
 * {@link TableNames#RUN_DATE}; a write replaces exactly the rows of its run date in one Delta transaction
 * ({@code replaceWhere}), so a re-run of a date replaces that run's rows instead of adding duplicates, and readers
 * never see a half-written table.
 *
 * <p>Layouts: a table written by full runs holds one snapshot per run date ({@link Layout#SNAPSHOT}). The
 * {@code events} and {@code journeys} tables of an output kept by incremental runs hold one current state instead
 * ({@link Layout#CURRENT}, recorded as the Delta table property {@value #LAYOUT_PROPERTY}): their rows are updated
 * in place with {@code MERGE}, {@code run_date} is the run date that last wrote a row, "the rows of a run date" are
 * the whole current state, and a full run replaces the whole state.
 *
 * <p>Every read is pinned to the table version current when it starts, and the versions read and written are
 * recorded ({@link #versionsRead()}, {@link #versionsWritten()}) for the runs ledger.
 */
public final class DeltaTables {

  /** Delta table property naming a table's layout. */
  public static final String LAYOUT_PROPERTY = "touchpoints.layout";

  /** Delta table property listing the columns Delta keeps per-file statistics for. */
  public static final String STATS_COLUMNS_PROPERTY = "delta.dataSkippingStatsColumns";

  /** How a table keeps its rows across run dates. */
  public enum Layout {
    /** One full snapshot per run date (full runs). */
    SNAPSHOT,
    /** One current state, updated in place by incremental runs. */
    CURRENT
  }

  private final SparkSession spark;
  private final String root;
  private final Map<String, Long> read = new LinkedHashMap<>();
  private final Map<String, Long> written = new LinkedHashMap<>();

  public DeltaTables(SparkSession spark, String root) {
    this.spark = spark;
    this.root = root;
  }

  public String path(String table) {
    return new Path(root, table).toString();
  }

  /**
   * Writes {@code rows} as the rows of {@code runDate} in {@code table}, replacing what that date had; in a
   * {@link Layout#CURRENT} table, replacing the whole current state (a full rebuild), in one transaction either way.
   *
   * @return the rows written, as the commit recorded them (see {@link #rowsCommitted})
   */
  public long replaceRunDate(String table, Dataset<Row> rows, LocalDate runDate) {
    return replaceRunDate(table, rows, runDate, List.of());
  }

  /**
   * {@link #replaceRunDate(String, Dataset, LocalDate)}, and where this write creates the table, Delta keeps per-file
   * statistics (minimum, maximum, nulls) for {@code statsColumns} only ({@value #STATS_COLUMNS_PROPERTY}; empty:
   * Delta's default, the first 32 columns). Collecting them is a large part of a wide table's write, and they pay
   * only on columns readers filter on. A table that exists keeps the statistics it was created with.
   */
  public long replaceRunDate(String table, Dataset<Row> rows, LocalDate runDate, List<String> statsColumns) {
    long before = versionOrNone(table);
    writeRunDate(table, rows, runDate, statsColumns);
    recordWrite(table);
    return rowsCommitted(table, before, runDate);
  }

  /**
   * {@link #replaceRunDate} for several tables, written side by side, each in its own transaction as one by one: a
   * small table spends most of its write in the driver (planning, the Delta commit), which two threads overlap. Every
   * write finishes or fails before this returns; the first failure is thrown, the others added to it as suppressed.
   * Spark's job group and other local properties pass to the writing threads.
   *
   * @return the rows written per table, as the commits recorded them (see {@link #rowsCommitted})
   */
  public Map<String, Long> replaceRunDates(Map<String, Dataset<Row>> byTable, LocalDate runDate) {
    Map<String, Throwable> failures = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Long> before = new LinkedHashMap<>();
    byTable.keySet().forEach(table -> before.put(table, versionOrNone(table)));
    List<Thread> threads = new ArrayList<>();
    for (Map.Entry<String, Dataset<Row>> t : byTable.entrySet()) {
      Thread thread = new Thread(() -> {
        try {
          writeRunDate(t.getKey(), t.getValue(), runDate, List.of());
        } catch (Throwable e) {
          failures.put(t.getKey(), e);
        }
      }, "touchpoints-write-" + t.getKey());
      thread.start();
      threads.add(thread);
    }
    try {
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing " + byTable.keySet(), e);
    }
    Throwable first = null;
    for (String table : byTable.keySet()) {
      Throwable failure = failures.get(table);
      if (failure == null) {
        recordWrite(table);
      } else if (first == null) {
        first = failure;
      } else {
        first.addSuppressed(failure);
      }
    }
    if (first instanceof RuntimeException r) {
      throw r;
    }
    if (first instanceof Error e) {
      throw e;
    }
    if (first != null) {
      throw new IllegalStateException(first);
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    byTable.keySet().forEach(table -> rows.put(table, rowsCommitted(table, before.get(table), runDate)));
    return rows;
  }

  /**
   * Rows written by the table's last commit of this object: Delta's operation metric {@code numOutputRows}, read
   * from the commit file, so a stage counts its output without scanning it again. Where the metrics are off
   * ({@code spark.databricks.delta.history.metricsEnabled = false}) the rows of the run date are counted instead;
   * so they are where the version is still {@code before}, because Delta records no commit for a write that adds and
   * removes nothing, and the newest commit is then an earlier write's.
   */
  private long rowsCommitted(String table, long before, LocalDate runDate) {
    long version = written.get(table);
    if (version == before) {
      return readRunDate(table, runDate).count();
    }
    Iterator<Tuple2<Object, Seq<Action>>> changes = DeltaLog.forTable(spark, path(table)).getChanges(version, false);
    while (changes.hasNext()) {
      Tuple2<Object, Seq<Action>> commit = changes.next();
      if ((Long) commit._1() != version) {
        break;
      }
      for (Action action : JavaConverters.seqAsJavaList(commit._2())) {
        if (action instanceof CommitInfo info && info.operationMetrics().isDefined()) {
          Option<String> rows = info.operationMetrics().get().get("numOutputRows");
          if (rows.isDefined()) {
            return Long.parseLong(rows.get());
          }
        }
      }
    }
    return readRunDate(table, runDate).count();
  }

  private void writeRunDate(String table, Dataset<Row> rows, LocalDate runDate, List<String> statsColumns) {
    boolean current = layout(table) == Layout.CURRENT;
    var writer = rows.withColumn(TableNames.RUN_DATE, lit(Date.valueOf(runDate)))
        .write()
        .format("delta")
        .mode("overwrite");
    if (!current) {
      writer = writer.option("replaceWhere", TableNames.RUN_DATE + " = '" + runDate + "'");
    }
    if (!statsColumns.isEmpty() && !exists(table)) {
      // A delta.* writer option becomes a table property when the write creates the table (ignored otherwise).
      writer = writer.option(STATS_COLUMNS_PROPERTY, String.join(",", statsColumns));
    }
    // Later versions add columns; old rows read them as null.
    writer.option("mergeSchema", "true")
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
    recordWrite(table);
  }

  /**
   * Creates an empty table in the {@link Layout#CURRENT} layout (one commit, so the layout is never missing), with
   * {@code schema} plus run_date as its partition column, and statistics for {@code statsColumns} as in
   * {@link #replaceRunDate(String, Dataset, LocalDate, List)}; nothing when the table exists.
   */
  public void createCurrent(String table, StructType schema, List<String> statsColumns) {
    if (exists(table)) {
      return;
    }
    StructType all = new StructType();
    for (StructField f : schema.fields()) {
      if (!f.name().equals(TableNames.RUN_DATE)) {
        all = all.add(f.name(), f.dataType(), true);
      }
    }
    all = all.add(TableNames.RUN_DATE, org.apache.spark.sql.types.DataTypes.DateType, true);
    var builder = io.delta.tables.DeltaTable.createIfNotExists(spark)
        .location(path(table))
        .addColumns(all)
        .partitionedBy(TableNames.RUN_DATE)
        .property(LAYOUT_PROPERTY, Layout.CURRENT.name().toLowerCase());
    if (!statsColumns.isEmpty()) {
      builder = builder.property(STATS_COLUMNS_PROPERTY, String.join(",", statsColumns));
    }
    builder.execute();
  }

  /** The table's layout: {@link Layout#SNAPSHOT} unless its property says otherwise (or when it does not exist). */
  public Layout layout(String table) {
    if (!exists(table)) {
      return Layout.SNAPSHOT;
    }
    Option<String> value = snapshot(table).metadata().configuration().get(LAYOUT_PROPERTY);
    return value.isDefined() && value.get().equalsIgnoreCase(Layout.CURRENT.name()) ? Layout.CURRENT : Layout.SNAPSHOT;
  }

  /** The table's newest committed version. */
  public long version(String table) {
    return snapshot(table).version();
  }

  /** The table's newest committed version; -1 where there is no table yet. */
  private long versionOrNone(String table) {
    return exists(table) ? version(table) : -1;
  }

  private Snapshot snapshot(String table) {
    return DeltaLog.forTable(spark, path(table)).update(false, Option.empty(), Option.empty());
  }

  /** Records that {@code table} was written (by this object or a MERGE on its path): its new version. */
  public void recordWrite(String table) {
    written.put(table, version(table));
  }

  /**
   * Versions of the tables read since the last {@link #clearVersions()}, each at its first read, leaving out tables
   * read only after this stage wrote them (its own output, read back to count it).
   */
  public Map<String, Long> versionsRead() {
    return Map.copyOf(read);
  }

  /** Versions of the tables written since the last {@link #clearVersions()}, after their last write. */
  public Map<String, Long> versionsWritten() {
    return Map.copyOf(written);
  }

  /** Starts a new stage's version record. */
  public void clearVersions() {
    read.clear();
    written.clear();
  }

  public boolean exists(String table) {
    return DeltaLog.forTable(spark, path(table)).tableExists();
  }

  /** The whole table; {@link InputException} naming the folder when there is none. */
  public Dataset<Row> read(String table) {
    if (!exists(table)) {
      throw missingTable(root, table);
    }
    long version = version(table);
    if (!written.containsKey(table)) {
      read.putIfAbsent(table, version);
    }
    // Pinned: every use of this frame sees the same version, whatever commits later.
    return spark.read().format("delta").option("versionAsOf", version).load(path(table));
  }

  /** The failure of a read of a table that does not exist: also {@link KernelTables}'. */
  static InputException missingTable(String root, String table) {
    return new InputException("no Delta table '" + table + "' under " + root
        + " (run `touchpoints run` or the stage that writes it first)");
  }

  /** The failure of a read of the newest run date of a table that has none: also {@link KernelTables}'. */
  static InputException emptyTable(String root, String table) {
    return new InputException("table '" + table + "' under " + root + " is empty");
  }

  /** The newest run date present in the table, if any. */
  public Optional<LocalDate> latestRunDate(String table) {
    Row row = read(table).agg(max(col(TableNames.RUN_DATE))).first();
    return row.isNullAt(0) ? Optional.empty() : Optional.of(row.getDate(0).toLocalDate());
  }

  /**
   * The rows of one run date ({@code null}: the newest); for a {@link Layout#CURRENT} table, the whole current
   * state.
   */
  public Dataset<Row> readRunDate(String table, LocalDate runDate) {
    if (layout(table) == Layout.CURRENT) {
      return read(table);
    }
    LocalDate date = runDate != null ? runDate : latestRunDate(table)
        .orElseThrow(() -> emptyTable(root, table));
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
      // Tried, not inferred from permissions: a probe file in the folder, or in its nearest existing parent (which
      // the run will create the folder in), so an unwritable output fails before any work, not at the first write.
      Path existing = p;
      while (existing != null && !fs.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null || !fs.getFileStatus(existing).isDirectory()) {
        throw new InputException("output path cannot be created: " + root + " (" + existing + " is not a folder)");
      }
      Path probe = new Path(existing, ".touchpoints-write-check-" + java.util.UUID.randomUUID());
      try {
        fs.create(probe, false).close();
      } catch (IOException e) {
        throw new InputException("output path not writable: " + root + " (" + e.getMessage() + ")", e);
      } finally {
        fs.delete(probe, false);
      }
    } catch (IOException e) {
      throw new InputException("output path not usable: " + root + " (" + e.getMessage() + ")", e);
    }
  }
}
