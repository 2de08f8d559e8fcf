package io.touchpoints.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.tables.KernelTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.tables.TableRows;
import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code show} and {@code runs} read their tables without Spark (Delta Kernel) and print them as Spark printed them:
 * for every format, the text equals what {@code Dataset.show(limit, 60, false)}, {@code Dataset.toJSON} and the CSV
 * of Spark's row values give on the same Delta table, read by Spark. Checked on values chosen to be awkward (nulls at
 * every depth, NaN, long and multi-line text, wide characters, microseconds, decimals) and, in the production
 * profile, on the tables a real run writes.
 */
class TablePrinterParityTest extends SparkTestBase {

  private static final StructType AWKWARD = new StructType()
      .add("name", DataTypes.StringType)
      .add("count", DataTypes.IntegerType)
      .add("total", DataTypes.LongType)
      .add("rate", DataTypes.DoubleType)
      .add("flag", DataTypes.BooleanType)
      .add("revenue", DataTypes.createDecimalType(38, 4))
      .add("day", DataTypes.DateType)
      .add("at", DataTypes.TimestampType)
      .add("tags", DataTypes.createArrayType(DataTypes.StringType, true))
      .add("versions", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, true))
      .add("pair", new StructType().add("a", DataTypes.IntegerType).add("b", DataTypes.StringType))
      .add(TableNames.RUN_DATE, DataTypes.DateType);

  /** Spark's text of the rows in one format, as the commands printed it when they read through Spark. */
  private static String sparkText(Dataset<Row> rows, String format, int limit) {
    StringBuilder out = new StringBuilder();
    switch (format) {
      case "json" -> rows.toJSON().takeAsList(limit).forEach(l -> out.append(l).append('\n'));
      case "csv" -> {
        List<Column> cols = new ArrayList<>();
        for (StructField f : rows.schema().fields()) {
          boolean nested = f.dataType() instanceof ArrayType || f.dataType() instanceof StructType
              || f.dataType() instanceof MapType;
          cols.add(nested ? to_json(col(f.name())).as(f.name()) : col(f.name()));
        }
        Dataset<Row> flat = rows.select(cols.toArray(Column[]::new));
        out.append(String.join(",", flat.columns())).append('\n');
        for (Row row : flat.takeAsList(limit)) {
          List<String> cells = new ArrayList<>();
          for (int i = 0; i < row.length(); i++) {
            String value = row.isNullAt(i) ? "" : String.valueOf(row.get(i));
            cells.add(value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value);
          }
          out.append(String.join(",", cells)).append('\n');
        }
      }
      default -> out.append(rows.showString(limit, 60, false)).append('\n');
    }
    return out.toString();
  }

  /** The rows, read once, as a local frame: each format's Spark query then runs in the driver in milliseconds. */
  private Dataset<Row> local(Dataset<Row> rows) {
    return session().createDataFrame(rows.collectAsList(), rows.schema());
  }

  private static String kernelText(TableRows rows, String format, int limit) {
    TablePrinter printer = new TablePrinter();
    printer.format = format;
    printer.limit = limit;
    return printer.text(rows);
  }

  @Test
  void awkwardValuesPrintAsSparkPrintsThemInEveryFormat() {
    Timestamp micros = Timestamp.valueOf("2024-03-01 10:00:00.123456");
    Timestamp half = Timestamp.valueOf("2024-03-01 10:00:00.5");
    Date newest = Date.valueOf("2024-03-02");
    List<Row> rows = List.of(
        RowFactory.create("alpha", 1, 10L, 1.0, true, new BigDecimal("12.3400"), Date.valueOf("2024-01-01"),
            micros, List.of("a", "b"), Map.of("journeys", 3L), RowFactory.create(1, "x"), newest),
        RowFactory.create(null, null, null, null, null, null, null, null, null, null, null, newest),
        RowFactory.create("line one\nline two\tand a \"quote\", with a comma", 2, -5L, Double.NaN, false,
            new BigDecimal("0.0000"), Date.valueOf("1999-12-31"), half, Arrays.asList("x", null),
            java.util.Collections.singletonMap("k", null), RowFactory.create(null, "only b"), newest),
        RowFactory.create("x".repeat(75), 3, Long.MAX_VALUE, 1.0E-4, true, new BigDecimal("-98765432.1000"),
            Date.valueOf("2024-02-29"), Timestamp.valueOf("2024-03-01 00:00:00"), List.of(), Map.of(),
            RowFactory.create(2, null), newest),
        RowFactory.create("全角テキスト", 4, 0L, 12345678.9, true, new BigDecimal("1.0000"),
            Date.valueOf("2024-03-02"), micros, List.of("漢字"), Map.of("a", 1L), RowFactory.create(3, "é"),
            newest),
        RowFactory.create("zeta", 5, 7L, Double.POSITIVE_INFINITY, false, null, null, null, null, null, null,
            newest),
        RowFactory.create("older date", 6, 1L, -0.5, true, null, null, null, null, null, null,
            Date.valueOf("2024-03-01")));
    Path out = newTempDir("parity");
    session().createDataFrame(rows, AWKWARD).write().format("delta").partitionBy(TableNames.RUN_DATE)
        .save(out.resolve("awkward").toString());

    KernelTables tables = new KernelTables(out.toString(), Map.of());
    TableRows kernel = tables.readRunDate("awkward", null, List.of(TableRows.SortKey.asc("name")), 100);
    assertThat(kernel.rows()).as("the newest run date only").hasSize(6);
    Dataset<Row> spark = local(session().read().format("delta").load(out.resolve("awkward").toString())
        .filter(col(TableNames.RUN_DATE).equalTo(newest)).orderBy(col("name")));
    for (String format : List.of("table", "json", "csv")) {
      for (int limit : List.of(3, 20)) {
        // As show reads: only the rows it prints and one more, the best under the order.
        TableRows kept = tables.readRunDate("awkward", null, List.of(TableRows.SortKey.asc("name")), limit + 1);
        assertThat(kernelText(kept, format, limit)).as(format + ", limit " + limit)
            .isEqualTo(sparkText(spark, format, limit));
      }
    }
    assertThat(tables.readRunDate("awkward", null, List.of(), 2).rows()).as("file order: the read stops at 2")
        .hasSize(2);
    assertThat(tables.readRunDate("awkward", null, List.of(TableRows.SortKey.desc("name")), 3).rows().stream()
        .map(r -> r.get(0)).toList()).as("the best 3 descending, nulls last, whatever order the files hold them in")
        .containsExactly("全角テキスト", "zeta", "x".repeat(75));
  }

  /** A production-profile scenario: a whole journeys run costs more than the default suite's budget allows. */
  @Test
  @Tag("production")
  void theTablesOfARealRunPrintAsSparkPrintsThem() throws IOException {
    Path dir = newTempDir("parity-run");
    Path input = dir.resolve("e.csv");
    Files.writeString(input, "customer_id,event_time,touchpoint,event_type,revenue\n"
        + "c1,2024-01-01T10:00:00Z,email,interaction,\n"
        + "c1,2024-01-01T10:05:00.250Z,checkout,conversion,19.99\n"
        + "c2,2024-01-02T08:00:00Z,web,interaction,\n"
        + "c2,not-a-time,web,interaction,\n"
        + "c3,2024-01-03T09:00:00Z,email,interaction,\n"
        + "c3,2024-01-03T09:30:00Z,call,interaction,\n", StandardCharsets.UTF_8);
    String output = dir.resolve("out").toString();
    assertThat(TouchpointsCli.execute(new PrintWriter(new StringWriter(), true), "journeys", "--input",
        input.toString(), "--output", output, "--run-date", "2024-02-01")).isZero();

    KernelTables kernel = new KernelTables(output, Map.of());
    Map<String, List<TableRows.SortKey>> order = Map.of(
        TableNames.EVENTS, List.of(TableRows.SortKey.asc("customer_id"), TableRows.SortKey.asc("event_seq")),
        TableNames.JOURNEYS, List.of(TableRows.SortKey.asc("customer_id"), TableRows.SortKey.asc("start_time")),
        TableNames.PATHS, List.of(TableRows.SortKey.desc("journeys"), TableRows.SortKey.asc("path")),
        TableNames.QUARANTINE, List.of(TableRows.SortKey.asc("reason"), TableRows.SortKey.asc("raw_record")));
    for (Map.Entry<String, List<TableRows.SortKey>> table : order.entrySet()) {
      TableRows rows = kernel.readRunDate(table.getKey(), null, table.getValue(), 21);
      Dataset<Row> spark = local(session().read().format("delta").load(Path.of(output, table.getKey()).toString())
          .orderBy(table.getValue().stream().map(k -> k.descending() ? col(k.column()).desc() : col(k.column()))
              .toArray(Column[]::new)));
      for (String format : List.of("table", "json", "csv")) {
        assertThat(kernelText(rows, format, 20)).as(table.getKey() + " as " + format)
            .isEqualTo(sparkText(spark, format, 20));
      }
    }
  }
}
