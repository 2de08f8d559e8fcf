package io.touchpoints.generate;

/**
 * The data-quality problems the generator plants, one per invalid row; the names are the reason codes recorded in
 * {@link PlantedTruth.RealisedCounts#invalidRows()} and match the job's quarantine reasons.
 */
enum InvalidReason {
  /** customer_id and anonymous_id both empty. */
  MISSING_CUSTOMER,
  /** event_time empty. In Parquet, also every time that could not be parsed (see {@link #UNPARSEABLE_TIME}). */
  MISSING_TIME,
  /** event_time is text that is not a time ({@value CustomerSimulator#UNPARSEABLE_TIME_TEXT}); CSV and JSON only. */
  UNPARSEABLE_TIME,
  /** event_type outside interaction, conversion, churn, survey. */
  UNKNOWN_EVENT_TYPE,
  /** A survey with csat outside 1..5. */
  CSAT_OUT_OF_RANGE,
  /** A survey with nps outside 0..10. */
  NPS_OUT_OF_RANGE,
  /** A conversion with negative revenue. */
  NEGATIVE_REVENUE,
  /** event_time five years after the end of the window. */
  FUTURE_TIME,
  /** touchpoint empty. */
  MISSING_TOUCHPOINT
}
