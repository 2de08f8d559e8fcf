package io.touchpoints.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.tables.TableNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The contents of the job's Delta tables under an output folder, collected on the driver (the tests' tables are
 * small), compared without regard to row order. Floating-point columns are compared to a relative 1e-9: a sum over
 * a shuffle may add its parts in another order on another cluster layout. Everything else must be equal. The
 * {@code runs} ledger is left out: it records each run, so it differs by design.
 *
 * @param schema the table's schema
 * @param rows each row as its key (the non-floating columns, rendered) and its floating-point values
 */
record TableContents(StructType schema, List<Map.Entry<String, double[]>> rows) {

  private static final double RELATIVE_TOLERANCE = 1e-9;
  // The model's optimiser (L-BFGS) sums gradients per partition: another partitioning adds in another order, and
  // a hundred iterations carry those last-digit differences further than one aggregation does.
  private static final double MODEL_TOLERANCE = 1e-6;
  private static final java.util.Set<String> MODEL_TABLES = java.util.Set.of(TableNames.MODEL_METRICS,
      TableNames.NEXT_TOUCHPOINT);

  /** Every table of the job except the runs ledger, read from {@code output}. */
  static Map<String, TableContents> readAll(SparkSession spark, Path output) {
    Map<String, TableContents> tables = new LinkedHashMap<>();
    for (String table : TableNames.ALL) {
      // A table a run did not write (the model's, on a log too small to learn from) is left out: the key sets
      // still have to match.
      if (!table.equals(TableNames.RUNS) && Files.isDirectory(output.resolve(table).resolve("_delta_log"))) {
        tables.put(table, read(spark, output.resolve(table)));
      }
    }
    return tables;
  }

  static TableContents read(SparkSession spark, Path table) {
    StructType schema = spark.read().format("delta").load(table.toString()).schema();
    List<Row> collected = spark.read().format("delta").load(table.toString()).collectAsList();
    List<Map.Entry<String, double[]>> rows = new ArrayList<>();
    for (Row row : collected) {
      StringBuilder key = new StringBuilder();
      List<Double> floats = new ArrayList<>();
      for (int i = 0; i < schema.fields().length; i++) {
        StructField f = schema.fields()[i];
        if (f.dataType().equals(DataTypes.DoubleType) || f.dataType().equals(DataTypes.FloatType)) {
          floats.add(row.isNullAt(i) ? null : ((Number) row.get(i)).doubleValue());
        } else {
          key.append(f.name()).append('=').append(row.isNullAt(i) ? "null" : String.valueOf(row.get(i))).append('|');
        }
      }
      // Nulls as NaN, which only equals NaN below.
      rows.add(Map.entry(key.toString(), floats.stream().mapToDouble(d -> d == null ? Double.NaN : d).toArray()));
    }
    rows.sort(Map.Entry.<String, double[]>comparingByKey().thenComparing(Map.Entry::getValue, ARRAYS));
    return new TableContents(schema, rows);
  }

  private static final Comparator<double[]> ARRAYS = (a, b) -> java.util.Arrays.compare(a, b);

  /** Asserts that {@code actual} holds the same rows as {@code expected}, naming the table and the first difference. */
  static void assertSame(Map<String, TableContents> expected, Map<String, TableContents> actual, String what) {
    assertThat(actual.keySet()).as(what + ": tables").isEqualTo(expected.keySet());
    expected.forEach((table, want) -> {
      TableContents got = actual.get(table);
      assertThat(got.schema().simpleString()).as(what + ": schema of " + table).isEqualTo(want.schema().simpleString());
      assertThat(got.rows()).as(what + ": row count of " + table).hasSize(want.rows().size());
      assertThat(want.rows()).as(what + ": " + table + " is empty, so the comparison would prove nothing")
          .isNotEmpty();
      for (int i = 0; i < want.rows().size(); i++) {
        Map.Entry<String, double[]> w = want.rows().get(i);
        Map.Entry<String, double[]> g = got.rows().get(i);
        assertThat(g.getKey()).as(what + ": " + table + " row " + i).isEqualTo(w.getKey());
        for (int j = 0; j < w.getValue().length; j++) {
          double a = w.getValue()[j];
          double b = g.getValue()[j];
          double tolerance = MODEL_TABLES.contains(table) ? MODEL_TOLERANCE : RELATIVE_TOLERANCE;
          boolean same = Double.isNaN(a) ? Double.isNaN(b)
              : Math.abs(a - b) <= tolerance * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
          assertThat(same).as("%s: %s row %s (%s) floating column %d: expected %s, got %s", what, table, i,
              w.getKey(), j, a, b).isTrue();
        }
      }
    });
  }
}
