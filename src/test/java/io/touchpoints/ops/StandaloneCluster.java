package io.touchpoints.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on 127.0.0.1 made of plain JVMs, as {@code sbin/start-master.sh} and
 * {@code start-worker.sh} would start them, with {@code spark-submit} ({@code org.apache.spark.deploy.SparkSubmit},
 * which is what the script runs) as the driver. SPARK_HOME is a folder whose {@code jars/} links the jars of a Spark
 * distribution: the Maven runtime classpath without the job's own dependencies (Delta, picocli, config), which must
 * come from the application jar. Every process is started here and stopped here, with its children (the executors a
 * worker launches), and no other; ports are free ones, state lives under {@code workDir}.
 */
final class StandaloneCluster implements AutoCloseable {

  private static final List<String> JOB_OWN_DEPENDENCIES = List.of("/io/delta/", "/info/picocli/", "/com/typesafe/");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Path workDir;
  private final Path sparkHome;
  private final List<Process> started = new ArrayList<>();
  private final List<Process> workers = new ArrayList<>();
  private int masterPort;
  private int masterUiPort;

  private StandaloneCluster(Path workDir) {
    this.workDir = workDir;
    this.sparkHome = workDir.resolve("spark-home");
  }

  /** Starts a master and {@code workers} workers of 1 core and {@code workerMemory} each, and waits for them. */
  static StandaloneCluster start(Path workDir, int workers, String workerMemory) throws IOException,
      InterruptedException {
    StandaloneCluster cluster = new StandaloneCluster(workDir);
    try {
      cluster.linkJars();
      cluster.startMaster();
      for (int i = 0; i < workers; i++) {
        cluster.startWorker(i, workerMemory);
      }
      cluster.awaitAliveWorkers(workers, Duration.ofMinutes(2));
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  Path workDir() {
    return workDir;
  }

  private void linkJars() throws IOException {
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    for (Path jar : BuiltArtifacts.runtimeClasspath()) {
      String path = jar.toString();
      if (path.endsWith(".jar") && JOB_OWN_DEPENDENCIES.stream().noneMatch(path::contains)) {
        Path link = jars.resolve(jar.getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, jar);
        }
      }
    }
  }

  /** {@code java <module options> -cp SPARK_HOME/jars/* mainClass args}, as spark-class builds it. */
  private List<String> javaCommand(String heap, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptions().split(" ")));
    command.addAll(List.of("-Xmx" + heap, "-Duser.timezone=UTC",
        "-Dlog4j2.configurationFile=" + BuiltArtifacts.projectDir().resolve("conf/log4j2.properties"),
        "-cp", sparkHome.resolve("jars") + "/*", mainClass));
    command.addAll(args);
    return command;
  }

  private Process launch(String name, List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(workDir.resolve(name + ".log").toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.12");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().remove("SPARK_CONF_DIR");
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private void startMaster() throws IOException {
    masterPort = freePort();
    masterUiPort = freePort();
    launch("master", javaCommand("256m", "org.apache.spark.deploy.master.Master",
        List.of("--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port",
            String.valueOf(masterUiPort))));
  }

  private void startWorker(int index, String memory) throws IOException {
    Path dir = Files.createDirectories(workDir.resolve("worker-" + index));
    workers.add(launch("worker-" + index, javaCommand("256m", "org.apache.spark.deploy.worker.Worker",
        List.of("--host", "127.0.0.1", "--webui-port", String.valueOf(freePort()), "--cores", "1",
            "--memory", memory, "--work-dir", dir.toString(), masterUrl()))));
  }

  /** The master's state as its web UI serves it at /json/. */
  JsonNode masterState() {
    return getJson("http://127.0.0.1:" + masterUiPort + "/json/")
        .orElseThrow(() -> new AssertionError("master UI not answering; master log:\n"
            + OpsFixtures.tail(workDir.resolve("master.log"), 30)));
  }

  private void awaitAliveWorkers(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<JsonNode> state = getJson("http://127.0.0.1:" + masterUiPort + "/json/");
      if (state.isPresent() && state.get().path("aliveworkers").asInt() >= n) {
        return;
      }
      for (Process p : started) {
        assertThat(p.isAlive()).as("cluster process %s died; logs in %s", p.pid(), workDir).isTrue();
      }
      assertThat(System.nanoTime()).as("%d workers registered within %s; master log:\n%s", n, timeout,
          OpsFixtures.tail(workDir.resolve("master.log"), 30)).isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  /**
   * Starts spark-submit in client mode against this cluster: {@code submitOptions}, then the application jar and
   * its arguments. Driver output goes to {@code workDir/<name>.log}.
   */
  Process submit(String name, List<String> submitOptions, Path applicationJar, List<String> applicationArgs)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("--master", masterUrl(), "--deploy-mode", "client",
        "--class", "io.touchpoints.cli.TouchpointsCli"));
    args.addAll(submitOptions);
    args.add(applicationJar.toString());
    args.addAll(applicationArgs);
    // spark-submit's own launcher would set the heap from --driver-memory; in client mode the driver is this JVM.
    return launch(name, javaCommand("1g", "org.apache.spark.deploy.SparkSubmit", args));
  }

  /**
   * Kills the worker whose executor runs a task of the application whose UI is on {@code driverUiPort} (the worker
   * and its executor, forcibly, as a lost machine), once one does; returns the worker's index.
   */
  int killWorkerRunningATask(int driverUiPort, Process driver, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String base = "http://127.0.0.1:" + driverUiPort + "/api/v1/applications";
    while (true) {
      assertThat(driver.isAlive()).as("driver still running before a worker was killed").isTrue();
      assertThat(System.nanoTime()).as("an executor ran a task within %s", timeout).isLessThan(deadline);
      Optional<JsonNode> apps = getJson(base);
      if (apps.isPresent() && apps.get().size() > 0) {
        String appId = apps.get().get(0).path("id").asText();
        for (JsonNode executor : getJson(base + "/" + appId + "/executors").orElse(JSON.createArrayNode())) {
          if (!executor.path("id").asText().equals("driver") && executor.path("activeTasks").asInt() > 0) {
            int worker = workerOfExecutor(executor.path("id").asText());
            if (worker >= 0) {
              Process p = workers.get(worker);
              p.descendants().forEach(ProcessHandle::destroyForcibly);
              p.destroyForcibly();
              p.waitFor(30, TimeUnit.SECONDS);
              return worker;
            }
          }
        }
      }
      Thread.sleep(200);
    }
  }

  /** The index of the worker that launched the executor with this id (its child JVM), or -1. */
  private int workerOfExecutor(String executorId) {
    for (int i = 0; i < workers.size(); i++) {
      boolean launchedIt = workers.get(i).descendants().anyMatch(child -> child.info().arguments()
          .map(a -> String.join(" ", a).contains("--executor-id " + executorId + " ")).orElse(false));
      if (launchedIt) {
        return i;
      }
    }
    return -1;
  }

  private static Optional<JsonNode> getJson(String url) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops every process started here, newest first, with its children (executors, drivers' children). */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i);
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      children.forEach(ProcessHandle::destroy);
    }
    for (Process p : started) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }
}
