package io.touchpoints.report;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.effects.EffectColumns;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.SparkTestBase;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code touchpoints report} on a real (small, generated) run: what the page shows agrees with the tables. */
class ReportCommandTest extends SparkTestBase {

  @Test
  void aWholeRunPrintsNoSparkDeltaOrMllibWarnings() {
    // Noise a user cannot act on is silenced logger by logger in conf/log4j2.properties; what remains would be news.
    // Tests run commands in-process on one shared session, which Spark notes on each command; a user's JVM has one.
    assertThat(ReportFixture.runWarnings().stream().filter(line -> !line.contains("Using an existing Spark")))
        .as("WARN/ERROR lines of Spark, Delta, Hadoop and MLlib").isEmpty();
  }

  @Test
  void aRunWritesTheReportAsItsLastStage() {
    Path out = ReportFixture.output();
    List<Row> stages = new DeltaTables(session(), out.toString()).read(TableNames.RUNS)
        .filter(col("command").equalTo("run").and(col("stage").notEqual("run"))).orderBy(col("started_at"))
        .collectAsList();
    // ingest is a part of the journeys stage, so it starts after it.
    assertThat(stages).extracting(r -> r.<String>getAs("stage")).as("stages of the run, in order")
        .containsExactly("journeys", "ingest", "metrics", "attribution", "model", "predict", "report");
    assertThat(stages.get(stages.size() - 1).<String>getAs("status")).isEqualTo("ok");
    assertThat(out.resolve("report/index.html")).as("the run's report").exists();
  }

  @Test
  void reportShowsEverySectionWithFiguresFromTheTables() throws IOException {
    Path out = ReportFixture.output();
    ReportFixture.cli("report", "--output", out.toString());
    Path file = out.resolve("report/index.html");
    assertThat(file).as("default report file").exists();
    String html = Files.readString(file, StandardCharsets.UTF_8);

    DeltaTables tables = new DeltaTables(session(), out.toString());
    LocalDate date = LocalDate.parse("2026-01-31");
    long journeys = tables.readRunDate(TableNames.JOURNEYS, date).count();
    long quarantined = tables.readRunDate(TableNames.QUARANTINE, date).count();
    long touchpoints = tables.readRunDate(TableNames.TOUCHPOINT_METRICS, date)
        .filter(col("dimension").equalTo("touchpoint").and(col("segment").isNull())).count();

    assertThat(html).as("run date in the title").contains("run date 2026-01-31");
    assertThat(html).as("journeys KPI").contains("<b>" + String.format(Locale.ROOT, "%,d", journeys)
        + "</b>journeys");
    assertThat(html).as("quarantine KPI").contains("<b>" + String.format(Locale.ROOT, "%,d", quarantined)
        + "</b>quarantined rows");
    assertThat(count(html, "<svg ")).as("charts drawn").isEqualTo(expectedCharts(tables, date));
    assertThat(html).as("model section").doesNotContain(ReportHtml.NO_MODEL).contains("logistic_regression")
        .contains("markov_1");
    // The sections of the effects and recommend stages are there exactly when the run wrote their tables.
    assertThat(html.contains(">" + ReportHtml.EFFECTS + "</h2>")).as("causal effects section")
        .isEqualTo(hasRows(tables, TableNames.TOUCHPOINT_EFFECTS, date));
    assertThat(html.contains(">" + ReportHtml.NEXT_BEST + "</h2>")).as("next best touchpoint section")
        .isEqualTo(hasRows(tables, TableNames.UPLIFT_METRICS, date));
    // One bar per touchpoint in each scorecard chart's rows (the table has a row per touchpoint too).
    assertThat(count(html, "<tr><td>")).as("table rows: stages + scorecard + top paths")
        .isGreaterThanOrEqualTo((int) touchpoints + 4);
    assertThat(html).as("self-contained: no script, no external reference")
        .doesNotContain("<script").doesNotContainPattern("(src|href)=\"[a-z]+:").doesNotContain("url(");
    for (String stage : new String[] {"ingest", "journeys", "metrics", "attribution", "model", "predict"}) {
      assertThat(html).as("stage row " + stage).contains("<tr><td>" + stage + "</td><td>ok</td>");
    }
  }

  @Test
  void fileOptionAndRunDateAreHonouredAndBadOnesRejected() throws IOException {
    Path out = ReportFixture.output();
    Path file = newTempDir("report-file").resolve("nested/r.html");
    ReportFixture.cli("report", "--output", out.toString(), "--file", file.toString(), "--run-date", "2026-01-31",
        "--top-transitions", "5");
    String html = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(html).contains("the 5 largest first-order transitions");

    java.io.StringWriter err = new java.io.StringWriter();
    int code = io.touchpoints.cli.TouchpointsCli.execute(new java.io.PrintWriter(err, true), "report", "--output",
        out.toString(), "--run-date", "31/01/2026");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("31/01/2026");

    err = new java.io.StringWriter();
    code = io.touchpoints.cli.TouchpointsCli.execute(new java.io.PrintWriter(err, true), "report", "--output",
        newTempDir("empty").toString());
    assertThat(code).as("no tables").isEqualTo(2);
    assertThat(err.toString()).contains("touchpoints run");

    err = new java.io.StringWriter();
    code = io.touchpoints.cli.TouchpointsCli.execute(new java.io.PrintWriter(err, true), "report", "--output",
        "hdfs://namenode/touchpoints");
    assertThat(code).as("remote output without --file").isEqualTo(2);
    assertThat(err.toString()).contains("--file FILE");
  }

  @Test
  void htmlTableEscapesCellsAndShowsArrays() {
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows = session().sql(
        "select '<b>x</b>' as name, array('a', 'b') as reasons, cast(null as string) as empty union all "
            + "select 'y', array(), 'z'");
    String html = HtmlTable.of(rows.orderBy("name"), 1);
    assertThat(html).isEqualTo("<table><tr><th>name</th><th>reasons</th><th>empty</th></tr>"
        + "<tr><td>&lt;b&gt;x&lt;/b&gt;</td><td>[a, b]</td><td></td></tr></table>");
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  /** Flags for a quiet, sandbox-free, offline browser in a container. */
  private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--enable-logging=stderr", "--v=0");

  private static String chromium() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return null;
  }

  private record Browser(int code, String stdout, String stderr) {}

  private static Browser run(String chromium, Path workDir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(chromium));
    command.addAll(FLAGS);
    command.add("--user-data-dir=" + Files.createTempDirectory(workDir, "profile"));
    command.addAll(List.of(args));
    Path out = workDir.resolve("stdout-" + System.nanoTime());
    Path err = workDir.resolve("stderr-" + System.nanoTime());
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 120 s: " + String.join(" ", command));
    }
    return new Browser(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /**
   * Opens the report of the run in headless Chromium (Debian's {@code chromium}), offline, and checks that the charts
   * drew: the screenshot is not a blank page, the rendered DOM holds the chart elements, and the console shows no
   * script error. Skipped, saying so, when Chromium is not installed ({@code apt-get install chromium}); exclude it
   * with {@code -Dsurefire.excludedGroups=cluster,production,browser}. In this class so that it shares the run (one per JVM).
   */
  @Test
  @Tag("browser")
  void chartsDrawInAHeadlessBrowserWithoutScriptErrors() throws Exception {
    String chromium = chromium();
    Assumptions.assumeTrue(chromium != null,
        "skipped: no chromium on PATH (apt-get install chromium) to render the report");
    Path out = ReportFixture.output();
    Path work = newTempDir("browser");
    Path html = work.resolve("index.html");
    ReportFixture.cli("report", "--output", out.toString(), "--file", html.toString());
    String url = html.toUri().toString();

    Path png = work.resolve("report.png");
    Browser shot = run(chromium, work, "--screenshot=" + png, "--window-size=1280,4000",
        "--hide-scrollbars", url);
    assertThat(shot.code()).as("chromium exit code; stderr:%n%s", shot.stderr()).isZero();
    assertThat(png).as("screenshot written; stderr:%n%s", shot.stderr()).exists();
    assertThat(shot.stderr()).as("console of the page")
        .doesNotContain("Uncaught").doesNotContainPattern("(?i)CONSOLE\\(\\d+\\).*error");

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1280);
    Set<Integer> colours = new HashSet<>();
    long nonWhite = 0;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        if (rgb != 0xffffff) {
          nonWhite++;
        }
      }
    }
    double share = nonWhite / (image.getWidth() / 2.0 * image.getHeight() / 2.0);
    assertThat(colours.size()).as("distinct colours in the screenshot (a blank page has 1)").isGreaterThan(20);
    assertThat(share).as("share of non-white pixels").isGreaterThan(0.03);
    // The palette's first colour (scorecard bars) is on screen: the charts drew, not only the text.
    assertThat(colours.stream().anyMatch(c -> near(c, 0x4e79a7))).as("bar colour present").isTrue();

    Browser dom = run(chromium, work, "--dump-dom", url);
    assertThat(dom.code()).as("chromium --dump-dom exit code; stderr:%n%s", dom.stderr()).isZero();
    assertThat(count(dom.stdout(), "<svg")).as("rendered charts (model included)")
        .isEqualTo(expectedCharts(new DeltaTables(session(), out.toString()), LocalDate.parse("2026-01-31")));
    assertThat(count(dom.stdout(), "<rect")).as("rendered bars and nodes").isGreaterThan(100);
    assertThat(count(dom.stdout(), "<path")).as("rendered flow bands").isGreaterThan(5);
  }

  /**
   * 7 scorecard charts (six figures with intervals and the churn relative risk), attribution, flow, path lengths,
   * quarantine and the model against its baselines; plus one per outcome of touchpoint_effects and the Qini curves
   * of uplift_metrics when the run wrote them.
   */
  private static int expectedCharts(DeltaTables tables, LocalDate date) {
    int charts = 12;
    if (hasRows(tables, TableNames.TOUCHPOINT_EFFECTS, date)) {
      charts += (int) tables.readRunDate(TableNames.TOUCHPOINT_EFFECTS, date).select(EffectColumns.OUTCOME)
          .distinct().count();
    }
    return charts + (hasRows(tables, TableNames.UPLIFT_METRICS, date) ? 1 : 0);
  }

  private static boolean hasRows(DeltaTables tables, String table, LocalDate date) {
    return tables.exists(table) && !tables.readRunDate(table, date).isEmpty();
  }

  private static boolean near(int rgb, int target) {
    int dr = Math.abs(((rgb >> 16) & 0xff) - ((target >> 16) & 0xff));
    int dg = Math.abs(((rgb >> 8) & 0xff) - ((target >> 8) & 0xff));
    int db = Math.abs((rgb & 0xff) - (target & 0xff));
    return dr + dg + db < 12;
  }
}
