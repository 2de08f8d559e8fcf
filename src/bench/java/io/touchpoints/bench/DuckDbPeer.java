package io.touchpoints.bench;

import io.touchpoints.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's peer: DuckDB computes the same journeys and the same conversion metrics as the job, from the same
 * Parquet events, and writes them as Parquet. Run by the harness as its own JVM (so its peak memory is measured like
 * the job's); prints one line {@code peer-result {json}} with its stage times and counts.
 *
 * <p>Stage {@code journeys} mirrors ingest and journeys: text columns trimmed (empty = missing), event_type lower-cased
 * (missing = interaction); a row is quarantined for a missing customer (and anonymous id), time or touchpoint, an
 * unknown event type, CSAT or NPS out of range, negative revenue, or a time later than the end of the run date plus
 * {@code validation.max_future} (the job's {@code EventValidator}); channel and stage filled from the taxonomy;
 * identity stitching (an anonymous-only event joins the customer its anonymous id is first seen with, by time then
 * customer id, else {@code anon:<id>}); exact duplicates over every canonical column plus {@code stitched} dropped;
 * events ordered per customer by time, event_id, then input order (file, row), nulls first as in Spark; interactions
 * and conversions form journeys, a conversion closes one and a gap longer than {@code journey.inactivity_timeout}
 * starts one; sessions split at {@code journey.session_gap}. Writes quarantine, events, journeys and paths.
 *
 * <p>Stage {@code metrics} computes, per touchpoint, channel and stage: customers, journeys, touches, converted
 * journeys, conversion rate, the rate of the journeys without it, exit rate and repeat rate (the job's
 * {@code TouchpointMetrics} definitions). The job's metrics stage also computes churn, satisfaction, timing and
 * interval columns, which the peer does not: the peer does less work than the job here.
 *
 * <p>Not mirrored, because the generated data never has them: journey ids given in the input, path transforms
 * ({@code journey.drop_touchpoints}, {@code collapse_repeats}) and disabled stitching; the peer refuses such settings.
 */
public final class DuckDbPeer {

  private DuckDbPeer() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    Path events = Path.of(require(opts, "--events"));
    Path out = Path.of(require(opts, "--out"));
    String runDate = require(opts, "--run-date");
    int threads = Integer.parseInt(opts.getOrDefault("--threads",
        Integer.toString(Runtime.getRuntime().availableProcessors())));
    String memory = opts.getOrDefault("--memory-limit", "8GB");
    if (opts.containsKey("--profile")) {
      Sql.profileDir = Files.createDirectories(Path.of(opts.get("--profile")));
    }
    Map<String, Object> result = run(events, out, runDate, threads, memory);
    System.out.println("peer-result " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(result));
  }

  private static String require(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    return v;
  }

  static Map<String, Object> run(Path events, Path out, String runDate, int threads, String memoryLimit)
      throws Exception {
    JobConfig config = JobConfig.load(null, List.of("run_date=" + runDate), null);
    JobConfig.JourneySettings journey = config.journey();
    if (!journey.stitchIdentities() || journey.collapseRepeats() || !journey.dropTouchpoints().isEmpty()) {
      throw new IllegalArgumentException("the peer mirrors the default journey settings only: " + journey);
    }
    JobConfig.ValidationSettings v = config.validation();
    String futureLimit = config.runDate().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(v.maxFuture())
        .toString().replace("T", " ").replace("Z", "");
    long inactivityMicros = journey.inactivityTimeout().toNanos() / 1000;
    long sessionMicros = journey.sessionGap().toNanos() / 1000;

    Files.createDirectories(out);
    Map<String, Object> result = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
      Sql.exec(db, "SET TimeZone = 'UTC'");
      Sql.exec(db, "SET default_null_order = 'nulls_first'");
      Sql.exec(db, "SET threads = " + threads);
      Sql.exec(db, "SET memory_limit = " + Sql.quote(memoryLimit));
      Sql.exec(db, "SET temp_directory = " + Sql.quote(out.resolve("spill").toString()));
      Sql.exec(db, "SET preserve_insertion_order = false");
      Sql.exec(db, "CREATE TEMP TABLE taxonomy (touchpoint VARCHAR, channel VARCHAR, stage VARCHAR)");
      for (Map.Entry<String, JobConfig.Taxonomy> t : config.taxonomy().entrySet()) {
        Sql.exec(db, "INSERT INTO taxonomy VALUES (" + Sql.quote(t.getKey()) + ", " + Sql.quote(t.getValue().channel())
            + ", " + Sql.quote(t.getValue().stage()) + ")");
      }

      long start = System.nanoTime();
      String source = "read_parquet(" + Sql.quote(events.resolve("*.parquet").toString())
          + ", filename = true, file_row_number = true)";
      Sql.exec(db, """
          CREATE TEMP TABLE validated AS
          WITH canonical AS (
            SELECT nullif(trim(customer_id), '') AS customer_id, event_time,
                   nullif(trim(touchpoint), '') AS touchpoint,
                   lower(coalesce(nullif(trim(event_type), ''), 'interaction')) AS event_type,
                   nullif(trim(channel), '') AS channel, nullif(trim(stage), '') AS stage,
                   CAST(revenue AS DECIMAL(18, 4)) AS revenue, csat, nps,
                   nullif(trim(rated_touchpoint), '') AS rated_touchpoint, nullif(trim(event_id), '') AS event_id,
                   nullif(trim(anonymous_id), '') AS anonymous_id, nullif(trim(segment), '') AS segment,
                   {'file': filename, 'row': file_row_number} AS input_order
            FROM %s)
          SELECT *,
                 (customer_id IS NULL AND anonymous_id IS NULL) OR event_time IS NULL OR touchpoint IS NULL
                 OR event_type NOT IN ('interaction', 'conversion', 'churn', 'survey')
                 OR coalesce(csat < %d OR csat > %d, false) OR coalesce(nps < %d OR nps > %d, false)
                 OR coalesce(revenue < 0, false) OR coalesce(event_time > TIMESTAMP '%s', false) AS quarantined
          FROM canonical""".formatted(source, v.csatMin(), v.csatMax(), v.npsMin(), v.npsMax(), futureLimit));
      Sql.exec(db, "COPY (SELECT * EXCLUDE (quarantined) FROM validated WHERE quarantined) TO "
          + Sql.quote(out.resolve("quarantine.parquet").toString()) + " (FORMAT parquet)");
      // The stitching join has an equality condition only (links has one row per anonymous id, and a known
      // customer id wins in the coalesce): with "c.customer_id IS NULL AND ..." in its ON clause DuckDB 1.4 planned
      // a blockwise nested-loop join, quadratic, 2,124 of the 2,214 CPU s of this statement at 10M events.
      Sql.exec(db, """
          CREATE TEMP TABLE events AS
          WITH clean AS (
            SELECT v.customer_id, v.event_time, v.touchpoint, v.event_type,
                   coalesce(v.channel, t.channel) AS channel, coalesce(v.stage, t.stage) AS stage,
                   v.revenue, v.csat, v.nps, v.rated_touchpoint, v.event_id, v.anonymous_id, v.segment, v.input_order
            FROM validated v LEFT JOIN taxonomy t ON v.touchpoint = t.touchpoint
            WHERE NOT v.quarantined),
          links AS (
            SELECT anonymous_id, first(customer_id ORDER BY event_time, customer_id) AS linked
            FROM clean WHERE customer_id IS NOT NULL AND anonymous_id IS NOT NULL GROUP BY anonymous_id),
          stitched AS (
            SELECT c.* REPLACE (coalesce(c.customer_id, l.linked, 'anon:' || c.anonymous_id) AS customer_id),
                   c.customer_id IS NULL AND l.linked IS NOT NULL AS stitched
            FROM clean c LEFT JOIN links l ON c.anonymous_id = l.anonymous_id),
          distinct_rows AS (
            SELECT customer_id, event_time, touchpoint, event_type, channel, stage, revenue, csat, nps,
                   rated_touchpoint, event_id, anonymous_id, segment, stitched,
                   min(input_order) AS input_order, count(*) AS copies
            FROM stitched GROUP BY ALL),
          marked AS (
            SELECT *, event_type IN ('interaction', 'conversion') AS in_journey,
                   row_number() OVER (PARTITION BY customer_id ORDER BY event_time, event_id, input_order) AS event_seq
            FROM distinct_rows),
          starts AS (
            SELECT *,
                   CASE WHEN in_journey THEN
                     (lag(event_time) OVER w IS NULL OR lag(event_type) OVER w = 'conversion'
                      OR epoch_us(event_time) - epoch_us(lag(event_time) OVER w) > %d)::INTEGER END AS journey_start,
                   CASE WHEN in_journey THEN
                     (lag(event_time) OVER w IS NULL OR lag(event_type) OVER w = 'conversion'
                      OR epoch_us(event_time) - epoch_us(lag(event_time) OVER w) > %d
                      OR epoch_us(event_time) - epoch_us(lag(event_time) OVER w) > %d)::INTEGER END AS session_start
            FROM marked
            WINDOW w AS (PARTITION BY customer_id, in_journey ORDER BY event_seq)),
          numbered AS (
            SELECT *,
                   sum(journey_start) OVER (PARTITION BY customer_id, in_journey ORDER BY event_seq
                                            ROWS UNBOUNDED PRECEDING) AS journey_no
            FROM starts)
          SELECT * EXCLUDE (journey_no, journey_start, session_start, in_journey),
                 CASE WHEN in_journey THEN customer_id || ':' || journey_no END AS journey_id,
                 CASE WHEN in_journey THEN sum(session_start) OVER (PARTITION BY customer_id, in_journey, journey_no
                     ORDER BY event_seq ROWS UNBOUNDED PRECEDING) END AS session_index
          FROM numbered""".formatted(inactivityMicros, inactivityMicros, sessionMicros));
      Sql.exec(db, "COPY (SELECT * EXCLUDE (copies) FROM events) TO "
          + Sql.quote(out.resolve("events.parquet").toString()) + " (FORMAT parquet)");
      Sql.exec(db, """
          CREATE TEMP TABLE journeys AS
          WITH grouped AS (
            SELECT journey_id, customer_id, min(event_time) AS start_time, max(event_time) AS end_time,
                   list({'touchpoint': touchpoint, 'event_time': event_time, 'channel': channel, 'stage': stage,
                         'session': session_index} ORDER BY event_seq)
                     FILTER (WHERE event_type = 'interaction') AS touch_list,
                   coalesce(max(session_index), 0) AS sessions,
                   count(*) FILTER (WHERE event_type = 'conversion') AS conversions,
                   min(event_time) FILTER (WHERE event_type = 'conversion') AS conversion_time,
                   arg_min(touchpoint, event_seq) FILTER (WHERE event_type = 'conversion') AS conversion_touchpoint,
                   sum(revenue) FILTER (WHERE event_type = 'conversion') AS revenue,
                   arg_min(segment, event_seq) AS segment
            FROM events WHERE journey_id IS NOT NULL GROUP BY journey_id, customer_id)
          SELECT journey_id, customer_id, start_time, end_time,
                 coalesce(touch_list, []) AS touchpoints,
                 coalesce(array_to_string(list_transform(touch_list, t -> t.touchpoint), ' > '), '') AS path,
                 coalesce(len(touch_list), 0) AS touches, sessions, conversions > 0 AS converted, conversions,
                 conversion_time, conversion_touchpoint, revenue, segment
          FROM grouped""");
      Sql.exec(db, "COPY journeys TO " + Sql.quote(out.resolve("journeys.parquet").toString()) + " (FORMAT parquet)");
      Sql.exec(db, "COPY (SELECT path, count(*) AS journeys, sum(conversions) AS total_conversions, "
          + "coalesce(sum(revenue), 0) AS total_conversion_value, count(*) FILTER (WHERE NOT converted) AS total_null "
          + "FROM journeys GROUP BY path) TO " + Sql.quote(out.resolve("paths.parquet").toString())
          + " (FORMAT parquet)");
      seconds.put("journeys", (System.nanoTime() - start) / 1e9);

      start = System.nanoTime();
      Sql.exec(db, """
          CREATE TEMP TABLE metrics AS
          WITH totals AS (
            SELECT count(*) AS all_journeys, count(*) FILTER (WHERE converted) AS all_conversions FROM journeys),
          touches AS (
            SELECT journey_id, customer_id, converted, touchpoints[len(touchpoints)] AS last_touch,
                   unnest(touchpoints) AS t
            FROM journeys WHERE len(touchpoints) > 0),
          dims AS (
            SELECT 'touchpoint' AS dimension, t.touchpoint AS name, last_touch.touchpoint AS last_name, * FROM touches
            UNION ALL
            SELECT 'channel', t.channel, last_touch.channel, * FROM touches
            UNION ALL
            SELECT 'stage', t.stage, last_touch.stage, * FROM touches),
          per_journey AS (
            SELECT dimension, name, journey_id, any_value(customer_id) AS customer_id, bool_or(converted) AS converted,
                   count(*) AS touches, bool_or(last_name = name) AS ends_here
            FROM dims WHERE name IS NOT NULL GROUP BY dimension, name, journey_id)
          SELECT dimension, name, count(DISTINCT customer_id) AS customers, count(*) AS journeys,
                 sum(touches) AS touches, count(*) FILTER (WHERE converted) AS conversions,
                 count(*) FILTER (WHERE converted) / count(*) AS conversion_rate,
                 CASE WHEN any_value(all_journeys) > count(*) THEN
                   (any_value(all_conversions) - count(*) FILTER (WHERE converted))
                   / (any_value(all_journeys) - count(*)) END AS conversion_rate_without,
                 count(*) FILTER (WHERE ends_here AND NOT converted) / count(*) AS exit_rate,
                 count(*) FILTER (WHERE touches >= 2) / count(*) AS repeat_rate
          FROM per_journey, totals GROUP BY dimension, name""");
      Sql.exec(db, "COPY metrics TO " + Sql.quote(out.resolve("touchpoint_metrics.parquet").toString())
          + " (FORMAT parquet)");
      seconds.put("metrics", (System.nanoTime() - start) / 1e9);

      result.put("seconds", seconds);
      Map<String, Object> counts = new LinkedHashMap<>();
      counts.put("rows_read", Sql.scalarLong(db, "SELECT count(*) FROM validated"));
      counts.put("quarantined", Sql.scalarLong(db, "SELECT count(*) FROM validated WHERE quarantined"));
      counts.put("duplicates", Sql.scalarLong(db, "SELECT coalesce(sum(copies - 1), 0) FROM events"));
      counts.put("kept", Sql.scalarLong(db, "SELECT count(*) FROM events"));
      counts.put("journeys", Sql.scalarLong(db, "SELECT count(*) FROM journeys"));
      counts.put("paths", Sql.scalarLong(db, "SELECT count(DISTINCT path) FROM journeys"));
      counts.put("metric_rows", Sql.scalarLong(db, "SELECT count(*) FROM metrics"));
      result.put("counts", counts);
      result.put("threads", threads);
      result.put("memory_limit", memoryLimit);
      result.put("duckdb_version", Sql.rows(db, "SELECT version() AS v").get(0).get("v"));
    }
    return result;
  }
}
