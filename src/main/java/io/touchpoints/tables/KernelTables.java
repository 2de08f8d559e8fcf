package io.touchpoints.tables;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Reads the job's Delta tables in this JVM through Delta Kernel, without Spark: the read-only commands print a few
 * rows of small tables and answer in about a second, where starting a Spark session alone takes several. The same
 * semantics as {@link DeltaTables#read} and {@link DeltaTables#readRunDate} (layouts, newest run date, messages),
 * on the table's newest version. A read that keeps a few rows ({@link #readRunDate(String, LocalDate, List, int)})
 * holds only those in memory, whatever the table's size; the whole-table reads are for tables small by construction
 * (the runs ledger).
 */
public final class KernelTables {

  private static final String HADOOP_PREFIX = "spark.hadoop.";

  private final Engine engine;
  private final String root;

  /**
   * Tables under {@code root}; the {@code spark.hadoop.*} entries of {@code sparkSettings} configure the file system
   * as they would Spark's (object store credentials and endpoints), the rest are Spark's own and unused here.
   */
  public KernelTables(String root, Map<String, String> sparkSettings) {
    this.root = root;
    Configuration hadoop = new Configuration();
    sparkSettings.forEach((key, value) -> {
      if (key.startsWith(HADOOP_PREFIX)) {
        hadoop.set(key.substring(HADOOP_PREFIX.length()), value);
      }
    });
    this.engine = DefaultEngine.create(hadoop);
  }

  /** The whole table; {@link io.touchpoints.pipeline.InputException} naming the folder when there is none. */
  public TableRows read(String table) {
    return scan(snapshot(table), null, List.of(), Integer.MAX_VALUE);
  }

  /**
   * The first {@code keep} rows under {@code order} (empty: in file order, reading no further) of one run date
   * ({@code null}: the newest); for a {@link DeltaTables.Layout#CURRENT} table, of the whole current state. Only
   * those rows are held in memory.
   */
  public TableRows readRunDate(String table, LocalDate runDate, List<TableRows.SortKey> order, int keep) {
    Snapshot snapshot = snapshot(table);
    String layout = ((SnapshotImpl) snapshot).getMetadata().getConfiguration().get(DeltaTables.LAYOUT_PROPERTY);
    if (DeltaTables.Layout.CURRENT.name().equalsIgnoreCase(layout)) {
      return scan(snapshot, null, order, keep);
    }
    LocalDate date = runDate != null ? runDate : latestRunDate(snapshot)
        .orElseThrow(() -> DeltaTables.emptyTable(root, table));
    return scan(snapshot, date, order, keep);
  }

  private Snapshot snapshot(String table) {
    try {
      return Table.forPath(engine, new Path(root, table).toString()).getLatestSnapshot(engine);
    } catch (TableNotFoundException e) {
      throw DeltaTables.missingTable(root, table);
    }
  }

  /** The newest run date among the table's files: read from the log's partition values, no data file opened. */
  private Optional<LocalDate> latestRunDate(Snapshot snapshot) {
    LocalDate latest = null;
    Scan scan = snapshot.getScanBuilder(engine).build();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> batch = files.next().getRows()) {
          while (batch.hasNext()) {
            String value = InternalScanFileUtils.getPartitionValues(batch.next()).get(TableNames.RUN_DATE);
            LocalDate date = value == null ? null : LocalDate.parse(value);
            if (date != null && (latest == null || date.isAfter(latest))) {
              latest = date;
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Optional.ofNullable(latest);
  }

  /** The rows of the snapshot, or of one run date's files when {@code date} is given, that {@link Kept} keeps. */
  private TableRows scan(Snapshot snapshot, LocalDate date, List<TableRows.SortKey> order, int keep) {
    Scan scan = snapshot.getScanBuilder(engine).build();
    Row state = scan.getScanState(engine);
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(engine, state);
    StructType logical = ScanStateRow.getLogicalSchema(state);
    Kept rows = new Kept(new TableRows(logical.fieldNames(), List.of()), order, keep);
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext() && !rows.full()) {
        try (CloseableIterator<Row> batch = files.next().getRows()) {
          while (batch.hasNext() && !rows.full()) {
            Row file = batch.next();
            if (date != null && !date.toString().equals(
                InternalScanFileUtils.getPartitionValues(file).get(TableNames.RUN_DATE))) {
              continue;
            }
            FileStatus status = InternalScanFileUtils.getAddFileStatus(file);
            try (CloseableIterator<FilteredColumnarBatch> data = Scan.transformPhysicalData(engine, state, file,
                engine.getParquetHandler().readParquetFiles(Utils.singletonCloseableIterator(status), physical,
                    Optional.empty()))) {
              while (data.hasNext() && !rows.full()) {
                addRows(data.next(), rows);
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows.table();
  }

  /** The rows the batch's selection vector keeps (deleted rows are not), one value per column. */
  private static void addRows(FilteredColumnarBatch batch, Kept rows) {
    ColumnarBatch data = batch.getData();
    StructType schema = data.getSchema();
    Optional<ColumnVector> selected = batch.getSelectionVector();
    for (int r = 0; r < data.getSize() && !rows.full(); r++) {
      if (selected.isPresent() && (selected.get().isNullAt(r) || !selected.get().getBoolean(r))) {
        continue;
      }
      Object[] values = new Object[schema.length()];
      for (int c = 0; c < values.length; c++) {
        values[c] = value(data.getColumnVector(c), r, schema.at(c).getDataType());
      }
      rows.add(Arrays.asList(values));
    }
  }

  /**
   * The rows a read keeps: the first {@code keep} in file order (then it is full and the read stops), or the first
   * {@code keep} under an order, held in a heap whose head is the worst kept row (a later row displaces it only when
   * it sorts strictly before it, so ties keep the earlier row).
   */
  private static final class Kept {

    private final TableRows empty;
    private final int keep;
    private final Comparator<List<Object>> order;
    private final PriorityQueue<List<Object>> best;
    private final List<List<Object>> first = new ArrayList<>();

    Kept(TableRows empty, List<TableRows.SortKey> keys, int keep) {
      this.empty = empty;
      this.keep = keep;
      this.order = keys.isEmpty() ? null : empty.order(keys);
      this.best = order == null ? null : new PriorityQueue<>(order.reversed());
    }

    boolean full() {
      return order == null && first.size() >= keep;
    }

    void add(List<Object> row) {
      if (order == null) {
        first.add(row);
      } else if (best.size() < keep) {
        best.add(row);
      } else if (order.compare(row, best.peek()) < 0) {
        best.poll();
        best.add(row);
      }
    }

    TableRows table() {
      return order == null ? new TableRows(empty.columns(), first)
          : new TableRows(empty.columns(), new ArrayList<>(best)).sorted(order);
    }
  }

  private static Object value(ColumnVector vector, int i, DataType type) {
    if (vector.isNullAt(i)) {
      return null;
    } else if (type instanceof StringType) {
      return vector.getString(i);
    } else if (type instanceof IntegerType) {
      return vector.getInt(i);
    } else if (type instanceof LongType) {
      return vector.getLong(i);
    } else if (type instanceof DoubleType) {
      return vector.getDouble(i);
    } else if (type instanceof FloatType) {
      return vector.getFloat(i);
    } else if (type instanceof BooleanType) {
      return vector.getBoolean(i);
    } else if (type instanceof ShortType) {
      return vector.getShort(i);
    } else if (type instanceof ByteType) {
      return vector.getByte(i);
    } else if (type instanceof DecimalType) {
      return vector.getDecimal(i);
    } else if (type instanceof DateType) {
      return LocalDate.ofEpochDay(vector.getInt(i));
    } else if (type instanceof TimestampType || type instanceof TimestampNTZType) {
      return micros(vector.getLong(i));
    } else if (type instanceof BinaryType) {
      return vector.getBinary(i);
    } else if (type instanceof ArrayType a) {
      return array(vector.getArray(i), a.getElementType());
    } else if (type instanceof MapType m) {
      return map(vector.getMap(i), m);
    } else if (type instanceof StructType s) {
      Object[] fields = new Object[s.length()];
      for (int f = 0; f < fields.length; f++) {
        fields[f] = value(vector.getChild(f), i, s.at(f).getDataType());
      }
      return new TableRows.Struct(s.fieldNames(), Arrays.asList(fields));
    }
    throw new IllegalStateException("column type " + type + " is not readable without Spark");
  }

  private static List<Object> array(ArrayValue array, DataType element) {
    Object[] values = new Object[array.getSize()];
    for (int i = 0; i < values.length; i++) {
      values[i] = value(array.getElements(), i, element);
    }
    return Arrays.asList(values);
  }

  private static Map<Object, Object> map(MapValue map, MapType type) {
    Map<Object, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < map.getSize(); i++) {
      values.put(value(map.getKeys(), i, type.getKeyType()), value(map.getValues(), i, type.getValueType()));
    }
    return values;
  }

  private static Instant micros(long micros) {
    return Instant.EPOCH.plusSeconds(Math.floorDiv(micros, 1_000_000L))
        .plusNanos(Math.floorMod(micros, 1_000_000L) * 1000L);
  }
}
