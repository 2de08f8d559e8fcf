package io.touchpoints.bench;

import io.touchpoints.metrics.MetricColumns;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that the job and the DuckDB peer computed the same thing from the same events: row counts, every event's
 * place (customer, sequence, journey, session), every journey, the paths table, and every column of every
 * touchpoint_metrics row. Reads the job's Delta tables ({@link DeltaFiles}) and the peer's Parquet with DuckDB.
 */
final class PeerComparison {

  /**
   * How far two doubles of touchpoint_metrics may be apart, relative to the larger (absolute below 1, where rates,
   * shares and lifts live). Both sides compute each double by the same formula from the same integers, so the
   * ratios agree to the bit; the rest (intervals, means, standard deviations, the median's interpolation, revenue
   * per journey) differ in operation order or summation order by a few units in the last place, about 1e-15. One
   * unit more or less in any count moves a figure by far more than 1e-9 at every size the harness runs (a rate by
   * 1/n, n under 10^8), so this is tight enough to catch any real difference.
   */
  static final double RATE_TOLERANCE = 1e-9;

  /** The key of a touchpoint_metrics row. */
  private static final List<String> KEYS = List.of(MetricColumns.DIMENSION, MetricColumns.NAME, MetricColumns.SEGMENT);

  /** The job's row or the peer's is missing: the full join found the row on one side only. */
  private static final String ONE_SIDE = "j.name IS NULL OR p.name IS NULL";

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
      Map<String, Object> metrics = compareMetrics(db);
      out.putAll(metrics);
      long metricDiffs = (Long) metrics.get("metric_rows_different");
      List<?> metricRows = (List<?>) metrics.get("metric_rows_job_peer");
      boolean metricsEqual = metricDiffs == 0 && metricRows.get(0).equals(metricRows.get(1))
          && ((List<?>) metrics.get("metric_schema_different")).isEmpty();
      out.put("conversion_rates", Sql.rows(db, """
          SELECT j.name AS touchpoint, j.journeys, j.conversions, j.conversion_rate AS job_rate,
                 p.conversion_rate AS peer_rate
          FROM job_touchpoint_metrics j JOIN peer_touchpoint_metrics p ON j.dimension = p.dimension AND j.name = p.name
          WHERE j.dimension = 'touchpoint' AND j.segment IS NULL AND p.segment IS NULL ORDER BY j.name"""));
      boolean countsEqual = counts.values().stream().allMatch(v -> ((List<?>) v).get(0).equals(((List<?>) v).get(1)));
      boolean same = countsEqual && eventDiffs == 0 && journeyDiffs == 0 && pathDiffs == 0 && metricsEqual;
      out.put("same", same);
      out.put("verdict", same ? "same events, journeys, paths and touchpoint_metrics (" + metricRows.get(0)
          + " rows, every one of " + metrics.get("metric_columns_compared") + " columns)"
          : "DIFFERENT: counts " + counts + ", events " + eventDiffs + ", journeys " + journeyDiffs + ", paths "
              + pathDiffs + ", metric rows " + metricDiffs + " (job/peer " + metricRows + ", job's only "
              + metrics.get("metric_rows_job_only") + ", peer's only " + metrics.get("metric_rows_peer_only")
              + ", rows differing per column " + metrics.get("metric_columns_different") + ", columns "
              + metrics.get("metric_schema_different") + ")");
    }
    return out;
  }

  /**
   * Every column of touchpoint_metrics, every row (segments included), matched on (dimension, name, segment): counts,
   * decimals, names and low_sample equal, doubles within {@link #RATE_TOLERANCE}, nulls in the same places. The
   * columns are the job's, so a column the peer lacks (or has of another type) is reported, not skipped. Per column:
   * how many rows found on both sides differ there; rows found on one side only are counted apart.
   */
  private static Map<String, Object> compareMetrics(Connection db) throws Exception {
    Map<String, String> jobColumns = columnTypes(db, "job_touchpoint_metrics");
    Map<String, String> peerColumns = columnTypes(db, "peer_touchpoint_metrics");
    List<String> schema = new ArrayList<>();
    for (Map.Entry<String, String> c : jobColumns.entrySet()) {
      String peerType = peerColumns.get(c.getKey());
      if (!c.getValue().equals(peerType)) {
        schema.add(c.getKey() + ": " + c.getValue() + " in the job, " + (peerType == null ? "none" : peerType)
            + " in the peer");
      }
    }
    peerColumns.keySet().stream().filter(c -> !jobColumns.containsKey(c))
        .forEach(c -> schema.add(c + ": in the peer only"));
    List<String> compared = new ArrayList<>();
    StringBuilder perColumn = new StringBuilder();
    StringBuilder anyColumn = new StringBuilder(ONE_SIDE);
    for (Map.Entry<String, String> c : jobColumns.entrySet()) {
      if (KEYS.contains(c.getKey()) || !peerColumns.containsKey(c.getKey())) {
        continue;
      }
      String differs = differs(c.getKey(), c.getValue());
      perColumn.append(",\n       count(*) FILTER (WHERE NOT (").append(ONE_SIDE).append(") AND (").append(differs)
          .append(")) AS c").append(compared.size());
      anyColumn.append(" OR ").append(differs);
      compared.add(c.getKey());
    }
    Map<String, Object> found = Sql.rows(db, """
        SELECT count(*) FILTER (WHERE %s) AS rows_different, count(*) FILTER (WHERE p.name IS NULL) AS job_only,
               count(*) FILTER (WHERE j.name IS NULL) AS peer_only%s
        FROM job_touchpoint_metrics j FULL JOIN peer_touchpoint_metrics p
          ON j.dimension = p.dimension AND j.name = p.name AND j.segment IS NOT DISTINCT FROM p.segment"""
        .formatted(anyColumn, perColumn)).get(0);
    Map<String, Long> different = new LinkedHashMap<>();
    for (int i = 0; i < compared.size(); i++) {
      long n = ((Number) found.get("c" + i)).longValue();
      if (n > 0) {
        different.put(compared.get(i), n);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("metric_rows_job_peer", List.of(Sql.scalarLong(db, "SELECT count(*) FROM job_touchpoint_metrics"),
        Sql.scalarLong(db, "SELECT count(*) FROM peer_touchpoint_metrics")));
    out.put("metric_rows_different", ((Number) found.get("rows_different")).longValue());
    out.put("metric_rows_job_only", ((Number) found.get("job_only")).longValue());
    out.put("metric_rows_peer_only", ((Number) found.get("peer_only")).longValue());
    out.put("metric_columns_compared", compared.size());
    out.put("metric_columns_different", different);
    out.put("metric_schema_different", schema);
    return out;
  }

  /** Whether column c differs between the job's row j and the peer's row p, by the job's type of the column. */
  private static String differs(String c, String type) {
    if (type.equals("DOUBLE") || type.equals("FLOAT")) {
      return ("(j.%1$s IS NULL) != (p.%1$s IS NULL) "
          + "OR abs(j.%1$s - p.%1$s) > %2$s * greatest(1, abs(j.%1$s), abs(p.%1$s))").formatted(c, RATE_TOLERANCE);
    }
    return "j.%1$s IS DISTINCT FROM p.%1$s".formatted(c);
  }

  private static Map<String, String> columnTypes(Connection db, String view) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map<String, Object> row : Sql.rows(db, "DESCRIBE " + view)) {
      out.put((String) row.get("column_name"), (String) row.get("column_type"));
    }
    return out;
  }
}
