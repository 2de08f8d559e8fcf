package io.touchpoints.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code jobs/nightly.sh} as a scheduler calls it: a separate bash process running the launcher, on the first rows
 * of the sample log, with its locations set through {@code --config}. Checks the lock (a second run while one is in
 * progress exits 75 and runs nothing), that a re-run of a date leaves every table's contents unchanged, the dated
 * log, and that failures give a non-zero exit code.
 */
class NightlyJobIT extends SparkTestBase {

  private static final String RUN_DATE = "2026-11-20";
  private static final long RUN_TIMEOUT_MINUTES = 10;

  private record Paths(Path dir, Path output, Path lock, Path logs, Path settings) {}

  private static Paths setUp(Path input) {
    Path dir = newTempDir("nightly");
    Path output = dir.resolve("out");
    // The job's own lock on the output folder (tables/OutputLock).
    Path lock = output.resolve("_touchpoints/lock");
    Path logs = dir.resolve("logs");
    Path settings = OpsFixtures.lightSettings(dir, List.of(
        "input.path = " + OpsFixtures.quoted(input),
        "output.path = " + OpsFixtures.quoted(output),
        "nightly.log_dir = " + OpsFixtures.quoted(logs)));
    return new Paths(dir, output, lock, logs, settings);
  }

  /** Starts jobs/nightly.sh with stdout and stderr to {@code console}. */
  private static Process nightly(Path console, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash",
        BuiltArtifacts.projectDir().resolve("jobs/nightly.sh").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile());
    // In-process local Spark through the launcher (as on a laptop), with a modest heap: several JVMs share the box.
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("TOUCHPOINTS_JAVA_OPTS", "-Xmx1g");
    // The jar `package` just built: a test must never start a Maven build of its own in the same target/.
    pb.environment().put("TOUCHPOINTS_SKIP_BUILD", "true");
    return pb.start();
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  private static int waitFor(Process p, Path console) throws InterruptedException {
    if (!p.waitFor(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("nightly.sh did not finish in " + RUN_TIMEOUT_MINUTES + " min:\n"
          + OpsFixtures.tail(console, 40));
    }
    return p.exitValue();
  }

  @Test
  @Tag("production")
  void aConcurrentRunIsRefusedAndARerunOfTheDateLeavesTheTablesUnchanged() throws Exception {
    Paths paths = setUp(OpsFixtures.smallInput(newTempDir("nightly-input"), OpsFixtures.INPUT_ROWS));
    String[] args = {"--run-date", RUN_DATE, "--config", paths.settings().toString()};

    Path firstConsole = paths.dir().resolve("first.out");
    Process first = nightly(firstConsole, args);
    Path secondConsole = paths.dir().resolve("second.out");
    try {
      // The first run's job writes its description (with its JVM's pid, a descendant of the script) into the lock
      // file once it holds the lock.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (!(Files.exists(paths.lock()) && first.descendants().anyMatch(p -> readQuietly(paths.lock())
          .contains("pid " + p.pid())))) {
        assertThat(first.isAlive()).as("first run ended before taking the lock:\n%s",
            OpsFixtures.tail(firstConsole, 30)).isTrue();
        assertThat(System.nanoTime()).as("first run took the lock within 2 min").isLessThan(deadline);
        Thread.sleep(200);
      }
      int refused = waitFor(nightly(secondConsole, args), secondConsole);
      assertThat(first.isAlive()).as("the first run was still running while the second was refused").isTrue();
      assertThat(refused).as("exit code of a run started while another holds the lock:\n%s",
          OpsFixtures.tail(secondConsole, 20)).isEqualTo(75);
      assertThat(Files.readString(secondConsole))
          .contains("error: another run is writing to " + paths.output())
          .contains("not started: another run is writing to");
    } finally {
      waitFor(first, firstConsole);
    }
    assertThat(first.exitValue()).as("first run:\n%s", OpsFixtures.tail(firstConsole, 40)).isZero();

    Map<String, TableContents> afterFirst = TableContents.readAll(session(), paths.output());
    long versionAfterFirst = latestVersion(paths.output().resolve(TableNames.JOURNEYS));

    Path rerunConsole = paths.dir().resolve("rerun.out");
    int rerun = waitFor(nightly(rerunConsole, args), rerunConsole);
    assertThat(rerun).as("re-run:\n%s", OpsFixtures.tail(rerunConsole, 40)).isZero();
    assertThat(latestVersion(paths.output().resolve(TableNames.JOURNEYS)))
        .as("the re-run rewrote the date (a new Delta version)").isGreaterThan(versionAfterFirst);
    TableContents.assertSame(afterFirst, TableContents.readAll(session(), paths.output()),
        "tables after a re-run of " + RUN_DATE);

    long runs = session().read().format("delta").load(paths.output().resolve(TableNames.RUNS).toString())
        .select("run_id").distinct().count();
    assertThat(runs).as("runs in the ledger: the first and the re-run; the refused run ran nothing").isEqualTo(2);

    String log = Files.readString(paths.logs().resolve("nightly-" + RUN_DATE + ".log"), StandardCharsets.UTF_8);
    assertThat(log).as("dated log").contains("[journeys]").contains("not started: another run is writing to")
        .contains("run date " + RUN_DATE + " finished");
  }

  @Test
  void failuresExitNonZeroAndAreLogged() throws Exception {
    Paths paths = setUp(Path.of("/no/such/touchpoints/events.csv"));
    Path console = paths.dir().resolve("missing-input.out");
    int missing = waitFor(nightly(console, "--run-date", RUN_DATE, "--config", paths.settings().toString()), console);
    assertThat(missing).as("missing input:\n%s", OpsFixtures.tail(console, 20)).isEqualTo(2);
    String log = Files.readString(paths.logs().resolve("nightly-" + RUN_DATE + ".log"), StandardCharsets.UTF_8);
    assertThat(log).contains("input path not found: /no/such/touchpoints/events.csv")
        .contains("run date " + RUN_DATE + " FAILED with exit code 2");
    assertThat(paths.output()).as("nothing written").doesNotExist();

    Path badDate = paths.dir().resolve("bad-date.out");
    assertThat(waitFor(nightly(badDate, "--run-date", "2026-02-30"), badDate)).isEqualTo(2);
    assertThat(Files.readString(badDate)).contains("run date must be a date yyyy-MM-dd, got '2026-02-30'");

    Path badSetting = paths.dir().resolve("bad-setting.out");
    assertThat(waitFor(nightly(badSetting, "--config", paths.settings().toString(), "--conf",
        "nightly.incremental=maybe"), badSetting)).isEqualTo(2);
    assertThat(Files.readString(badSetting)).contains("nightly.incremental must be true or false, got 'maybe'");
  }

  private long latestVersion(Path table) {
    return session().sql("DESCRIBE HISTORY delta.`" + table + "`").selectExpr("max(version)").first().getLong(0);
  }
}
