package io.touchpoints.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark harness behind {@code jobs/bench.sh}. For each size it generates Parquet events once (cached under
 * {@code bench-results/data/}), runs the job's commands as separate {@code jobs/touchpoints} processes, as a user
 * would, several times, and the DuckDB peer ({@link DuckDbPeer}) the same number of times on the same files; checks
 * that both give the same journeys, paths and touchpoint metrics ({@link PeerComparison}); times the first-order
 * Markov attribution of the 10,000-path file and checks it against {@link FirstOrderMarkov}; and writes
 * {@code results.json}, {@code results.csv} and the generated part of {@code docs/benchmarks.md}
 * ({@link BenchmarkReport}).
 *
 * <p>Per stage it records the stage's own time from the runs ledger (what the job spent in the stage) and the wall
 * time of its command (JVM and Spark start-up included), and the command's peak resident memory (VmHWM).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark the touchpoints job against a DuckDB peer (see docs/benchmarks.md).")
public final class BenchmarkHarness implements Callable<Integer> {

  /** Events per generated customer over 365 days (sample-data: 21,362 rows for 2,000 customers). */
  static final double EVENTS_PER_CUSTOMER = 10.68;

  /** The job's stages in pipeline order: command, ledger stages it records. */
  static final List<StageCommand> STAGES = List.of(
      new StageCommand("journeys", List.of("ingest", "journeys")),
      new StageCommand("metrics", List.of("metrics")),
      new StageCommand("attribute", List.of("attribution")),
      new StageCommand("train", List.of("model", "train")),
      new StageCommand("predict", List.of("predict")),
      new StageCommand("effects", List.of("effects")),
      new StageCommand("recommend", List.of("recommend")));

  /** A command of the job and the ledger stage names it writes. */
  record StageCommand(String command, List<String> ledgerStages) {}

  @Option(names = "--events", split = ",", paramLabel = "N",
      description = "Sizes in events, e.g. 1M,10M (suffixes k, M; 100M on request). Default: 1M and 10M.")
  List<String> sizes = new ArrayList<>(List.of("1M", "10M"));

  @Option(names = "--runs", description = "Runs per stage and size (default ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(names = "--skip", split = ",", paramLabel = "PART",
      description = "Parts to leave out: peer, markov, attribute, train, predict, effects, recommend.")
  List<String> skip = new ArrayList<>();

  @Option(names = "--paths", description = "Path file for the Markov timing (default ${DEFAULT-VALUE}).")
  Path pathFile = Path.of("../shared/data/channelattribution/paths.csv");

  @Option(names = "--results", description = "Results folder (default ${DEFAULT-VALUE}).")
  Path resultsRoot = Path.of("bench-results");

  @Option(names = "--doc", description = "Markdown report to update (default ${DEFAULT-VALUE}).")
  Path doc = Path.of("docs/benchmarks.md");

  @Option(names = "--run-date", description = "Run date of every job run (default ${DEFAULT-VALUE}).")
  String runDate = "2025-01-01";

  @Option(names = "--peer-memory", description = "DuckDB memory_limit (default ${DEFAULT-VALUE}, like the job's "
      + "default heap).")
  String peerMemory = "8GB";

  @Option(names = "--event-log", negatable = true, description = "Spark event log on the first run of each size, "
      + "summarised for skew and spills (default ${DEFAULT-VALUE}).")
  boolean eventLog = true;

  @Option(names = "--keep-output", description = "Keep the job's and the peer's tables after each run.")
  boolean keepOutput;

  @Option(names = "--report-only", paramLabel = "RESULTS_DIR", description = "Measure nothing: rewrite the "
      + "report (and results.csv) from RESULTS_DIR/results.json, re-reading its Spark event logs.")
  Path reportOnly;

  @Option(names = "--java", hidden = true)
  String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private final ObjectMapper json = new ObjectMapper();
  private Path project;
  private Path runDir;
  private List<String> available;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchmarkHarness()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    project = Path.of("").toAbsolutePath();
    if (reportOnly != null) {
      return rewriteReport(reportOnly.toAbsolutePath());
    }
    if (runs < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--runs must be at least 1, got " + runs);
    }
    runDir = resultsRoot.toAbsolutePath().resolve(Instant.now().toString().replace(":", "").replaceAll("\\..*", ""));
    Files.createDirectories(runDir);
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("started_at", Instant.now().toString());
    results.put("machine", Machine.describe());
    results.put("job_java_opts", System.getenv().getOrDefault("TOUCHPOINTS_JAVA_OPTS", "-Xmx8g (launcher default)"));
    results.put("git_commit", Machine.gitCommit(project));
    results.put("runs", runs);
    results.put("command", "jobs/bench.sh " + String.join(" ", rawArgs()));
    available = availableCommands();
    results.put("available_commands", available);
    log("results in " + runDir + "; job commands available: " + available);

    List<Map<String, Object>> sizeResults = new ArrayList<>();
    results.put("sizes", sizeResults);
    for (String size : sizes) {
      long events = parseSize(size);
      sizeResults.add(benchSize(label(events), events));
      writeAll(results);
    }
    if (!skip.contains("markov")) {
      results.put("markov", benchMarkov());
    }
    results.put("finished_at", Instant.now().toString());
    writeAll(results);
    log("done: " + runDir.resolve("results.json") + " and " + doc);
    return 0;
  }

  private List<String> rawArgs() {
    String args = System.getProperty("bench.args", "");
    return args.isBlank() ? List.of() : List.of(args.trim().split("\\s+"));
  }

  @SuppressWarnings("unchecked")
  private int rewriteReport(Path dir) throws IOException {
    runDir = dir;
    Map<String, Object> results = json.readValue(dir.resolve("results.json").toFile(), Map.class);
    for (Map<String, Object> size : BenchmarkReport.list(results.get("sizes"))) {
      for (Map<String, Object> run : BenchmarkReport.list(size.get("job_runs"))) {
        Path logs = dir.resolve("spark-events").resolve(size.get("label") + "-run-" + run.get("run"));
        if (Files.isDirectory(logs)) {
          // Groups whose logs are no longer there keep their earlier summary.
          Map<String, Object> merged = new LinkedHashMap<>();
          if (run.get("event_log") != null) {
            merged.putAll(BenchmarkReport.map(run.get("event_log")));
          }
          merged.putAll(SparkEventLog.summarise(logs));
          run.put("event_log", merged);
        }
      }
    }
    writeAll(results);
    log("rewrote " + doc + " and " + dir.resolve("results.csv") + " from " + dir.resolve("results.json"));
    return 0;
  }

  private void writeAll(Map<String, Object> results) throws IOException {
    json.writerWithDefaultPrettyPrinter().writeValue(runDir.resolve("results.json").toFile(), results);
    BenchmarkReport.writeCsv(results, runDir.resolve("results.csv"));
    BenchmarkReport.updateMarkdown(results, project.resolve(doc), project.relativize(runDir).toString());
  }

  // ---- One size. ----

  private Map<String, Object> benchSize(String label, long events) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("label", label);
    out.put("target_events", events);
    long customers = Math.max(1, Math.round(events / EVENTS_PER_CUSTOMER));
    out.put("customers", customers);
    Path data = resultsRoot.toAbsolutePath().resolve("data").resolve("events-" + customers);
    out.put("data", data.toString());
    out.put("generate", ensureData(data, customers));
    long rows = countRows(data.resolve("events"));
    out.put("events", rows);
    log(label + ": " + rows + " events for " + customers + " customers in " + data);

    Path work = runDir.resolve("work").resolve(label);
    List<Map<String, Object>> jobRuns = new ArrayList<>();
    out.put("job_runs", jobRuns);
    for (int r = 1; r <= runs; r++) {
      jobRuns.add(jobRun(label, data, work.resolve("job-" + r), r, eventLog && r == 1));
    }
    if (!skip.contains("peer")) {
      List<Map<String, Object>> peerRuns = new ArrayList<>();
      out.put("peer_runs", peerRuns);
      for (int r = 1; r <= runs; r++) {
        peerRuns.add(peerRun(label, data, work.resolve("peer-" + r), r));
      }
      Path jobOut = work.resolve("job-1");
      Path peerOut = work.resolve("peer-1");
      if (Files.isDirectory(jobOut.resolve("journeys")) && Files.isDirectory(peerOut)) {
        out.put("comparison", PeerComparison.compare(jobOut, peerOut));
        log(label + ": job vs DuckDB: " + ((Map<?, ?>) out.get("comparison")).get("verdict"));
      }
    }
    if (!keepOutput) {
      for (int r = 1; r <= runs; r++) {
        deleteTree(work.resolve("job-" + r));
        deleteTree(work.resolve("peer-" + r));
      }
    }
    return out;
  }

  private Map<String, Object> ensureData(Path data, long customers) throws Exception {
    Map<String, Object> g = new LinkedHashMap<>();
    if (Files.exists(data.resolve("truth.json")) && Files.isDirectory(data.resolve("events"))) {
      g.put("cached", true);
      return g;
    }
    deleteTree(data);
    List<String> cmd = List.of("jobs/touchpoints", "generate", "--customers", Long.toString(customers), "--days",
        "365", "--seed", "42", "--format", "parquet", "--output", data.toString());
    MeasuredProcess.Outcome o = MeasuredProcess.run(cmd, project, Map.of(), data.resolveSibling(
        data.getFileName() + "-generate.log"));
    if (!o.ok()) {
      throw new IllegalStateException("generate failed (exit " + o.exitCode() + "), see " + o.log());
    }
    g.put("cached", false);
    g.put("wall_seconds", o.wallSeconds());
    g.put("peak_rss_mib", o.peakRssMib());
    return g;
  }

  private long countRows(Path events) throws Exception {
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
      return Sql.scalarLong(db, "SELECT count(*) FROM read_parquet(" + Sql.quote(events.resolve("*.parquet").toString())
          + ")");
    }
  }

  private Map<String, Object> jobRun(String label, Path data, Path out, int run, boolean withEventLog)
      throws Exception {
    deleteTree(out);
    Files.createDirectories(out);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("run", run);
    List<Map<String, Object>> commands = new ArrayList<>();
    result.put("commands", commands);
    // Kept with the results (the run's output folder is deleted after the comparison).
    Path eventLogDir = runDir.resolve("spark-events").resolve(label + "-run-" + run);
    boolean failed = false;
    for (StageCommand stage : STAGES) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("command", stage.command());
      commands.add(c);
      if (!available.contains(stage.command())) {
        c.put("status", "not available");
        continue;
      }
      if (skip.contains(stage.command())) {
        c.put("status", "skipped");
        continue;
      }
      if (failed) {
        c.put("status", "not run (an earlier stage failed)");
        continue;
      }
      List<String> cmd = new ArrayList<>(List.of("jobs/touchpoints", stage.command()));
      if (stage.command().equals("journeys")) {
        cmd.addAll(List.of("--input", data.resolve("events").toString(), "--format", "parquet"));
      }
      cmd.addAll(List.of("--output", out.toString(), "--run-date", runDate));
      if (withEventLog) {
        Files.createDirectories(eventLogDir);
        cmd.addAll(List.of("--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=file://" + eventLogDir));
      }
      String before = Machine.loadAverage();
      MeasuredProcess.Outcome o = MeasuredProcess.run(cmd, project, Map.of(),
          runDir.resolve("logs").resolve(label + "-job-" + run + "-" + stage.command() + ".log"));
      c.put("status", o.ok() ? "ok" : "failed (exit " + o.exitCode() + ")");
      c.put("wall_seconds", o.wallSeconds());
      c.put("peak_rss_mib", o.peakRssMib());
      c.put("cpu_seconds", o.cpuSeconds());
      c.put("loadavg_before", before);
      c.put("loadavg_after", Machine.loadAverage());
      c.put("log", project.relativize(o.log()).toString());
      log(label + " job run " + run + " " + stage.command() + ": " + c.get("status") + String.format(
          " in %.1f s wall, %.1f s CPU, peak RSS %.0f MiB, load %s", o.wallSeconds(), o.cpuSeconds(),
          o.peakRssMib(), before));
      failed = !o.ok();
    }
    result.put("ledger", ledger(out));
    if (withEventLog && Files.isDirectory(eventLogDir)) {
      result.put("event_log", SparkEventLog.summarise(eventLogDir));
    }
    return result;
  }

  /** Ledger rows (command, stage, status, seconds) of every run in the output folder. */
  private List<Map<String, Object>> ledger(Path out) throws Exception {
    Path runsTable = out.resolve("runs");
    if (!Files.isDirectory(runsTable)) {
      return List.of();
    }
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
      return Sql.rows(db, "SELECT command, stage, status, seconds, rows_in, rows_out, rows_quarantined, "
          + "rows_duplicate FROM " + DeltaFiles.readParquet(runsTable) + " ORDER BY started_at");
    }
  }

  private Map<String, Object> peerRun(String label, Path data, Path out, int run) throws Exception {
    deleteTree(out);
    String classpath = System.getProperty("java.class.path");
    List<String> cmd = List.of(java, "-Xmx1g", "-cp", classpath, DuckDbPeer.class.getName(),
        "--events", data.resolve("events").toString(), "--out", out.toString(), "--run-date", runDate,
        "--memory-limit", peerMemory);
    String before = Machine.loadAverage();
    MeasuredProcess.Outcome o = MeasuredProcess.run(cmd, project, Map.of(),
        runDir.resolve("logs").resolve(label + "-peer-" + run + ".log"));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("run", run);
    result.put("status", o.ok() ? "ok" : "failed (exit " + o.exitCode() + ")");
    result.put("wall_seconds", o.wallSeconds());
    result.put("peak_rss_mib", o.peakRssMib());
    result.put("cpu_seconds", o.cpuSeconds());
    result.put("loadavg_before", before);
    result.put("loadavg_after", Machine.loadAverage());
    for (String line : Files.readAllLines(o.log())) {
      if (line.startsWith("peer-result ")) {
        JsonNode node = json.readTree(line.substring("peer-result ".length()));
        result.put("peer", json.convertValue(node, Map.class));
      }
    }
    log(label + " DuckDB run " + run + ": " + result.get("status") + String.format(" in %.1f s wall, peak RSS %.0f MiB",
        o.wallSeconds(), o.peakRssMib()) + " " + result.get("peer"));
    return result;
  }

  // ---- Markov attribution of the path file. ----

  private Map<String, Object> benchMarkov() throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    Path file = pathFile.toAbsolutePath().normalize();
    out.put("file", pathFile.toString());
    if (!Files.isReadable(file)) {
      out.put("status", "not available: " + pathFile + " not found");
      return out;
    }
    List<String> cmd = List.of("jobs/touchpoints", "attribute", "--paths", file.toString(), "--sep", ";",
        "--conf", "attribution.bootstrap_replicates=0", "--conf", "attribution.markov_orders=[1]");
    out.put("command", "jobs/touchpoints attribute --paths " + pathFile + " --sep ';' --conf "
        + "attribution.bootstrap_replicates=0 --conf 'attribution.markov_orders=[1]' --output DIR --run-date " + runDate);
    List<Map<String, Object>> markovRuns = new ArrayList<>();
    out.put("runs", markovRuns);
    Path work = runDir.resolve("work").resolve("markov");
    for (int r = 1; r <= runs; r++) {
      Path o = work.resolve("run-" + r);
      deleteTree(o);
      List<String> full = new ArrayList<>(cmd);
      full.addAll(List.of("--output", o.toString(), "--run-date", runDate));
      String before = Machine.loadAverage();
      MeasuredProcess.Outcome outcome = MeasuredProcess.run(full, project, Map.of(),
          runDir.resolve("logs").resolve("markov-" + r + ".log"));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("run", r);
      m.put("status", outcome.ok() ? "ok" : "failed (exit " + outcome.exitCode() + ")");
      m.put("wall_seconds", outcome.wallSeconds());
      m.put("peak_rss_mib", outcome.peakRssMib());
      m.put("cpu_seconds", outcome.cpuSeconds());
      m.put("loadavg_before", before);
      if (outcome.ok()) {
        m.put("ledger", ledger(o));
        if (r == 1) {
          out.put("exactness", MarkovCheck.compare(file, ";", o));
        }
      }
      markovRuns.add(m);
      log(String.format("markov run %d: %s in %.1f s wall", r, m.get("status"), outcome.wallSeconds()));
      if (!keepOutput) {
        deleteTree(o);
      }
    }
    return out;
  }

  // ---- Helpers. ----

  /** The job's subcommands, from {@code jobs/touchpoints --help}. */
  private List<String> availableCommands() throws Exception {
    MeasuredProcess.Outcome o = MeasuredProcess.run(List.of("jobs/touchpoints", "--help"), project, Map.of(),
        runDir.resolve("logs").resolve("help.log"));
    List<String> names = new ArrayList<>();
    boolean inCommands = false;
    for (String line : Files.readAllLines(o.log())) {
      if (line.startsWith("Commands:")) {
        inCommands = true;
        continue;
      }
      if (inCommands && line.matches("^  [a-z][a-z-]*(\\s.*)?$")) {
        names.add(line.trim().split("\\s+")[0]);
      }
    }
    return names;
  }

  static long parseSize(String text) {
    String t = text.trim().toLowerCase();
    double factor = 1;
    if (t.endsWith("k")) {
      factor = 1e3;
    } else if (t.endsWith("m")) {
      factor = 1e6;
    } else if (t.endsWith("g") || t.endsWith("b")) {
      factor = 1e9;
    }
    String number = factor == 1 ? t : t.substring(0, t.length() - 1);
    try {
      long n = Math.round(Double.parseDouble(number.replace("_", "")) * factor);
      if (n < 1000) {
        throw new IllegalArgumentException("--events must be at least 1000, got " + text);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--events expects a number like 1M or 250k, got '" + text + "'");
    }
  }

  /** 1000000 → "1M", 250000 → "250k": the name a size has in the results and the report. */
  static String label(long events) {
    if (events % 1_000_000 == 0) {
      return events / 1_000_000 + "M";
    }
    if (events % 1_000 == 0) {
      return events / 1_000 + "k";
    }
    return Long.toString(events);
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static void log(String message) {
    System.out.println("[bench " + Instant.now().toString().substring(11, 19) + "] " + message);
  }
}
