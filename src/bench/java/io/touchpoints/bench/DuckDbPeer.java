package io.touchpoints.bench;

import io.touchpoints.config.JobConfig;
import io.touchpoints.metrics.MetricColumns;
import io.touchpoints.metrics.MetricFigure;
import io.touchpoints.metrics.MetricsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's peer: DuckDB computes the same journeys and the same touchpoint metrics as the job, from the same
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
 * <p>Stage {@code metrics} computes the whole {@code touchpoint_metrics} table from the peer's own events and
 * journeys, with the job's {@code metrics} settings and the definitions of its {@code TouchpointMetrics} and
 * {@code TouchpointTally}: every column of {@link MetricFigure} (conversion, lift, next step, time to conversion as the
 * exact median of hours rounded to 0.01, revenue, exit and repeat rates, churn from the first touch with its baseline
 * and last touch before churning, exit churn, CSAT and NPS of the linked surveys), every interval with the formulas
 * of {@code ConfidenceIntervals}, {@code low_sample}, small-cell suppression, and per-segment rows when
 * {@code metrics.segment_breakdown} is on. It leaves out only {@code run_date}, which the job keeps as the Delta
 * partition of the table rather than as a column of its files. A survey linked to the most recent interaction takes
 * that interaction's own channel and stage, null ones included (README: "the customer's most recent interaction"),
 * as the job does.
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
      metrics(db, MetricsSettings.from(config.raw().getConfig("metrics")));
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

  /**
   * The whole {@code touchpoint_metrics} table into the temp table {@code metrics}, from the peer's own events and
   * journeys tables, with the job's {@code metrics} settings. Counts go per touch, journey and customer through three
   * temp tables: the journeys with their customer's status, one row per (group, journey), and the tallies.
   */
  private static void metrics(Connection db, MetricsSettings m) throws SQLException {
    List<String> dimensions = m.dimensions();
    boolean bySegment = m.segmentBreakdown();
    long conversionWindow = m.conversionWindow().toSeconds();
    Duration churnInactivity = m.churnInactivity();
    long churnWindow = m.churnWindow().toSeconds();
    long surveyLink = m.surveyLinkWindow().toSeconds();
    int minCell = m.minCell();
    boolean suppress = m.suppressSmallCells();
    double z = m.z();

    // Whole seconds round down, as Spark's unix_seconds; DuckDB's // rounds towards zero.
    Sql.exec(db, "CREATE TEMP MACRO floor_div(a, b) AS (a - ((a % b) + b) % b) // b");
    // The job's churn cutoff is a java.sql.Timestamp made from milliseconds: the data's end loses its microseconds.
    long endMillis = Sql.scalarLong(db, "SELECT coalesce(floor_div(epoch_us(max(event_time)), 1000), 0) FROM events");
    long cutoff = (endMillis - churnInactivity.toMillis()) * 1000;
    long cutoffSeconds = Math.floorDiv(cutoff, 1_000_000L);
    Sql.exec(db, "CREATE TEMP MACRO secs(t) AS floor_div(epoch_us(t), 1000000)");
    Sql.exec(db, "CREATE TEMP MACRO sq(x) AS x * x");
    Sql.exec(db, "CREATE TEMP MACRO ratio(k, n) AS CASE WHEN n > 0 THEN k::DOUBLE / n::DOUBLE END");
    // ConfidenceIntervals' formulas, operation for operation, so that both sides round alike.
    Sql.exec(db, """
        CREATE TEMP MACRO wilson_bound(p, nd, sign) AS CASE WHEN sign < 0
          THEN greatest((p + %2$s / (nd * 2)) / (1 + %2$s / nd)
                        - %1$s / (1 + %2$s / nd) * sqrt(p * (1 - p) / nd + %2$s / (nd * nd * 4)), 0)
          ELSE least((p + %2$s / (nd * 2)) / (1 + %2$s / nd)
                     + %1$s / (1 + %2$s / nd) * sqrt(p * (1 - p) / nd + %2$s / (nd * nd * 4)), 1) END"""
        .formatted(real(z), real(z * z)));
    Sql.exec(db, "CREATE TEMP MACRO wilson(k, n, sign) AS "
        + "CASE WHEN n > 0 THEN wilson_bound(k::DOUBLE / n::DOUBLE, n::DOUBLE, sign) END");
    Sql.exec(db, "CREATE TEMP MACRO difference_low(k1, n1, k2, n2) AS CASE WHEN n1 > 0 AND n2 > 0 THEN "
        + "ratio(k1, n1) - ratio(k2, n2) - sqrt(sq(ratio(k1, n1) - wilson(k1, n1, -1)) "
        + "+ sq(wilson(k2, n2, 1) - ratio(k2, n2))) END");
    Sql.exec(db, "CREATE TEMP MACRO difference_high(k1, n1, k2, n2) AS CASE WHEN n1 > 0 AND n2 > 0 THEN "
        + "ratio(k1, n1) - ratio(k2, n2) + sqrt(sq(wilson(k1, n1, 1) - ratio(k1, n1)) "
        + "+ sq(ratio(k2, n2) - wilson(k2, n2, -1))) END");
    Sql.exec(db, "CREATE TEMP MACRO mean_bound(mean, sd, n, sign) AS CASE WHEN n > 1 THEN "
        + "mean + sign * (" + real(z) + " * sd / sqrt(n::DOUBLE)) END");
    Sql.exec(db, "CREATE TEMP MACRO nps_score(promoters, detractors, n) AS CASE WHEN n > 0 THEN "
        + "100 * (promoters - detractors)::DOUBLE / n::DOUBLE END");
    Sql.exec(db, """
        CREATE TEMP MACRO nps_interval(p, d, nd, sign) AS CASE WHEN sign < 0
          THEN greatest(100 * (p - d) - %1$s * sqrt((p + d - sq(p - d)) / nd), -100)
          ELSE least(100 * (p - d) + %1$s * sqrt((p + d - sq(p - d)) / nd), 100) END""".formatted(real(z * 100)));
    Sql.exec(db, "CREATE TEMP MACRO nps_bound(promoters, detractors, n, sign) AS CASE WHEN n > 0 THEN "
        + "nps_interval(promoters::DOUBLE / n::DOUBLE, detractors::DOUBLE / n::DOUBLE, n::DOUBLE, sign) END");

    // Churn within the window from the first touch (whole seconds), counted once the window and the inactivity
    // period have both passed before the data's end; TouchpointTally.churn.
    Sql.exec(db, "CREATE TEMP MACRO churn_observed(first_touch, last_event) AS "
        + "last_event IS NOT NULL AND first_touch + %d <= %d".formatted(churnWindow, cutoffSeconds));
    Sql.exec(db, ("CREATE TEMP MACRO churned_within(first_touch, last_event, explicit_churn) AS "
        + "secs(last_event) <= first_touch + %1$d "
        + "OR coalesce(secs(explicit_churn) BETWEEN first_touch AND first_touch + %1$d, false)")
        .formatted(churnWindow));

    // The segment key of a row: '' for all segments (the peer's text columns are never empty), else the segment.
    String segments = bySegment ? "CASE WHEN %s IS NOT NULL THEN ['', %<s] ELSE [''] END" : "['']";
    // Journeys with touches, in the job's order per customer (start time, journey id), with the customer's status:
    // last event, first explicit churn, and the churn time (explicit, else the last event once inactive). Every
    // journey's customer has events, so a status row; its number keys the customer (cheaper to group than the id).
    Sql.exec(db, """
        CREATE TEMP TABLE metric_journeys AS
        WITH status AS (
          SELECT customer_id, row_number() OVER () AS customer, max(event_time) AS last_event,
                 min(event_time) FILTER (WHERE event_type = 'churn') AS explicit_churn
          FROM events GROUP BY customer_id)
        SELECT j.journey_id, s.customer, j.touchpoints, len(j.touchpoints) AS n, j.converted, j.conversion_time,
               j.revenue, j.end_time, %s AS segs,
               row_number() OVER w AS journey_order, lead(j.start_time) OVER w AS next_start,
               s.last_event, s.explicit_churn,
               coalesce(s.explicit_churn, CASE WHEN epoch_us(s.last_event) <= %d THEN s.last_event END) AS churn_time
        FROM journeys j LEFT JOIN status s ON j.customer_id = s.customer_id
        WHERE len(j.touchpoints) > 0
        WINDOW w AS (PARTITION BY j.customer_id ORDER BY j.start_time, j.journey_id)"""
        .formatted(segments.formatted("j.segment"), cutoff));
    StringBuilder named = new StringBuilder();
    for (String d : dimensions) {
      named.append(named.isEmpty() ? "" : ", ").append("{'dimension': '%s', 'name': t.%<s}".formatted(d));
    }
    // One row per (group, journey): the group's touches in the journey, its first and last, whether the journey
    // ends there, its touches directly followed by the conversion, and its latest touch before the churn time.
    // Journeys are keyed by their row in metric_journeys: grouping on an integer is cheaper than on the id.
    Sql.exec(db, """
        CREATE TEMP TABLE metric_groups AS
        WITH touches AS (
          SELECT rowid AS journey, n, converted, conversion_time, churn_time, segs, unnest(touchpoints) AS t,
                 unnest(list_concat(list_transform(touchpoints[2:], x -> x.event_time), [NULL])) AS next_time,
                 generate_subscripts(touchpoints, 1) AS i
          FROM metric_journeys),
        named AS (
          SELECT journey, n, segs, i, t.event_time AS time,
                 converted AND conversion_time >= t.event_time AND coalesce(conversion_time < next_time, true)
                   AS next_converts,
                 t.event_time <= churn_time AS before_churn, unnest([%s]) AS d
          FROM touches),
        segmented AS (
          SELECT d.dimension, d.name, unnest(segs) AS seg, journey, n, i, time, next_converts, before_churn
          FROM named WHERE d.name IS NOT NULL)
        SELECT dimension, name, seg, journey, count(*) AS touches, min(time) AS first_touch,
               max(time) AS last_touch, bool_or(i = n) AS ends_here,
               count(*) FILTER (WHERE next_converts) AS next_conversions,
               max({'time': time, 'i': i}) FILTER (WHERE before_churn) AS latest
        FROM segmented GROUP BY dimension, name, seg, journey""".formatted(named));
    // Per group: the journey counts, then the customer counts (churn from the first touch of the group, and the
    // relative risk's baseline from the first touch of the dimension), the last touch before churning, and the
    // totals of all journeys (with touches or not) for the rate without.
    Sql.exec(db, """
        CREATE TEMP TABLE metric_tallies AS
        WITH joined AS (
          SELECT g.*, j.customer, j.converted, j.conversion_time, j.revenue, j.end_time, j.next_start,
                 j.journey_order, j.last_event, j.explicit_churn,
                 secs(j.conversion_time) - secs(g.last_touch) AS conversion_seconds,
                 g.ends_here AND j.last_event IS NOT NULL AND epoch_us(j.end_time) <= %1$d AS exit_observed
          FROM metric_groups g JOIN metric_journeys j ON g.journey = j.rowid),
        per_group AS (
          SELECT dimension, name, seg, count(*) AS journeys, sum(touches)::BIGINT AS touches,
                 count(*) FILTER (WHERE converted) AS conversions,
                 count(*) FILTER (WHERE converted AND conversion_seconds BETWEEN 0 AND %2$d)
                   AS conversions_within_window,
                 -- Hours rounded half up to 0.01 as the job's round(x, 2): (s + 18) // 36 hundredths.
                 quantile_cont(floor_div(conversion_seconds + 18, 36)::DOUBLE / 100, 0.5)
                   FILTER (WHERE converted AND conversion_seconds >= 0) AS median_hours_to_conversion,
                 sum(revenue)::DECIMAL(18, 4) AS revenue,
                 count(*) FILTER (WHERE ends_here AND NOT converted) AS exits,
                 count(*) FILTER (WHERE touches >= 2) AS repeats,
                 sum(next_conversions)::BIGINT AS next_conversions,
                 count(*) FILTER (WHERE exit_observed) AS exit_churn_journeys,
                 count(*) FILTER (WHERE exit_observed AND (next_start IS NULL
                   OR explicit_churn >= end_time AND explicit_churn < next_start
                   OR secs(next_start) - secs(end_time) > %3$d)) AS exit_churned
          FROM joined GROUP BY dimension, name, seg),
        per_customer AS (
          SELECT dimension, name, seg, customer, any_value(last_event) AS last_event,
                 any_value(explicit_churn) AS explicit_churn, secs(min(first_touch)) AS first_touch,
                 max({'time': latest.time, 'journey': journey_order, 'i': latest.i}) FILTER (WHERE latest IS NOT NULL)
                   AS latest
          FROM joined GROUP BY dimension, name, seg, customer),
        customers AS (
          SELECT dimension, name, seg, count(*) AS customers,
                 count(*) FILTER (WHERE churn_observed(first_touch, last_event)) AS churn_customers,
                 count(*) FILTER (WHERE churn_observed(first_touch, last_event)
                   AND churned_within(first_touch, last_event, explicit_churn)) AS churned_customers
          FROM per_customer GROUP BY dimension, name, seg),
        base_customers AS (
          SELECT dimension, seg, customer, any_value(last_event) AS last_event,
                 any_value(explicit_churn) AS explicit_churn, min(first_touch) AS first_touch,
                 arg_max(name, latest) FILTER (WHERE latest IS NOT NULL) AS last_name
          FROM per_customer GROUP BY dimension, seg, customer),
        base AS (
          SELECT dimension, seg, count(*) FILTER (WHERE churn_observed(first_touch, last_event)) AS base_customers,
                 count(*) FILTER (WHERE churn_observed(first_touch, last_event)
                   AND churned_within(first_touch, last_event, explicit_churn)) AS base_churned
          FROM base_customers GROUP BY dimension, seg),
        last_of AS (
          SELECT dimension, last_name AS name, seg, count(*) AS last_of
          FROM base_customers WHERE last_name IS NOT NULL GROUP BY dimension, last_name, seg),
        totals AS (
          SELECT seg, count(*) AS all_journeys, count(*) FILTER (WHERE converted) AS all_conversions
          FROM (SELECT unnest(%4$s) AS seg, converted FROM journeys) GROUP BY seg)
        SELECT g.*, c.customers, c.churn_customers, c.churned_customers, b.base_customers, b.base_churned,
               coalesce(ratio(l.last_of, sum(l.last_of) OVER (PARTITION BY g.dimension, g.seg)), 0.0)
                 AS churn_last_touch_share,
               t.all_journeys, t.all_conversions
        FROM per_group g
        JOIN customers c ON g.dimension = c.dimension AND g.name = c.name AND g.seg = c.seg
        JOIN base b ON g.dimension = b.dimension AND g.seg = b.seg
        LEFT JOIN last_of l ON g.dimension = l.dimension AND g.name = l.name AND g.seg = l.seg
        LEFT JOIN totals t ON g.seg = t.seg""".formatted(cutoff, conversionWindow,
        churnInactivity.toSeconds(), segments.formatted("segment")));
    // Satisfaction: a survey rates its rated touchpoint (channel and stage as the interactions carry them), else
    // the customer's most recent interaction within the link window.
    Sql.exec(db, """
        CREATE TEMP TABLE metric_satisfaction AS
        WITH history AS (
          SELECT event_type, event_time, segment, csat, nps, rated_touchpoint,
                 last_value(CASE WHEN event_type = 'interaction' THEN {'touchpoint': touchpoint, 'channel': channel,
                                 'stage': stage, 'time': event_time} END IGNORE NULLS)
                   OVER (PARTITION BY customer_id ORDER BY event_time, event_seq ROWS UNBOUNDED PRECEDING) AS prev
          FROM events WHERE event_type IN ('interaction', 'survey')),
        catalog AS (
          SELECT touchpoint, min(channel) AS channel, min(stage) AS stage
          FROM events WHERE event_type = 'interaction' GROUP BY touchpoint),
        linked AS (
          SELECT h.segment, h.csat, h.nps, h.rated_touchpoint IS NOT NULL AS rated,
                 secs(h.event_time) - secs(h.prev.time) <= %d AS recent, h.rated_touchpoint, h.prev,
                 c.channel AS rated_channel, c.stage AS rated_stage
          FROM history h LEFT JOIN catalog c ON h.rated_touchpoint = c.touchpoint
          WHERE h.event_type = 'survey' AND (h.csat IS NOT NULL OR h.nps IS NOT NULL)),
        surveys AS (
          SELECT segment, csat, nps,
                 CASE WHEN rated THEN rated_touchpoint WHEN recent THEN prev.touchpoint END AS touchpoint,
                 CASE WHEN rated THEN rated_channel WHEN recent THEN prev.channel END AS channel,
                 CASE WHEN rated THEN rated_stage WHEN recent THEN prev.stage END AS stage
          FROM linked),
        named AS (
          SELECT d.dimension, d.name, unnest(%s) AS seg, csat, nps
          FROM (SELECT *, unnest([%s]) AS d FROM surveys t) WHERE d.name IS NOT NULL)
        SELECT dimension, name, seg, count(*) AS responses, count(csat) AS csat_responses, avg(csat) AS csat_mean,
               stddev_samp(csat) AS csat_sd, count(*) FILTER (WHERE csat >= 4) AS satisfied,
               count(nps) AS nps_responses, count(*) FILTER (WHERE nps >= 9) AS promoters,
               count(*) FILTER (WHERE nps <= 6) AS detractors
        FROM named GROUP BY dimension, name, seg""".formatted(surveyLink, segments.formatted("segment"), named));

    // The table: every figure of MetricFigure, in its order, with its interval; the rows of either side.
    StringBuilder figures = new StringBuilder();
    for (MetricFigure f : MetricFigure.values()) {
      String units = f.group().unitsColumn();
      figures.append(",\n       ").append(suppressed(figure(f), units, suppress, minCell)).append(" AS ")
          .append(f.column());
      List<String> bounds = bounds(f);
      if (bounds.isEmpty() == f.hasInterval()) {
        throw new IllegalStateException("figure " + f + ": interval declared " + f.hasInterval() + " but "
            + bounds.size() + " bounds written");
      }
      if (f.hasInterval()) {
        figures.append(",\n       ").append(suppressed(bounds.get(0), units, suppress, minCell)).append(" AS ")
            .append(f.lowColumn())
            .append(",\n       ").append(suppressed(bounds.get(1), units, suppress, minCell)).append(" AS ")
            .append(f.highColumn());
      }
    }
    StringBuilder flags = new StringBuilder();
    for (MetricFigure.Group g : MetricFigure.Group.values()) {
      flags.append(flags.isEmpty() ? "" : ", ")
          .append("CASE WHEN %s < %d THEN '%s' END".formatted(g.unitsColumn(), minCell, g.label()));
    }
    Sql.exec(db, """
        CREATE TEMP TABLE metrics AS
        WITH joined AS (
          SELECT coalesce(t.dimension, s.dimension) AS dimension, coalesce(t.name, s.name) AS name,
                 coalesce(t.seg, s.seg) AS seg,
                 coalesce(t.customers, 0) AS customers, coalesce(t.journeys, 0) AS journeys,
                 coalesce(t.touches, 0) AS touches, coalesce(t.conversions, 0) AS conversions,
                 t.all_journeys - coalesce(t.journeys, 0) AS journeys_without,
                 t.all_conversions - coalesce(t.conversions, 0) AS conversions_without,
                 coalesce(t.next_conversions, 0) AS next_conversions,
                 coalesce(t.conversions_within_window, 0) AS conversions_within_window,
                 t.median_hours_to_conversion, t.revenue, coalesce(t.exits, 0) AS exits,
                 coalesce(t.repeats, 0) AS repeats, coalesce(t.churn_customers, 0) AS churn_customers,
                 coalesce(t.churned_customers, 0) AS churned_customers, t.base_customers, t.base_churned,
                 coalesce(t.churn_last_touch_share, 0.0) AS churn_last_touch_share,
                 coalesce(t.exit_churn_journeys, 0) AS exit_churn_journeys,
                 coalesce(t.exit_churned, 0) AS exit_churned, coalesce(s.responses, 0) AS responses,
                 coalesce(s.csat_responses, 0) AS csat_responses, s.csat_mean, s.csat_sd,
                 coalesce(s.satisfied, 0) AS satisfied, coalesce(s.nps_responses, 0) AS nps_responses,
                 coalesce(s.promoters, 0) AS promoters, coalesce(s.detractors, 0) AS detractors
          FROM metric_tallies t FULL JOIN metric_satisfaction s
            ON t.dimension = s.dimension AND t.name = s.name AND t.seg = s.seg)
        SELECT dimension, name, nullif(seg, '') AS segment%s,
               list_filter([%s], x -> x IS NOT NULL) AS %s
        FROM joined""".formatted(figures, flags, MetricColumns.LOW_SAMPLE));
  }

  /** A figure's expression over the joined counts of {@link #metrics}; the job's TouchpointMetrics.finish. */
  private static String figure(MetricFigure f) {
    String rate = "ratio(conversions, journeys)";
    String without = "ratio(conversions_without, journeys_without)";
    String churnRate = "ratio(churned_customers, churn_customers)";
    String baseRate = "ratio(base_churned, base_customers)";
    return switch (f) {
      case CUSTOMERS, JOURNEYS, TOUCHES, CONVERSIONS, CONVERSIONS_WITHIN_WINDOW, MEDIAN_HOURS_TO_CONVERSION, REVENUE,
          CHURN_CUSTOMERS, CHURNED_CUSTOMERS, CHURN_LAST_TOUCH_SHARE, EXIT_CHURN_JOURNEYS, RESPONSES, CSAT_RESPONSES,
          CSAT_MEAN, NPS_RESPONSES -> f.column();
      case CONVERSION_RATE -> rate;
      case CONVERSION_RATE_WITHOUT -> without;
      case LIFT -> rate + " - " + without;
      case LIFT_RATIO -> "CASE WHEN %2$s > 0 THEN %1$s / %2$s END".formatted(rate, without);
      case NEXT_STEP_CONVERSION_RATE -> "ratio(next_conversions, touches)";
      case REVENUE_PER_JOURNEY -> "CASE WHEN journeys > 0 THEN coalesce(revenue, 0)::DOUBLE / journeys END";
      case EXIT_RATE -> "ratio(exits, journeys)";
      case REPEAT_RATE -> "ratio(repeats, journeys)";
      case TOUCHES_PER_JOURNEY -> "ratio(touches, journeys)";
      case CHURN_RATE -> churnRate;
      case CHURN_RELATIVE_RISK -> "CASE WHEN %2$s > 0 THEN %1$s / %2$s END".formatted(churnRate, baseRate);
      case EXIT_CHURN_RATE -> "ratio(exit_churned, exit_churn_journeys)";
      case SATISFIED_SHARE -> "ratio(satisfied, csat_responses)";
      case NPS -> "nps_score(promoters, detractors, nps_responses)";
    };
  }

  /** A figure's interval bounds, low then high; none for a figure without an interval. */
  private static List<String> bounds(MetricFigure f) {
    return switch (f) {
      case CONVERSION_RATE -> wilson("conversions", "journeys");
      case LIFT -> List.of("difference_low(conversions, journeys, conversions_without, journeys_without)",
          "difference_high(conversions, journeys, conversions_without, journeys_without)");
      case NEXT_STEP_CONVERSION_RATE -> wilson("next_conversions", "touches");
      case EXIT_RATE -> wilson("exits", "journeys");
      case CHURN_RATE -> wilson("churned_customers", "churn_customers");
      case EXIT_CHURN_RATE -> wilson("exit_churned", "exit_churn_journeys");
      case CSAT_MEAN -> List.of("mean_bound(csat_mean, csat_sd, csat_responses, -1)",
          "mean_bound(csat_mean, csat_sd, csat_responses, 1)");
      case SATISFIED_SHARE -> wilson("satisfied", "csat_responses");
      case NPS -> List.of("nps_bound(promoters, detractors, nps_responses, -1)",
          "nps_bound(promoters, detractors, nps_responses, 1)");
      default -> List.of();
    };
  }

  private static List<String> wilson(String successes, String trials) {
    return List.of("wilson(%s, %s, -1)".formatted(successes, trials), "wilson(%s, %s, 1)".formatted(successes, trials));
  }

  /** The figure, left empty below min_cell units when small cells are suppressed. */
  private static String suppressed(String figure, String units, boolean suppress, int minCell) {
    return suppress ? "CASE WHEN %s >= %d THEN %s END".formatted(units, minCell, figure) : figure;
  }

  /** A double literal that DuckDB reads as exactly this double (a bare 1.96 would be a DECIMAL). */
  private static String real(double x) {
    return "CAST('" + x + "' AS DOUBLE)";
  }
}
