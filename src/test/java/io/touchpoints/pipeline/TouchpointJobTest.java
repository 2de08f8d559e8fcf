package io.touchpoints.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoints.config.JobConfig;
import io.touchpoints.generate.GeneratorSettings;
import io.touchpoints.generate.PlantedTruth;
import io.touchpoints.generate.SyntheticLogGenerator;
import io.touchpoints.input.EventValidator;
import io.touchpoints.pipeline.InputException;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class TouchpointJobTest extends SparkTestBase {

  private static final String MIXED = String.join("\n",
      "customer_id,event_time,touchpoint,event_type,revenue,csat,nps,rated_touchpoint,event_id,anonymous_id",
      "c1,2024-01-01T10:00:00Z,email,interaction,,,,,e1,",
      "c1,2024-01-01T10:10:00Z,web_visit,,,,,,e2,",
      "c1,2024-01-01T12:00:00Z,checkout,conversion,99.50,,,,e3,",
      "c1,2024-01-01T12:00:00Z,checkout,conversion,99.50,,,,e3,",
      "c1,2024-01-02T09:00:00Z,survey,survey,,5,9,web_visit,e4,",
      ",2024-01-03T09:00:00Z,display_ad,interaction,,,,,,a9",
      "c2,2024-01-04T09:00:00Z,display_ad,interaction,,,,,,a9",
      "c2,2024-03-04T09:00:00Z,email,interaction,,,,,,",
      ",2024-01-03T09:00:00Z,email,interaction,,,,,,",
      "c3,notatime,email,interaction,,,,,,",
      "c3,2024-01-03T09:00:00Z,email,purchase?,,,,,,",
      "c3,2024-01-03T09:00:00Z,survey,survey,,7,,,,",
      "c3,2024-01-03T09:00:00Z,checkout,conversion,-5,,,,,",
      "c3,2030-01-03T09:00:00Z,email,interaction,,,,,,",
      "c3,2024-01-03T09:00:00Z,,interaction,,,,,,",
      "c3,2024-01-03T09:00:00Z,email,interaction,,,,,,,,,extra",
      "c3,,email,interaction,,,,,,") + "\n";

  private JobConfig config(Path input, Path output, String runDate) {
    Map<String, Object> options = new HashMap<>();
    options.put("input.path", input.toString());
    options.put("output.path", output.toString());
    options.put("run_date", runDate);
    return JobConfig.load(null, List.of(), options);
  }

  private Reconciliation run(JobConfig config) {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new TouchpointJob(session(), config, new StageReporter(quiet)).execute("test", EnumSet.of(PipelineStage.JOURNEYS));
  }

  private static Path write(Path dir, String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void mixedGoodAndBadRowsReconcileExactly() throws IOException {
    Path dir = newTempDir("mixed");
    Path input = write(dir, "events.csv", MIXED);
    Reconciliation counts = run(config(input, dir.resolve("out"), "2024-06-01"));

    // 17 rows: 9 with one problem each, one exact duplicate, 7 clean events in 3 journeys.
    assertThat(counts).as("reconciliation").isEqualTo(new Reconciliation(17, 7, 9, 1, 3, 3));
    DeltaTables tables = new DeltaTables(session(), dir.resolve("out").toString());
    Map<String, Long> reasons = tables.readRunDate(TableNames.QUARANTINE, null).collectAsList().stream()
        .collect(Collectors.groupingBy(r -> r.<String>getAs(EventValidator.REASON), Collectors.counting()));
    assertThat(reasons).as("quarantine by reason").isEqualTo(Map.of(
        "MISSING_CUSTOMER", 1L, "UNPARSEABLE_TIME", 1L, "UNKNOWN_EVENT_TYPE", 1L, "CSAT_OUT_OF_RANGE", 1L,
        "NEGATIVE_REVENUE", 1L, "FUTURE_TIME", 1L, "MISSING_TOUCHPOINT", 1L, "MALFORMED_RECORD", 1L,
        "MISSING_TIME", 1L));
    Dataset<Row> runs = tables.read(TableNames.RUNS);
    assertThat(runs.filter(col("status").equalTo("ok")).count()).as("ledger rows: ingest, journeys and the run")
        .isEqualTo(3);
    Row run = runs.filter(col("stage").equalTo("run").and(col("status").equalTo("ok"))).first();
    assertThat(run.<Long>getAs("rows_in")).as("run row: rows read").isEqualTo(17L);
    assertThat(run.<String>getAs("mode")).isEqualTo("full");
    assertThat(run.<scala.collection.Map<String, Object>>getAs("output_versions").contains(TableNames.JOURNEYS))
        .as("journeys version recorded").isTrue();
  }

  @Test
  void rerunningARunDateReplacesItsRowsAndOtherDatesStay() throws IOException {
    Path dir = newTempDir("rerun");
    Path input = write(dir, "events.csv", MIXED);
    Path out = dir.resolve("out");
    DeltaTables tables = new DeltaTables(session(), out.toString());

    run(config(input, out, "2024-06-01"));
    Map<String, List<Row>> first = new HashMap<>();
    for (String table : List.of(TableNames.EVENTS, TableNames.QUARANTINE, TableNames.JOURNEYS, TableNames.PATHS)) {
      first.put(table, tables.read(table).collectAsList());
    }
    assertThat(statsColumns(tables, TableNames.EVENTS)).as("events' statistics").isEqualTo("customer_id,event_time");
    assertThat(statsColumns(tables, TableNames.JOURNEYS)).isEqualTo("customer_id,start_time");
    run(config(input, out, "2024-06-01"));
    for (String table : first.keySet()) {
      assertDataFrameNoOrderEquals(session().createDataFrame(first.get(table), tables.read(table).schema()),
          tables.read(table));
    }
    run(config(input, out, "2024-06-02"));
    assertThat(tables.read(TableNames.JOURNEYS).count()).as("journeys of two run dates").isEqualTo(6);
    assertThat(tables.latestRunDate(TableNames.JOURNEYS)).contains(LocalDate.parse("2024-06-02"));
    assertThat(tables.read(TableNames.RUNS).select("run_id").distinct().count()).as("ledger keeps every run")
        .isEqualTo(3);
  }

  private String statsColumns(DeltaTables tables, String table) {
    return session().sql("SHOW TBLPROPERTIES delta.`" + tables.path(table) + "` ('"
        + DeltaTables.STATS_COLUMNS_PROPERTY + "')").first().getString(1);
  }

  @Test
  void aMissingRequiredColumnFailsBeforeAnythingIsWritten() throws IOException {
    Path dir = newTempDir("missing");
    Path input = write(dir, "events.csv", "customer_id,event_time,channel\nc1,2024-01-01T10:00:00Z,paid\n");
    Path out = dir.resolve("out");

    assertThatThrownBy(() -> run(config(input, out, "2024-06-01")))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("'touchpoint'")
        .hasMessageContaining("[customer_id, event_time, channel]");
    assertThat(Files.exists(out)).as("output folder created").isFalse();
  }

  @Test
  void generatedLogQuarantinesAndDeduplicatesExactlyWhatWasPlanted() {
    Path dir = newTempDir("generated");
    GeneratorSettings settings = GeneratorSettings.fromConfig(
        config(dir, dir, "2024-06-01").raw().getConfig("generate"), "csv", dir.resolve("log").toString(), 2)
        .withCustomers(300).withShares(0.2, 0.02, 0.03);
    PlantedTruth truth = SyntheticLogGenerator.write(session(), settings);

    JobConfig config = config(dir.resolve("log").resolve(SyntheticLogGenerator.EVENTS_DIR), dir.resolve("out"),
        settings.endDate().toString());
    Reconciliation counts = run(config);

    assertThat(counts.read()).as("rows read").isEqualTo(truth.realised().rowsWritten());
    assertThat(counts.duplicates()).as("duplicates").isEqualTo(truth.realised().duplicateRows());
    assertThat(counts.journeys()).as("journeys").isEqualTo(truth.realised().journeys());
    Map<String, Long> reasons = new DeltaTables(session(), config.outputPath())
        .readRunDate(TableNames.QUARANTINE, null).collectAsList().stream()
        .collect(Collectors.groupingBy(r -> r.<String>getAs(EventValidator.REASON), Collectors.counting()));
    Map<String, Long> planted = new HashMap<>(truth.realised().invalidRows());
    planted.values().removeIf(v -> v == 0);
    assertThat(reasons).as("quarantine by reason vs planted").isEqualTo(planted);
  }
}
