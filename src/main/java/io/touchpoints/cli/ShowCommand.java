package io.touchpoints.cli;

import static org.apache.spark.sql.functions.col;

import io.touchpoints.config.JobConfig;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

/** {@code touchpoints show TABLE}: prints a table of the latest (or a given) run date. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Print a Delta table written by the job: the rows of the newest run date unless --run-date is "
        + "given (the runs ledger: every run, newest first).")
final class ShowCommand implements Callable<Integer> {

  /** How each table is sorted when printed, so the output is stable. */
  private static final Map<String, List<Column>> ORDER = Map.ofEntries(
      Map.entry(TableNames.TOUCHPOINT_METRICS, List.of(col("dimension"), col("name"), col("segment"))),
      Map.entry(TableNames.ATTRIBUTION, List.of(col("model"), col("touchpoint"))),
      Map.entry(TableNames.TRANSITIONS, List.of(col("order"), col("from_state"), col("to_state"))),
      Map.entry(TableNames.REMOVAL_EFFECTS, List.of(col("order"), col("touchpoint"))),
      Map.entry(TableNames.MARKOV_ORDER_FIT, List.of(col("order"))),
      Map.entry(TableNames.EVENTS, List.of(col("customer_id"), col("event_seq"))),
      Map.entry(TableNames.QUARANTINE, List.of(col("reason"), col("raw_record"))),
      Map.entry(TableNames.JOURNEYS, List.of(col("customer_id"), col("start_time"))),
      Map.entry(TableNames.PATHS, List.of(col("journeys").desc(), col("path"))),
      Map.entry(TableNames.RUNS, List.of(col("started_at").desc(), col("stage"))));

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name, e.g. journeys, paths, quarantine, runs.")
  String table;

  @Mixin
  OutputOptions tables = new OutputOptions();

  @Mixin
  TablePrinter printer = new TablePrinter();

  @Override
  public Integer call() {
    printer.check(spec);
    LocalDate date = tables.runDate();
    JobConfig resolved = tables.resolve(Map.of());
    SparkSession spark = SparkCommand.startSession(resolved, tables.session.master, "show");
    DeltaTables delta = new DeltaTables(spark, resolved.outputPath());
    Dataset<Row> rows = table.equals(TableNames.RUNS) && date == null
        ? delta.read(table) : delta.readRunDate(table, date);
    List<Column> order = ORDER.get(table);
    if (order != null) {
      rows = rows.orderBy(order.toArray(Column[]::new));
    }
    printer.print(rows);
    return 0;
  }
}
