package io.touchpoints.incremental;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.TouchpointJob;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.FailingReporter;
import io.touchpoints.testing.QuickRuns;
import io.touchpoints.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kill -9 in the middle of an incremental run: the job runs as a child JVM ({@code TouchpointsCli run --incremental})
 * and is killed with {@link Process#destroyForcibly()} at chosen points (right after the journeys MERGE commits,
 * before the events MERGE; and right after the metrics table commits, mid-pipeline). Each time every table must read
 * at a committed version; the next writing run must undo the killed run first (every table as before it), and a
 * re-run of the night must leave every table equal to an uninterrupted run's.
 */
@Tag("production")
class KilledRunTest extends SparkTestBase {

  private static final String HEADER = "customer_id,event_time,touchpoint,event_type,revenue,event_id,anonymous_id\n";
  private static final String NIGHT_1 = HEADER
      + "c1,2024-03-01T09:00:00Z,email,interaction,,,\n"
      + ",2024-03-01T10:00:00Z,display_ad,interaction,,,a1\n"
      + "c2,2024-03-01T11:00:00Z,paid_search,interaction,,,\n"
      + "c2,2024-03-01T11:30:00Z,checkout,conversion,12.5,,\n";
  private static final String NIGHT_2 = HEADER
      + "c1,2024-03-02T09:00:00Z,web_visit,interaction,,,\n"
      + "c1,2024-03-02T09:05:00Z,checkout,conversion,40,,\n"
      + "c3,2024-03-02T10:00:00Z,social,interaction,,,a1\n"
      + "c2,2024-03-01T11:10:00Z,email,interaction,,,\n"
      + "c4,2024-03-02T12:00:00Z,chatbot,interaction,,,\n";
  private static final List<String> SETTINGS = List.of("attribution.bootstrap_replicates=2",
      "attribution.markov_orders=[1]");

  private static JobConfig config(Path input, Path output, String runDate) {
    Map<String, Object> options = new HashMap<>();
    options.put("input.path", input.toString());
    options.put("output.path", output.toString());
    options.put("run_date", runDate);
    options.put("incremental", true);
    return JobConfig.load(null, SETTINGS, options);
  }

  private void runHere(Path input, Path output, String runDate) {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    new TouchpointJob(session(), config(input, output, runDate), new StageReporter(quiet))
        .execute("test", QuickRuns.withoutCausalStages());
  }

  /** Every table but the ledger, as sorted JSON lines (doubles to 9 places). */
  private Map<String, List<String>> contents(Path out) {
    DeltaTables tables = new DeltaTables(session(), out.toString());
    Map<String, List<String>> all = new HashMap<>();
    for (String table : TableNames.ALL) {
      if (!table.equals(TableNames.RUNS) && tables.exists(table)) {
        Dataset<Row> d = tables.read(table);
        List<Column> cols = new ArrayList<>();
        for (StructField f : d.schema().fields()) {
          cols.add(f.dataType().equals(DataTypes.DoubleType) ? round(col(f.name()), 9).as(f.name()) : col(f.name()));
        }
        List<String> rows = new ArrayList<>(d.select(cols.toArray(Column[]::new)).toJSON().collectAsList());
        rows.sort(null);
        all.put(table, rows);
      }
    }
    return all;
  }

  /** The child JVM: this test JVM's classpath and JVM options (Spark's --add-opens, UTC), the job's main class. */
  private static Process startChild(Path input, Path output, String runDate, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("-D")) {
        command.add(arg);
      }
    }
    command.add("-Xmx1g");
    command.add("-cp");
    command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add("io.touchpoints.cli.TouchpointsCli");
    command.addAll(List.of("run", "--incremental", "--input", input.toString(), "--output", output.toString(),
        "--run-date", runDate, "--master", "local[2]", "--conf", "spark.sql.shuffle.partitions=2",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.ui.showConsoleProgress=false", "--conf",
        QuickRuns.SKIP_CAUSAL_STAGES));
    for (String s : SETTINGS) {
      command.add("--conf");
      command.add(s);
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  private static long commits(Path output, String table) {
    File[] files = output.resolve(table).resolve("_delta_log").toFile()
        .listFiles((d, name) -> name.endsWith(".json"));
    return files == null ? 0 : files.length;
  }

  /**
   * Starts one child per kill point, all at once (each on its own copy of the tables), and kills each once its
   * condition holds (polled every 10 ms). Returns the kill points whose child was killed, not ended first.
   */
  private static Set<String> runAndKill(Path input, Map<String, Path> outputs, String runDate, Map<String, Path> logs,
      Map<String, Predicate<Path>> killWhen) throws IOException, InterruptedException {
    Map<String, Process> children = new HashMap<>();
    for (Map.Entry<String, Path> out : outputs.entrySet()) {
      children.put(out.getKey(), startChild(input, out.getValue(), runDate, logs.get(out.getKey())));
    }
    Set<String> killed = new HashSet<>();
    // Only a safety bound: a loaded machine can take minutes to get there.
    Instant deadline = Instant.now().plus(Duration.ofMinutes(20));
    while (children.values().stream().anyMatch(Process::isAlive) && Instant.now().isBefore(deadline)) {
      for (Map.Entry<String, Process> child : children.entrySet()) {
        String point = child.getKey();
        if (child.getValue().isAlive() && killWhen.get(point).test(outputs.get(point))) {
          child.getValue().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
          killed.add(point);
        }
      }
      Thread.sleep(10);
    }
    for (Process child : children.values()) {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    return killed;
  }

  @Test
  void aRunKilledAtAnyPointLeavesReadableTablesAndTheRerunEqualsAnUninterruptedRun() throws Exception {
    Path dir = newTempDir("killed");
    Path night1 = dir.resolve("night-1.csv");
    Path night2 = dir.resolve("night-2.csv");
    Files.writeString(night1, NIGHT_1, StandardCharsets.UTF_8);
    Files.writeString(night2, NIGHT_2, StandardCharsets.UTF_8);

    // Night 1 once; each scenario starts from a copy (Delta tables are plain folders with relative paths).
    Path base = dir.resolve("base");
    runHere(night1, base, "2024-03-01");
    Map<String, List<String>> before = contents(base);

    Map<String, Predicate<Path>> killPoints = Map.of(
        "journeys merged, events not yet", out -> commits(out, TableNames.JOURNEYS) > commitsBefore(out,
            TableNames.JOURNEYS),
        "metrics written, attribution not yet", out -> commits(out, TableNames.TOUCHPOINT_METRICS)
            > commitsBefore(out, TableNames.TOUCHPOINT_METRICS));
    Map<String, Path> outputs = new HashMap<>();
    Map<String, Path> logs = new HashMap<>();
    for (String point : killPoints.keySet()) {
      Path out = copy(base, dir.resolve("killed-" + Math.abs(point.hashCode())));
      for (String table : TableNames.ALL) {
        BEFORE.put(out + "/" + table, commits(out, table));
      }
      outputs.put(point, out);
      logs.put(point, dir.resolve("child-" + Math.abs(point.hashCode()) + ".log"));
    }
    // The children run side by side, and beside the uninterrupted reference run here: the test waits for the
    // slowest, not for each in turn.
    CompletableFuture<Set<String>> kills = CompletableFuture.supplyAsync(() -> {
      try {
        return runAndKill(night2, outputs, "2024-03-02", logs, killPoints);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
    Path reference = copy(base, dir.resolve("reference"));
    runHere(night2, reference, "2024-03-02");
    Map<String, List<String>> expected = contents(reference);
    Set<String> killed = kills.get();
    for (Map.Entry<String, Predicate<Path>> point : killPoints.entrySet()) {
      Path out = outputs.get(point.getKey());
      assertThat(killed).as("killed at " + point.getKey() + " (child log " + logs.get(point.getKey()) + ")")
          .contains(point.getKey());

      // Every table reads at a committed version: the night's or the one before.
      Map<String, List<String>> afterKill = contents(out);
      assertThat(afterKill.keySet()).as("tables after the kill at " + point.getKey())
          .containsAll(before.keySet());
      if (point.getKey().startsWith("journeys")) {
        assertThat(afterKill.get(TableNames.EVENTS)).as("events untouched before their MERGE")
            .isEqualTo(before.get(TableNames.EVENTS));
      }

      // The next writing run first undoes the killed one and says so; this one then fails after its first write
      // and undoes itself too, so the tables must be exactly those before the killed run.
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      assertThatThrownBy(() -> new TouchpointJob(session(), config(night2, out, "2024-03-02"),
          FailingReporter.after("ingest", printed)).execute("test", QuickRuns.withoutCausalStages()))
          .hasMessageContaining("injected failure");
      assertThat(printed.toString(StandardCharsets.UTF_8)).as("the killed run is named as undone")
          .contains("did not finish (killed?): undone before this run");
      assertThat(contents(out)).as("tables after undoing the kill at " + point.getKey()).isEqualTo(before);

      runHere(night2, out, "2024-03-02");
      assertThat(contents(out)).as("re-run after the kill at " + point.getKey()).isEqualTo(expected);
    }
  }

  private static final Map<String, Long> BEFORE = new HashMap<>();

  private static Path copy(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  private static long commitsBefore(Path out, String table) {
    return BEFORE.getOrDefault(out + "/" + table, 0L);
  }
}
