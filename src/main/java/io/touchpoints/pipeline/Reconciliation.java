package io.touchpoints.pipeline;

/** Row counts of a run's journeys stage, printed at its end and stored in the ledger. */
public record Reconciliation(long read, long kept, long quarantined, long duplicates, long journeys, long paths) {
  public boolean balanced() {
    return read == kept + quarantined + duplicates;
  }
}
