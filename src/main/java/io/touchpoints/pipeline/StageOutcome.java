package io.touchpoints.pipeline;

import java.util.function.Consumer;

/**
 * What a stage did, as it reports it: its status, the counts of its ledger row and its one-line summary.
 *
 * @param status {@link StageResult#OK} or {@link StageResult#SKIPPED}
 * @param rowsIn rows read (null where not meaningful)
 * @param rowsOut rows written to its main table
 * @param message the ledger row's note (null: none)
 * @param summary the progress line printed after the stage name
 * @param details lines printed under it
 */
public record StageOutcome(String status, Long rowsIn, Long rowsOut, Long rowsQuarantined, Long rowsDuplicate,
    String message, String summary, Consumer<StageReporter> details) {

  public StageOutcome(String status, Long rowsIn, Long rowsOut, Long rowsQuarantined, Long rowsDuplicate,
      String message, String summary) {
    this(status, rowsIn, rowsOut, rowsQuarantined, rowsDuplicate, message, summary, reporter -> { });
  }

  /** Lines printed under the summary line (a table of figures, a reconciliation). */
  public StageOutcome withDetails(Consumer<StageReporter> lines) {
    return new StageOutcome(status, rowsIn, rowsOut, rowsQuarantined, rowsDuplicate, message, summary, lines);
  }

  /** A stage that wrote {@code rowsOut} rows. */
  public static StageOutcome ok(Long rowsIn, Long rowsOut, String message, String summary) {
    return new StageOutcome(StageResult.OK, rowsIn, rowsOut, null, null, message, summary);
  }

  /** A stage that had nothing it could work on; {@code reason} goes to the ledger. */
  public static StageOutcome skipped(String reason, String summary) {
    return new StageOutcome(StageResult.SKIPPED, null, 0L, null, null, reason, summary);
  }

  public boolean isSkipped() {
    return StageResult.SKIPPED.equals(status);
  }
}
