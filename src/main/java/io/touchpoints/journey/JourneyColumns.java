package io.touchpoints.journey;

/** Column names of the tables the journey stage writes: events (extra columns), journeys and paths. */
public final class JourneyColumns {
  // events table: canonical columns plus these.
  /** 1-based position of the event in its customer's history (time, then event_id, then input order). */
  public static final String EVENT_SEQ = "event_seq";
  /** 1-based session number within the journey; null for events outside journeys (surveys, churn). */
  public static final String SESSION_INDEX = "session_index";
  /** True when customer_id came from identity stitching of an anonymous_id. */
  public static final String STITCHED = "stitched";
  /** SHA-256 of the event's canonical columns as they came in: equal for exact duplicates ({@link EventKey}). */
  public static final String EVENT_KEY = "event_key";
  /** True when journey_id came with the event (false: derived by the job, or none). */
  public static final String JOURNEY_GIVEN = "journey_given";
  /** Internal: an exact duplicate of an earlier row (dropped, counted). */
  public static final String IS_DUPLICATE = "_is_duplicate";

  // journeys table.
  public static final String JOURNEY_ID = "journey_id";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String START_TIME = "start_time";
  public static final String END_TIME = "end_time";
  /** array&lt;struct&lt;touchpoint, event_time, channel, stage, session&gt;&gt; of the interactions, in order. */
  public static final String TOUCHPOINTS = "touchpoints";
  /** Touchpoints joined by {@link #PATH_SEPARATOR}. */
  public static final String PATH = "path";
  public static final String TOUCHES = "touches";
  public static final String SESSIONS = "sessions";
  public static final String CONVERTED = "converted";
  public static final String CONVERSIONS = "conversions";
  public static final String CONVERSION_TIME = "conversion_time";
  public static final String CONVERSION_TOUCHPOINT = "conversion_touchpoint";
  public static final String REVENUE = "revenue";
  public static final String SEGMENT = "segment";

  // paths table: the aggregated format attribution tools exchange (ChannelAttribution, DP6).
  public static final String JOURNEYS = "journeys";
  public static final String TOTAL_CONVERSIONS = "total_conversions";
  public static final String TOTAL_CONVERSION_VALUE = "total_conversion_value";
  public static final String TOTAL_NULL = "total_null";

  public static final String PATH_SEPARATOR = " > ";

  private JourneyColumns() {}
}
