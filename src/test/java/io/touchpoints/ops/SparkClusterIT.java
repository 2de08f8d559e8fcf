package io.touchpoints.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.cli.TouchpointsCli;
import io.touchpoints.testing.SparkTestBase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The job submitted with spark-submit to a real Spark standalone cluster (a master and two 1-core workers on
 * 127.0.0.1, see {@link StandaloneCluster}) writes the same tables as a local run; and it still does when a worker
 * dies, killed forcibly with its executor while that executor runs a task (Spark re-runs the lost tasks and
 * recomputes the lost shuffle output on the other worker). The cluster run uses 4 shuffle partitions, the local
 * reference 2, so the comparison also shows the results do not depend on the partitioning. Tagged {@code cluster}:
 * run with {@code ./mvnw verify -Pproduction}.
 */
@Tag("cluster")
class SparkClusterIT extends SparkTestBase {

  private static final String RUN_DATE = "2026-11-21";
  private static final String WORKER_MEMORY = "1g";
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(12);

  private static Path input;
  private static Path settings;
  private static Map<String, TableContents> localTables;

  /** The input, settings and the local run's tables, made once for both tests. */
  private Map<String, TableContents> localReference() {
    if (localTables == null) {
      Path dir = newTempDir("cluster-input");
      input = OpsFixtures.smallInput(dir, OpsFixtures.INPUT_ROWS);
      settings = OpsFixtures.lightSettings(dir, List.of());
      Path output = dir.resolve("local-out");
      StringWriter err = new StringWriter();
      int code = TouchpointsCli.execute(new PrintWriter(err, true), jobArgs(output).toArray(String[]::new));
      assertThat(code).as("local run: %s", err).isZero();
      localTables = TableContents.readAll(session(), output);
    }
    return localTables;
  }

  private static List<String> jobArgs(Path output) {
    return List.of("run", "--input", input.toString(), "--output", output.toString(), "--run-date", RUN_DATE,
        "--config", settings.toString());
  }

  private static List<String> submitOptions(int uiPort, List<String> more) {
    List<String> options = new ArrayList<>(List.of(
        "--executor-memory", "640m",
        "--conf", "spark.driver.host=127.0.0.1",
        // The UI's REST API shows which executor runs a task; the light settings turn the UI off by default.
        "--conf", "spark.ui.enabled=true",
        "--conf", "spark.ui.port=" + uiPort,
        "--conf", "spark.ui.showConsoleProgress=false",
        "--conf", "spark.sql.shuffle.partitions=4",
        "--conf", "spark.sql.adaptive.enabled=false"));
    options.addAll(more);
    return options;
  }

  private static void awaitSuccess(Process driver, Path log) throws InterruptedException {
    boolean finished = driver.waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(finished).as("job finished within %s; driver log:\n%s", JOB_TIMEOUT, OpsFixtures.tail(log, 40))
        .isTrue();
    assertThat(driver.exitValue()).as("spark-submit exit code; driver log:\n%s", OpsFixtures.tail(log, 60)).isZero();
  }

  @Test
  void applicationJarOnAStandaloneClusterWritesTheSameTablesAsALocalRun() throws Exception {
    Map<String, TableContents> expected = localReference();
    Path workDir = Files.createDirectories(newTempDir("cluster"));
    Path output = workDir.resolve("out");
    try (StandaloneCluster cluster = StandaloneCluster.start(workDir, 2, WORKER_MEMORY)) {
      int uiPort = StandaloneCluster.freePort();
      Process driver = cluster.submit("driver", submitOptions(uiPort, List.of()), BuiltArtifacts.appJar(),
          jobArgs(output));
      Path log = workDir.resolve("driver.log");
      awaitSuccess(driver, log);
      assertThat(Files.readString(log)).contains("tables written under " + output);
      assertThat(cluster.masterState().path("completedapps").size()).as("apps the master ran").isEqualTo(1);
    }
    TableContents.assertSame(expected, TableContents.readAll(session(), output), "cluster run vs local run");
  }

  /**
   * The slim jar with Delta's two jars given to spark-submit (what {@code --packages io.delta:delta-spark_2.12:3.3.3}
   * resolves and adds), and one worker lost mid-job.
   */
  @Test
  void losingAWorkerMidJobChangesNothing() throws Exception {
    Map<String, TableContents> expected = localReference();
    Path workDir = Files.createDirectories(newTempDir("cluster-kill"));
    Path output = workDir.resolve("out");
    String deltaJars = BuiltArtifacts.jarsOfGroup("io/delta").stream().map(Path::toString)
        .collect(Collectors.joining(","));
    try (StandaloneCluster cluster = StandaloneCluster.start(workDir, 2, WORKER_MEMORY)) {
      int uiPort = StandaloneCluster.freePort();
      Process driver = cluster.submit("driver", submitOptions(uiPort, List.of("--jars", deltaJars)),
          BuiltArtifacts.slimJar(), jobArgs(output));
      Path log = workDir.resolve("driver.log");
      // Past the first stage, so that shuffle output lives on the executors and is lost with one.
      long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
      while (!Files.readString(log).contains("[ingest]")) {
        assertThat(driver.isAlive()).as("driver ended before its first stage; log:\n%s",
            OpsFixtures.tail(log, 40)).isTrue();
        assertThat(System.nanoTime()).as("first stage done in time").isLessThan(deadline);
        Thread.sleep(500);
      }
      int killed = cluster.killWorkerRunningATask(uiPort, driver, Duration.ofMinutes(5));
      awaitSuccess(driver, log);
      assertThat(Files.readString(log)).as("the driver saw the executor go").contains("Lost executor");
      assertThat(cluster.masterState().path("aliveworkers").asInt()).as("workers left after killing worker %d",
          killed).isEqualTo(1);
    }
    TableContents.assertSame(expected, TableContents.readAll(session(), output), "cluster run with a lost worker");
  }
}
