package io.touchpoints.incremental;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoints.config.JobConfig;
import io.touchpoints.input.EventColumns;
import io.touchpoints.input.EventValidator;
import io.touchpoints.pipeline.InputException;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.Reconciliation;
import io.touchpoints.pipeline.TouchpointJob;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.QuickRuns;
import io.touchpoints.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Incremental runs against a full recompute, and re-runs against one run. Four nights of a hand-made log: journeys
 * that span nights, a conversion, a survey, a churn, an event arriving two days late into the middle of a history,
 * an event three days late, an exact duplicate of an earlier night's row, an anonymous visitor identified on a later
 * night (their earlier events move to the customer), same-night stitching, ties at one time, and bad rows.
 */
@Tag("production")
class IncrementalRunTest extends SparkTestBase {

  private static final String HEADER =
      "customer_id,event_time,touchpoint,event_type,revenue,csat,nps,rated_touchpoint,event_id,anonymous_id\n";

  /** Night files, keyed by run date. */
  private static final Map<String, String> NIGHTS = Map.of(
      "2024-03-01", HEADER
          + "c8,2024-02-01T10:00:00Z,email,interaction,,,,,,\n"       // history, taken whole by the first load
          + "c1,2024-03-01T09:00:00Z,email,interaction,,,,,,\n"
          + "c1,2024-03-01T09:10:00Z,web_visit,,,,,,,\n"
          + ",2024-03-01T11:00:00Z,display_ad,interaction,,,,,,a9\n"
          + ",2024-03-01T11:05:00Z,product_page,interaction,,,,,,a9\n"
          + "c2,2024-03-01T12:00:00Z,paid_search,interaction,,,,,,\n"
          + "c2,2024-03-01T15:00:00Z,chatbot,interaction,,,,,,\n"
          + "c4,2024-03-01T08:00:00Z,social,interaction,,,,,,\n"
          + "c4,2024-03-01T08:00:00Z,email,interaction,,,,,,\n"
          + "c5,notatime,email,interaction,,,,,,\n",
      "2024-03-02", HEADER
          + "c1,2024-03-02T10:00:00Z,checkout,conversion,50.00,,,,,\n"
          + "c1,2024-03-02T18:00:00Z,survey,survey,,4,9,,,\n"
          + "c2,2024-03-02T09:00:00Z,email,interaction,,,,,,\n"
          + "c6,2024-03-02T07:00:00Z,organic_search,interaction,,,,,,\n",
      "2024-03-03", HEADER
          + "c3,2024-03-03T10:00:00Z,web_visit,interaction,,,,,,a9\n"
          + "c3,2024-03-03T10:20:00Z,checkout,conversion,20.00,,,,,\n"
          + "c2,2024-03-01T13:00:00Z,social,interaction,,,,,,\n"
          + "c1,2024-03-02T10:00:00Z,checkout,conversion,50.00,,,,,\n"
          + "c6,2024-03-03T07:00:00Z,organic_search,churn,,,,,,\n",
      "2024-03-04", HEADER
          + "c1,2024-03-04T09:00:00Z,email,interaction,,,,,,\n"
          + "c2,2024-03-04T09:30:00Z,checkout,conversion,30.00,,,,e1,\n"
          + ",2024-03-04T10:05:00Z,web_visit,interaction,,,,,,a7\n"
          + "c7,2024-03-04T10:00:00Z,display_ad,interaction,,,,,,a7\n"
          + "c4,2024-03-01T07:00:00Z,referral,interaction,,,,,,\n"
          + "c5,2024-03-04T11:00:00Z,,interaction,,,,,,\n");

  private static final List<String> DATES = List.of("2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04");

  /** Tables whose rows of the last run date are compared (events and journeys: the whole state). */
  private static final List<String> DERIVED = List.of(TableNames.PATHS, TableNames.TOUCHPOINT_METRICS,
      TableNames.ATTRIBUTION, TableNames.TRANSITIONS, TableNames.REMOVAL_EFFECTS);

  private static Path writeNights(Path dir) throws IOException {
    Path input = dir.resolve("input");
    Files.createDirectories(input);
    for (Map.Entry<String, String> night : NIGHTS.entrySet()) {
      Files.writeString(input.resolve("night-" + night.getKey() + ".csv"), night.getValue(), StandardCharsets.UTF_8);
    }
    return input;
  }

  private static JobConfig config(Path input, Path output, String runDate, boolean incremental) {
    Map<String, Object> options = new HashMap<>();
    options.put("input.path", input.toString());
    options.put("output.path", output.toString());
    options.put("run_date", runDate);
    options.put("incremental", incremental);
    return JobConfig.load(null, List.of("attribution.bootstrap_replicates=2", "attribution.markov_orders=[1,2]"),
        options);
  }

  private Reconciliation run(JobConfig config, Set<PipelineStage> stages) {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new TouchpointJob(session(), config, new StageReporter(quiet)).execute("test", stages);
  }

  private static Path night(Path input, String date) {
    return input.resolve("night-" + date + ".csv");
  }

  /** Rows as sorted JSON lines, doubles rounded to 9 places (sums over other partitionings differ in the last bit). */
  private static List<String> rows(Dataset<Row> df, String... drop) {
    Dataset<Row> d = df.drop(drop);
    List<Column> cols = new ArrayList<>();
    for (StructField f : d.schema().fields()) {
      cols.add(f.dataType().equals(DataTypes.DoubleType) ? round(col(f.name()), 9).as(f.name()) : col(f.name()));
    }
    List<String> json = new ArrayList<>(d.select(cols.toArray(Column[]::new)).toJSON().collectAsList());
    json.sort(null);
    return json;
  }

  @Test
  void incrementalNightsEqualAFullRecomputeAndReRunsChangeNothing() throws IOException {
    Path dir = newTempDir("incremental");
    Path input = writeNights(dir);
    Path inc = dir.resolve("incremental-out");
    Path full = dir.resolve("full-out");
    String last = DATES.get(DATES.size() - 1);

    List<Reconciliation> nights = new ArrayList<>();
    for (String date : DATES) {
      nights.add(run(config(night(input, date), inc, date, true), date.equals(last)
          ? QuickRuns.withoutCausalStages() : EnumSet.of(PipelineStage.JOURNEYS)));
    }
    run(config(input, full, last, false), QuickRuns.withoutCausalStages());

    DeltaTables incTables = new DeltaTables(session(), inc.toString());
    DeltaTables fullTables = new DeltaTables(session(), full.toString());
    assertThat(incTables.layout(TableNames.EVENTS)).isEqualTo(DeltaTables.Layout.CURRENT);
    assertThat(session().sql("SHOW TBLPROPERTIES delta.`" + incTables.path(TableNames.EVENTS) + "` ('"
        + DeltaTables.STATS_COLUMNS_PROPERTY + "')").first().getString(1)).as("statistics of the current layout")
        .isEqualTo("customer_id,event_time");
    assertThat(fullTables.layout(TableNames.EVENTS)).isEqualTo(DeltaTables.Layout.SNAPSHOT);
    // input_order holds the row id of the read that took the row in: its order within a file is what counts.
    assertThat(rows(incTables.read(TableNames.EVENTS), TableNames.RUN_DATE, EventColumns.INPUT_ORDER))
        .as("events").isEqualTo(rows(fullTables.read(TableNames.EVENTS), TableNames.RUN_DATE,
            EventColumns.INPUT_ORDER));
    assertThat(rows(incTables.read(TableNames.JOURNEYS), TableNames.RUN_DATE))
        .as("journeys").isEqualTo(rows(fullTables.read(TableNames.JOURNEYS), TableNames.RUN_DATE));
    assertThat(rows(incTables.read(TableNames.QUARANTINE), TableNames.RUN_DATE))
        .as("quarantine of all nights").isEqualTo(rows(fullTables.read(TableNames.QUARANTINE), TableNames.RUN_DATE));
    for (String table : DERIVED) {
      assertThat(rows(incTables.readRunDate(table, java.time.LocalDate.parse(last))))
          .as(table).isNotEmpty().isEqualTo(rows(fullTables.readRunDate(table, java.time.LocalDate.parse(last))));
    }

    // The anonymous visitor's first-night events moved to c3 on the third night.
    assertThat(rows(incTables.read(TableNames.JOURNEYS).filter(col("customer_id").equalTo("c3"))
        .select("journey_id", "path"))).containsExactly("{\"journey_id\":\"c3:1\",\"path\":\"display_ad > "
            + "product_page > web_visit\"}");
    assertThat(incTables.read(TableNames.JOURNEYS).filter(col("customer_id").equalTo("anon:a9")).count())
        .as("journeys left under the anonymous id").isZero();
    // Night 3: 5 rows, one an exact duplicate of night 2's conversion; night 4: 2 quarantined... counted.
    assertThat(nights.get(2)).as("night 3").isEqualTo(new Reconciliation(5, 4, 0, 1,
        nights.get(2).journeys(), nights.get(2).paths()));
    assertThat(nights.get(3).quarantined()).as("night 4 quarantined").isEqualTo(1);

    // Re-running the last date leaves every table (but the ledger) as one run left it, in both modes.
    Set<PipelineStage> all = QuickRuns.withoutCausalStages();
    Map<String, List<String>> onceFull = snapshot(full);
    run(config(input, full, last, false), all);
    assertThat(snapshot(full)).as("full mode, date run twice").isEqualTo(onceFull);
    Map<String, List<String>> onceInc = snapshot(inc);
    Reconciliation again = run(config(night(input, last), inc, last, true), all);
    assertThat(snapshot(inc)).as("incremental mode, date run twice").isEqualTo(onceInc);
    assertThat(again.kept()).as("new events on the re-run").isZero();
    assertThat(incTables.read(TableNames.RUNS).filter(col("stage").equalTo("run").and(col("status").equalTo("ok")))
        .count()).as("the ledger keeps one ok row per run: four nights and the re-run").isEqualTo(5);

    // A fifth night with an event older than run date - late_days (3): quarantined as TOO_LATE, not stored.
    Path fifth = dir.resolve("night-2024-03-05.csv");
    Files.writeString(fifth, HEADER + "c1,2024-03-01T23:59:59Z,email,interaction,,,,,,\n"
        + "c1,2024-03-02T00:00:00Z,web_visit,interaction,,,,,,\n", StandardCharsets.UTF_8);
    Reconciliation counts = run(config(fifth, inc, "2024-03-05", true),
        EnumSet.of(PipelineStage.JOURNEYS));
    assertThat(counts.quarantined()).as("too late").isEqualTo(1);
    assertThat(counts.kept()).as("three days late, on time").isEqualTo(1);
    assertThat(rows(incTables.readRunDate(TableNames.QUARANTINE, java.time.LocalDate.parse("2024-03-05"))
        .select(EventValidator.REASON))).containsExactly("{\"reason\":\"TOO_LATE\"}");

    // A full run on the incremental folder rebuilds the whole current state from its input (the four nights).
    run(config(input, inc, "2024-03-06", false), EnumSet.of(PipelineStage.JOURNEYS));
    assertThat(incTables.layout(TableNames.JOURNEYS)).as("layout after a full rebuild")
        .isEqualTo(DeltaTables.Layout.CURRENT);
    assertThat(rows(incTables.read(TableNames.JOURNEYS), TableNames.RUN_DATE)).as("journeys after a full rebuild")
        .isEqualTo(rows(fullTables.read(TableNames.JOURNEYS), TableNames.RUN_DATE));
  }

  @Test
  void incrementalRunsRefuseAnOutputOfFullRunSnapshots() throws IOException {
    Path dir = newTempDir("layout");
    Path input = writeNights(dir);
    Path out = dir.resolve("out");
    run(config(night(input, "2024-03-01"), out, "2024-03-01", false), EnumSet.of(PipelineStage.JOURNEYS));
    long version = new DeltaTables(session(), out.toString()).version(TableNames.EVENTS);
    assertThatThrownBy(() -> run(config(night(input, "2024-03-02"), out, "2024-03-02", true),
        EnumSet.of(PipelineStage.JOURNEYS)))
        .isInstanceOf(InputException.class).hasMessageContaining("full runs");
    assertThat(new DeltaTables(session(), out.toString()).version(TableNames.EVENTS)).as("nothing written")
        .isEqualTo(version);
  }

  /**
   * Every table but the append-only ledger, whole; a table the run did not write (the model's, when the nights
   * are too small to learn from) as absent, so that a re-run must leave it absent too.
   */
  private Map<String, List<String>> snapshot(Path out) {
    DeltaTables tables = new DeltaTables(session(), out.toString());
    Map<String, List<String>> all = new HashMap<>();
    for (String table : TableNames.ALL) {
      if (!table.equals(TableNames.RUNS)) {
        all.put(table, tables.exists(table) ? rows(tables.read(table)) : List.of("(absent)"));
      }
    }
    return all;
  }
}
