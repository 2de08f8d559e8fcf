package io.touchpoints.journey;

import io.touchpoints.input.EventColumns;
import java.util.List;

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

  /**
   * Columns of the events table that Delta keeps per-file statistics for: a customer and a time range, what readers
   * filter on and what a user would cluster the table by (OPTIMIZE ... ZORDER BY needs their statistics). As the job
   * writes the table, every file holds a hash share of the customers over the whole time range, so no column's
   * statistics skip files; on all 21 columns they cost a quarter of the write.
   */
  public static final List<String> EVENTS_STATS_COLUMNS = List.of(CUSTOMER_ID, EventColumns.EVENT_TIME);
  /** Columns of the journeys table that Delta keeps per-file statistics for (as {@link #EVENTS_STATS_COLUMNS}). */
  public static final List<String> JOURNEYS_STATS_COLUMNS = List.of(CUSTOMER_ID, START_TIME);

  private JourneyColumns() {}
}
