package io.touchpoints.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that the job and the DuckDB peer computed the same thing from the same events: row counts, every event's
 * place (customer, sequence, journey, session), every journey, the paths table, and the conversion metrics per
 * touchpoint, channel and stage. Reads the job's Delta tables ({@link DeltaFiles}) and the peer's Parquet with
 * DuckDB.
 */
final class PeerComparison {

  /** Rates are ratios of the same integers on both sides; only the last bits of a double may differ. */
  static final double RATE_TOLERANCE = 1e-12;

  private PeerComparison() {}

  static Map<String, Object> compare(Path job, Path peer) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
      Sql.exec(db, "SET TimeZone = 'UTC'");
      for (String table : List.of("events", "quarantine", "journeys", "paths", "touchpoint_metrics")) {
        Sql.exec(db, "CREATE VIEW job_" + table + " AS SELECT * FROM " + DeltaFiles.readParquet(job.resolve(table)));
        Sql.exec(db, "CREATE VIEW peer_" + table + " AS SELECT * FROM read_parquet("
            + Sql.quote(peer.resolve(table + ".parquet").toString()) + ")");
      }
      Map<String, Object> counts = new LinkedHashMap<>();
      for (String table : List.of("events", "quarantine", "journeys", "paths")) {
        counts.put(table, List.of(Sql.scalarLong(db, "SELECT count(*) FROM job_" + table),
            Sql.scalarLong(db, "SELECT count(*) FROM peer_" + table)));
      }
      out.put("rows_job_peer", counts);
      long eventDiffs = Sql.scalarLong(db, """
          SELECT count(*) FROM job_events j FULL JOIN peer_events p
            ON j.customer_id = p.customer_id AND j.event_seq = p.event_seq
          WHERE j.event_seq IS NULL OR p.event_seq IS NULL
             OR j.event_id IS DISTINCT FROM p.event_id OR j.journey_id IS DISTINCT FROM p.journey_id
             OR j.session_index IS DISTINCT FROM p.session_index OR j.stitched IS DISTINCT FROM p.stitched
             OR j.event_time IS DISTINCT FROM p.event_time OR j.channel IS DISTINCT FROM p.channel""");
      out.put("events_different", eventDiffs);
      long journeyDiffs = Sql.scalarLong(db, """
          SELECT count(*) FROM job_journeys j FULL JOIN peer_journeys p ON j.journey_id = p.journey_id
          WHERE j.journey_id IS NULL OR p.journey_id IS NULL
             OR j.customer_id IS DISTINCT FROM p.customer_id OR j.path IS DISTINCT FROM p.path
             OR j.touches IS DISTINCT FROM p.touches OR j.sessions IS DISTINCT FROM p.sessions
             OR j.converted IS DISTINCT FROM p.converted OR j.conversions IS DISTINCT FROM p.conversions
             OR j.start_time IS DISTINCT FROM p.start_time OR j.end_time IS DISTINCT FROM p.end_time
             OR j.conversion_time IS DISTINCT FROM p.conversion_time
             OR j.conversion_touchpoint IS DISTINCT FROM p.conversion_touchpoint
             OR j.revenue IS DISTINCT FROM p.revenue""");
      out.put("journeys_different", journeyDiffs);
      String pathCols = "path, journeys, total_conversions, CAST(total_conversion_value AS DECIMAL(18, 4)), total_null";
      long pathDiffs = Sql.scalarLong(db, "SELECT count(*) FROM ((SELECT " + pathCols + " FROM job_paths EXCEPT "
          + "SELECT " + pathCols + " FROM peer_paths) UNION ALL (SELECT " + pathCols + " FROM peer_paths EXCEPT "
          + "SELECT " + pathCols + " FROM job_paths))");
      out.put("paths_different", pathDiffs);
      long metricDiffs = Sql.scalarLong(db, """
          SELECT count(*) FROM (SELECT * FROM job_touchpoint_metrics WHERE segment IS NULL) j
            FULL JOIN peer_touchpoint_metrics p ON j.dimension = p.dimension AND j.name = p.name
          WHERE j.name IS NULL OR p.name IS NULL
             OR j.customers != p.customers OR j.journeys != p.journeys OR j.touches != p.touches
             OR j.conversions != p.conversions
             OR abs(j.conversion_rate - p.conversion_rate) > %1$s
             OR abs(coalesce(j.conversion_rate_without, -1) - coalesce(p.conversion_rate_without, -1)) > %1$s
             OR abs(j.exit_rate - p.exit_rate) > %1$s OR abs(j.repeat_rate - p.repeat_rate) > %1$s"""
          .formatted(RATE_TOLERANCE));
      out.put("metric_rows_different", metricDiffs);
      out.put("conversion_rates", Sql.rows(db, """
          SELECT j.name AS touchpoint, j.journeys, j.conversions, j.conversion_rate AS job_rate,
                 p.conversion_rate AS peer_rate
          FROM job_touchpoint_metrics j JOIN peer_touchpoint_metrics p ON j.dimension = p.dimension AND j.name = p.name
          WHERE j.dimension = 'touchpoint' AND j.segment IS NULL ORDER BY j.name"""));
      boolean countsEqual = counts.values().stream().allMatch(v -> ((List<?>) v).get(0).equals(((List<?>) v).get(1)));
      boolean same = countsEqual && eventDiffs == 0 && journeyDiffs == 0 && pathDiffs == 0 && metricDiffs == 0;
      out.put("same", same);
      out.put("verdict", same ? "same events, journeys, paths and conversion metrics"
          : "DIFFERENT: counts " + counts + ", events " + eventDiffs + ", journeys " + journeyDiffs + ", paths "
              + pathDiffs + ", metric rows " + metricDiffs);
    }
    return out;
  }
}
