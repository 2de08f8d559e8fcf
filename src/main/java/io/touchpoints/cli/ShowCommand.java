package io.touchpoints.cli;

import static io.touchpoints.tables.TableRows.SortKey.asc;
import static io.touchpoints.tables.TableRows.SortKey.desc;

import io.touchpoints.config.JobConfig;
import io.touchpoints.tables.KernelTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.tables.TableRows;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

/**
 * {@code touchpoints show TABLE}: prints a table of the latest (or a given) run date. Starts no Spark session: the
 * table is read through Delta Kernel in this JVM ({@link KernelTables}).
 */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Print a Delta table written by the job: the rows of the newest run date unless --run-date is "
        + "given (the runs ledger: every run, newest first).")
final class ShowCommand implements Callable<Integer> {

  /** How each table is sorted when printed, so the output is stable. */
  private static final Map<String, List<TableRows.SortKey>> ORDER = Map.ofEntries(
      Map.entry(TableNames.TOUCHPOINT_METRICS, List.of(asc("dimension"), asc("name"), asc("segment"))),
      Map.entry(TableNames.ATTRIBUTION, List.of(asc("model"), asc("touchpoint"))),
      Map.entry(TableNames.TRANSITIONS, List.of(asc("order"), asc("from_state"), asc("to_state"))),
      Map.entry(TableNames.REMOVAL_EFFECTS, List.of(asc("order"), asc("touchpoint"))),
      Map.entry(TableNames.MARKOV_ORDER_FIT, List.of(asc("order"))),
      Map.entry(TableNames.EVENTS, List.of(asc("customer_id"), asc("event_seq"))),
      Map.entry(TableNames.QUARANTINE, List.of(asc("reason"), asc("raw_record"))),
      Map.entry(TableNames.JOURNEYS, List.of(asc("customer_id"), asc("start_time"))),
      Map.entry(TableNames.PATHS, List.of(desc("journeys"), asc("path"))),
      Map.entry(TableNames.RUNS, List.of(desc("started_at"), asc("stage"))));

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
    tables.session.noteMasterUnused(spec.commandLine());
    LocalDate date = tables.runDate();
    JobConfig resolved = tables.resolve(Map.of());
    KernelTables delta = new KernelTables(resolved.outputPath(), resolved.sparkSettings());
    List<TableRows.SortKey> order = ORDER.getOrDefault(table, List.of());
    // Only the rows printed are held, so that a table of any size prints a few rows in bounded memory.
    TableRows rows = table.equals(TableNames.RUNS) && date == null
        ? delta.read(table).sorted(order) : delta.readRunDate(table, date, order, printer.rowsNeeded());
    printer.print(rows);
    return 0;
  }
}
