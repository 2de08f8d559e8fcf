package io.touchpoints.input;

/**
 * Why a row was quarantined, in priority order: a row with several problems is filed under the first, and all of
 * them are listed in the quarantine table's {@code reasons} column.
 */
enum QuarantineReason {
  /** A CSV/JSON line that does not parse into the source's columns (wrong field count, broken quoting or JSON). */
  MALFORMED_RECORD,
  /**
   * A malformed CSV line with an unclosed quote: a piece of a record whose quoted field spans lines. Read such files
   * with the mapping's {@code options { multiLine = true }}.
   */
  LINE_FRAGMENT,
  /**
   * Bytes not valid in the source's encoding (UTF-8 unless the mapping's {@code encoding} says otherwise); the exact
   * bytes are kept in {@code raw_bytes} (base64).
   */
  INVALID_ENCODING,
  /** Neither customer_id nor anonymous_id. */
  MISSING_CUSTOMER,
  MISSING_TIME,
  UNPARSEABLE_TIME,
  MISSING_TOUCHPOINT,
  /** event_type not one of interaction, conversion, churn, survey (after the mapping's value map). */
  UNKNOWN_EVENT_TYPE,
  /** revenue, csat or nps present but not a number (csat and nps must be whole numbers). */
  INVALID_NUMBER,
  /** revenue, csat or nps a number its column cannot hold (revenue beyond decimal(18,4), csat or nps beyond int). */
  NUMBER_OUT_OF_RANGE,
  CSAT_OUT_OF_RANGE,
  NPS_OUT_OF_RANGE,
  NEGATIVE_REVENUE,
  /** Earlier than {@code validation.min_time} (a placeholder such as year 1, or a time a table cannot store). */
  TIME_OUT_OF_RANGE,
  /** Later than the end of the run date plus {@code validation.max_future}. */
  FUTURE_TIME,
  /**
   * Incremental runs only: earlier than the run date minus {@code journey.late_days} (kept here, not lost; a full
   * run over the complete log takes it in).
   */
  TOO_LATE
}
