package io.touchpoints.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --format} and {@code --limit} of the commands that print a table ({@code show}, {@code runs}). */
final class TablePrinter {

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table, csv or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
      description = "Rows to print (default: ${DEFAULT-VALUE}).")
  int limit;

  /** Bad values are bad usage (exit 2), named in the message. */
  void check(CommandSpec spec) {
    if (!List.of("table", "csv", "json").contains(format)) {
      throw new ParameterException(spec.commandLine(), "--format must be table, csv or json, got '" + format + "'");
    }
    if (limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
    }
  }

  /** Prints the first {@code --limit} rows as a table, CSV (nested values as JSON) or JSON lines. */
  void print(Dataset<Row> rows) {
    switch (format) {
      case "json" -> rows.toJSON().takeAsList(limit).forEach(System.out::println);
      case "csv" -> {
        Dataset<Row> flat = flatten(rows);
        System.out.println(String.join(",", flat.columns()));
        for (Row row : flat.takeAsList(limit)) {
          List<String> cells = new ArrayList<>();
          for (int i = 0; i < row.length(); i++) {
            cells.add(csvCell(row.isNullAt(i) ? "" : String.valueOf(row.get(i))));
          }
          System.out.println(String.join(",", cells));
        }
      }
      default -> rows.show(limit, 60, false);
    }
  }

  /** Nested columns (arrays, structs, maps) as JSON text, so that every cell is one CSV field. */
  private static Dataset<Row> flatten(Dataset<Row> rows) {
    StructType schema = rows.schema();
    List<Column> cols = new ArrayList<>();
    for (StructField f : schema.fields()) {
      boolean nested = f.dataType() instanceof ArrayType || f.dataType() instanceof StructType
          || f.dataType() instanceof MapType;
      cols.add(nested ? to_json(col(f.name())).as(f.name()) : col(f.name()));
    }
    return rows.select(cols.toArray(Column[]::new));
  }

  private static String csvCell(String value) {
    if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }
}
