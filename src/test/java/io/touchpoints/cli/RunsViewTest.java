package io.touchpoints.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.tables.TableRows;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lines of {@code runs}, worked by hand on a small ledger (no Spark: the command reads it with Delta Kernel). */
class RunsViewTest {

  private static final LocalDate DAY1 = LocalDate.parse("2024-01-01");
  private static final LocalDate DAY2 = LocalDate.parse("2024-01-02");

  /** run_id, run_date, stage, status, started_at (minutes past midnight of day 1), a ledger without "mode". */
  private static List<Object> row(String runId, LocalDate date, String stage, String status, int minute) {
    return Arrays.asList(runId, date, stage, status, Instant.parse("2024-01-01T00:00:00Z").plusSeconds(60L * minute),
        1.5);
  }

  private static final TableRows LEDGER = new TableRows(
      List.of("run_id", "run_date", "stage", "status", "started_at", "seconds"), List.of(
          row("a", DAY1, "run", "started", 0),
          row("a", DAY1, "journeys", "ok", 0),
          row("a", DAY1, "run", "ok", 0),
          row("b", DAY2, "run", "started", 10),
          row("b", DAY2, "journeys", "failed", 11),
          row("b", DAY2, "run", "failed", 10),
          // Killed: no row after its start.
          row("c", DAY2, "run", "started", 20),
          row("c", DAY2, "journeys", "started", 21)));

  private static List<List<Object>> cells(TableRows rows, String... columns) {
    return rows.select(List.of(columns)).rows();
  }

  @Test
  void oneLinePerRunWithItsLastStatusNewestFirst() {
    TableRows runs = RunsCommand.view(LEDGER, null, null, false);
    assertThat(cells(runs, "run_id", "status")).containsExactly(
        List.of("c", "started"), List.of("b", "failed"), List.of("a", "ok"));
    assertThat(runs.columns()).as("every column of the run view, older ledgers' missing ones as null")
        .contains("mode", "output_versions");
    assertThat(runs.rows().get(0).get(runs.index("mode"))).isNull();
  }

  @Test
  void stagesNewestFirstWithEachRunsOwnRowAfterItsStagesAtTheSameInstant() {
    TableRows stages = RunsCommand.view(LEDGER, DAY1, null, true);
    assertThat(cells(stages, "run_id", "stage", "status")).containsExactly(
        List.of("a", "journeys", "ok"), List.of("a", "run", "started"), List.of("a", "run", "ok"));
    assertThat(cells(RunsCommand.view(LEDGER, null, "b", false), "stage", "status")).containsExactly(
        List.of("journeys", "failed"), List.of("run", "started"), List.of("run", "failed"));
  }
}
