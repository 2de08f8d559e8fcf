package io.touchpoints.report;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** {@code touchpoints report} on a real (small, generated) run: what the page shows agrees with the tables. */
class ReportCommandTest extends SparkTestBase {

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
    // 6 scorecard charts, attribution, flow, path lengths, quarantine, and the model against its baselines.
    assertThat(count(html, "<svg ")).as("charts drawn").isEqualTo(11);
    assertThat(html).as("model section").doesNotContain(ReportHtml.NO_MODEL).contains("logistic_regression")
        .contains("markov_1");
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
}
