package io.touchpoints.cli;

import io.touchpoints.tables.TableRows;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --format} and {@code --limit} of the commands that print a table ({@code show}, {@code runs}): the rows
 * print as {@code Dataset.show} and {@code Dataset.toJSON} print them (see {@link CellText}), though no Spark runs.
 */
final class TablePrinter {

  /** Cells longer than this are cut, as {@code show} cuts them. */
  private static final int CELL_WIDTH = 60;

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

  /** The rows to read for a print: one more than {@code --limit}, so that the table says whether rows were left out. */
  int rowsNeeded() {
    return limit == Integer.MAX_VALUE ? limit : limit + 1;
  }

  /** Prints the first {@code --limit} rows as a table, CSV (nested values as JSON) or JSON lines. */
  void print(TableRows table) {
    System.out.print(text(table));
  }

  String text(TableRows table) {
    List<List<Object>> rows = table.rows().subList(0, Math.min(limit, table.rows().size()));
    StringBuilder out = new StringBuilder();
    switch (format) {
      case "json" -> rows.forEach(r -> out.append(CellText.jsonObject(table.columns(), r)).append('\n'));
      case "csv" -> {
        out.append(String.join(",", table.columns())).append('\n');
        for (List<Object> row : rows) {
          out.append(String.join(",", row.stream().map(v -> csvCell(v == null ? "" : CellText.plain(v))).toList()))
              .append('\n');
        }
      }
      default -> grid(table.columns(), rows, table.rows().size() > limit, out);
    }
    return out.toString();
  }

  /** The grid of {@code Dataset.show(limit, 60, false)}: cells right-aligned, a footer when rows were left out. */
  private void grid(List<String> columns, List<List<Object>> rows, boolean more, StringBuilder out) {
    List<List<String>> cells = new ArrayList<>();
    cells.add(columns.stream().map(CellText::escapeMeta).toList());
    for (List<Object> row : rows) {
      cells.add(row.stream().map(v -> {
        String text = CellText.escapeMeta(CellText.pretty(v));
        return text.length() > CELL_WIDTH ? text.substring(0, CELL_WIDTH - 3) + "..." : text;
      }).toList());
    }
    int[] widths = new int[columns.size()];
    for (List<String> line : cells) {
      for (int c = 0; c < widths.length; c++) {
        widths[c] = Math.max(Math.max(widths[c], 3), CellText.width(line.get(c)));
      }
    }
    StringBuilder separator = new StringBuilder("+");
    for (int w : widths) {
      separator.append("-".repeat(w)).append('+');
    }
    separator.append('\n');
    out.append(separator);
    for (int r = 0; r < cells.size(); r++) {
      out.append('|');
      for (int c = 0; c < widths.length; c++) {
        String cell = cells.get(r).get(c);
        out.append(" ".repeat(widths[c] - CellText.width(cell))).append(cell).append('|');
      }
      out.append('\n');
      if (r == 0) {
        out.append(separator);
      }
    }
    out.append(separator);
    if (more) {
      out.append("only showing top ").append(limit).append(limit == 1 ? " row" : " rows").append('\n');
    }
    // Dataset.show prints its grid with println.
    out.append('\n');
  }

  private static String csvCell(String value) {
    if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }
}
