package io.touchpoints.ops;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoints.cli.TouchpointsCli;
import io.touchpoints.config.JobConfig;
import io.touchpoints.model.ModelStore;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.RunFailedException;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.TouchpointJob;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.OutputLock;
import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.FailingReporter;
import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A run is one unit: a run that fails in any stage after it has written leaves every table, the saved model and its
 * {@code latest} pointer as they were before it, records a {@code failed} run naming the stage, and exits 1; bad
 * settings and missing files are found before anything is written (exit 2); a second writer is refused (exit 75).
 * Failures are injected after each stage has committed (its progress line), through the reporter: mid-journeys in
 * the normal suite, after every stage of whole runs under -Pproduction.
 */
class FailedRunTest extends SparkTestBase {

  private static final String HEADER = "customer_id,event_time,touchpoint,event_type,revenue,event_id,anonymous_id\n";
  private static final String FIRST = HEADER
      + "c1,2024-03-01T09:00:00Z,email,interaction,,,\n"
      + "c1,2024-03-01T09:10:00Z,web_visit,interaction,,,\n"
      + "c1,2024-03-01T09:20:00Z,checkout,conversion,30,,\n"
      + "c2,2024-03-01T11:00:00Z,paid_search,interaction,,,\n"
      + "c2,2024-03-01T11:30:00Z,web_visit,interaction,,,\n"
      + "c3,2024-03-02T10:00:00Z,social,interaction,,,\n"
      + "c3,2024-03-02T10:05:00Z,email,interaction,,,\n"
      + "c3,2024-03-02T10:09:00Z,checkout,conversion,12,,\n"
      + "c4,2024-03-03T08:00:00Z,email,interaction,,,\n"
      + "c4,2024-03-03T08:01:00Z,web_visit,interaction,,,\n"
      + "bad-row,not a time,email,interaction,,,\n";
  /** A second night of the same run date with other rows: any table it wrote and kept would differ. */
  private static final String SECOND = FIRST.replace("c4,", "c5,").replace("web_visit", "chatbot")
      + "c6,2024-03-03T09:00:00Z,paid_search,interaction,,,\n";
  private static final List<String> SETTINGS = List.of("attribution.bootstrap_replicates=2",
      "attribution.markov_orders=[1]", "model.max_iter=5", "model.markov_order=1",
      // A horizon these three days can close and no minimum group, so that the causal stages write rows.
      "effects.horizon=12h", "effects.min_group=1");

  private static JobConfig config(Path input, Path output) {
    Map<String, Object> options = new HashMap<>();
    options.put("input.path", input.toString());
    options.put("output.path", output.toString());
    options.put("run_date", "2024-03-04");
    return JobConfig.load(null, SETTINGS, options);
  }

  private static StageReporter failingAt(String stage) {
    return FailingReporter.after(stage, OutputStream.nullOutputStream());
  }

  /** The files a run writes outside Delta: the saved models with their latest pointer, and the report. */
  private static Map<String, byte[]> nonDeltaFiles(Path output) throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    for (Path folder : List.of(output.resolve(ModelStore.FOLDER), output.resolve("report"))) {
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> all = Files.walk(folder)) {
        for (Path p : all.filter(Files::isRegularFile).filter(q -> !q.getFileName().toString().startsWith("."))
            .toList()) {
          files.put(output.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    }
    return files;
  }

  /**
   * Mid-journeys (quarantine written, events not yet), on runs of journeys and metrics: the mixed state users saw.
   * Failures after every other stage are the production matrix below.
   */
  @Test
  void aRunThatFailsMidJourneysLeavesEveryTableAsBefore() throws IOException {
    failEachRunAfter(EnumSet.of(PipelineStage.JOURNEYS, PipelineStage.METRICS), List.of("ingest"));
  }

  /** After each stage's commit in whole runs: every table, the saved model, its latest pointer and the report. */
  @Test
  @Tag("production")
  void aRunThatFailsAfterAnyStageWroteLeavesEveryTableAndTheModelAsBefore() throws IOException {
    failEachRunAfter(EnumSet.allOf(PipelineStage.class),
        List.of("ingest", "journeys", "metrics", "attribution", "model", "predict", "effects", "recommend", "report"));
  }

  private void failEachRunAfter(Set<PipelineStage> stagesRun, List<String> stages) throws IOException {
    Path dir = newTempDir("failed-run");
    Path first = Files.writeString(dir.resolve("first.csv"), FIRST);
    Path second = Files.writeString(dir.resolve("second.csv"), SECOND);
    Path output = dir.resolve("out");
    new TouchpointJob(session(), config(first, output), failingAt("none")).execute("test", stagesRun);
    Map<String, TableContents> before = TableContents.readAll(session(), output);
    Map<String, byte[]> filesBefore = nonDeltaFiles(output);
    assertThat(before).containsKeys(TableNames.QUARANTINE, TableNames.EVENTS, TableNames.TOUCHPOINT_METRICS);

    for (String stage : stages) {
      TouchpointJob job = new TouchpointJob(session(), config(second, output), failingAt(stage));
      assertThatThrownBy(() -> job.execute("test", stagesRun))
          .as("failure after %s", stage).isInstanceOf(RunFailedException.class)
          .hasMessageContaining("injected failure after " + stage);
      TableContents.assertSame(before, TableContents.readAll(session(), output), "after a failure in " + stage);
      assertThat(nonDeltaFiles(output)).as("model and report files after a failure in %s", stage)
          .containsOnlyKeys(filesBefore.keySet())
          .allSatisfy((file, bytes) -> assertThat(bytes).as(file).isEqualTo(filesBefore.get(file)));
      Row run = new DeltaTables(session(), output.toString()).read(TableNames.RUNS)
          .filter(col("stage").equalTo("run").and(col("status").notEqual("started")))
          .orderBy(col("started_at").desc()).first();
      assertThat(run.<String>getAs("status")).isEqualTo("failed");
      assertThat(run.<String>getAs("message")).contains("injected failure after " + stage).contains("restored");
    }
    assertThat(output.resolve("_touchpoints/runs")).as("no journal left behind").isEmptyDirectory();
  }

  @Test
  void problemsFoundBeforeTheFirstWriteExitTwoAndWriteNothing() throws IOException {
    Path dir = newTempDir("preflight");
    Path input = Files.writeString(dir.resolve("e.csv"), FIRST);
    String out = dir.resolve("out").toString();
    Map<String, String[]> cases = Map.of(
        "metrics.confidence", new String[] {"run", "--input", input.toString(), "--output", out,
            "--conf", "metrics.confidnce=0.9"},
        "metrics.confidence must be between", new String[] {"run", "--input", input.toString(), "--output", out,
            "--conf", "metrics.confidence=2"},
        "holdout file not found", new String[] {"train", "--input", input.toString(), "--output", out,
            "--holdout", dir.resolve("missing.txt").toString()},
        "no trained model", new String[] {"predict", "--input", input.toString(), "--output", out});
    cases.forEach((message, args) -> {
      StringWriter err = new StringWriter();
      int code = TouchpointsCli.execute(new PrintWriter(err, true), args);
      assertThat(code).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString()).as(String.join(" ", args)).startsWith("error: ").contains(message);
      assertThat(Files.exists(Path.of(out))).as("output written by %s", String.join(" ", args)).isFalse();
    });
    StringWriter typo = new StringWriter();
    TouchpointsCli.execute(new PrintWriter(typo, true), "run", "--conf", "metrics.confidnce=0.9");
    assertThat(typo.toString()).contains("did you mean 'metrics.confidence'");
  }

  @Test
  void aSecondWriterIsRefusedWithExitCode75() throws IOException {
    Path dir = newTempDir("locked");
    Path input = Files.writeString(dir.resolve("e.csv"), FIRST);
    Path out = dir.resolve("out");
    try (OutputLock held = OutputLock.acquire(out.toString(), "a test")) {
      StringWriter err = new StringWriter();
      int code = TouchpointsCli.execute(new PrintWriter(err, true), "journeys", "--input", input.toString(),
          "--output", out.toString());
      assertThat(code).isEqualTo(75);
      assertThat(err.toString()).startsWith("error: another run is writing to " + out).contains("a test");
    }
  }

  @Test
  void parserErrorsPrintOneErrorLineAndAHint() {
    StringWriter err = new StringWriter();
    assertThat(TouchpointsCli.execute(new PrintWriter(err, true), "rnu")).isEqualTo(2);
    assertThat(err.toString()).startsWith("error: ").contains("'rnu'").contains("hint: see `touchpoints --help`");
    StringWriter twice = new StringWriter();
    assertThat(TouchpointsCli.execute(new PrintWriter(twice, true), "journeys", "--output", "a", "--output", "b"))
        .isEqualTo(2);
    assertThat(twice.toString()).startsWith("error: ").contains("--output");
  }
}
