package io.touchpoints.pipeline;

import java.time.Instant;

/**
 * What one stage of a run did: one row of the runs ledger.
 *
 * @param rowsIn rows the stage read (null where not meaningful)
 * @param rowsOut rows the stage wrote to its main table
 * @param rowsQuarantined rows set aside with a reason
 * @param rowsDuplicate exact duplicates dropped
 */
public record StageResult(
    String stage,
    String status,
    Instant startedAt,
    double seconds,
    Long rowsIn,
    Long rowsOut,
    Long rowsQuarantined,
    Long rowsDuplicate,
    String message) {

  public static final String OK = "ok";
  /** A run's first ledger row; its last is ok or failed (a run killed outright is closed by the next writing run). */
  public static final String STARTED = "started";
  public static final String FAILED = "failed";
  /** The stage had nothing it could work on (e.g. the model on a log of one-touch journeys); message says why. */
  public static final String SKIPPED = "skipped";
}
