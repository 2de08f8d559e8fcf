package io.touchpoints.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.effects.EffectColumns;
import io.touchpoints.recommend.RecommendColumns;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The report's "Causal effects" and "Next best touchpoint" sections from small hand-made touchpoint_effects and
 * uplift_metrics tables (written with the tables' own schemas, no effects or recommend stage run), and the report of
 * an output without them.
 */
class ReportCausalSectionsTest extends SparkTestBase {

  private static final LocalDate DATE = LocalDate.parse("2026-01-31");
  /** email's Qini curve at 10%, 20%, ..., 100% targeted: gains early, then loses, 2 points over everyone. */
  private static final double[] EMAIL_QINI = {0.01, 0.018, 0.024, 0.028, 0.03, 0.03, 0.029, 0.027, 0.024, 0.02};

  private static Row effect(String touchpoint, String outcome, double naive, Double effect, String note) {
    return RowFactory.create(touchpoint, outcome, 400L, 1600L, 0.3, 0.2, naive, naive - 0.04, naive + 0.04,
        effect, effect == null ? null : effect - 0.03, effect == null ? null : effect + 0.03,
        effect == null ? null : "aipw_logistic_regression_2_folds", 900L, effect == null ? 0.4 : 0.021,
        effect == null ? null : 350.0, effect == null ? null : 1500.0, note);
  }

  private static List<Row> upliftMetrics() {
    List<Row> rows = new ArrayList<>();
    for (String k : List.of("email", "web_visit")) {
      boolean email = k.equals("email");
      rows.add(RowFactory.create(k, RecommendColumns.AVERAGE_EFFECT, email ? 0.02 : 0.01, email ? 0.005 : -0.01,
          email ? 0.035 : 0.03));
      rows.add(RowFactory.create(k, RecommendColumns.QINI, email ? 0.0123 : 0.0011, null, null));
      for (int p : RecommendColumns.UPLIFT_AT) {
        rows.add(RowFactory.create(k, RecommendColumns.upliftAt(p), email ? 0.1 - p / 1000.0 : 0.01, null, null));
      }
      for (int i = 0; i < RecommendColumns.QINI_AT.size(); i++) {
        int p = RecommendColumns.QINI_AT.get(i);
        rows.add(RowFactory.create(k, RecommendColumns.qiniAt(p), email ? EMAIL_QINI[i] : p / 10000.0, null, null));
      }
    }
    rows.add(RowFactory.create(RecommendColumns.RECOMMENDED, RecommendColumns.CONVERSION_RATE, 0.31, 0.29, 0.33));
    rows.add(RowFactory.create(RecommendColumns.BEST_SINGLE + "email", RecommendColumns.CONVERSION_RATE, 0.29, 0.27,
        0.31));
    rows.add(RowFactory.create(RecommendColumns.NONE, RecommendColumns.CONVERSION_RATE, 0.26, 0.24, 0.28));
    rows.add(RowFactory.create(RecommendColumns.RECOMMENDED, RecommendColumns.GAIN_VS_BEST_SINGLE, 0.015, 0.002,
        0.028));
    rows.add(RowFactory.create(RecommendColumns.RECOMMENDED, RecommendColumns.GAIN_VS_NONE, 0.05, 0.03, 0.07));
    return rows;
  }

  @Test
  void bothSectionsShowTheTablesFigures() throws IOException {
    Path out = Files.createTempDirectory("touchpoints-report-causal");
    DeltaTables tables = new DeltaTables(session(), out.toString());
    tables.replaceRunDates(Map.of(TableNames.TOUCHPOINT_EFFECTS, session().createDataFrame(List.of(
            effect("email", EffectColumns.CONVERSION, 0.12, 0.05, null),
            effect("support_ticket", EffectColumns.CONVERSION, -0.11, null, "too little overlap: 40% outside the clip"),
            effect("email", EffectColumns.CHURN, 0.01, -0.02, null)), EffectColumns.SCHEMA),
        TableNames.UPLIFT_METRICS, session().createDataFrame(upliftMetrics(), RecommendColumns.METRICS)), DATE);

    ReportData data = new ReportBuilder(session(), out.toString()).build(DATE, List.of());
    assertThat(data.effects()).hasSize(3);
    String html = ReportHtml.render(data, Instant.EPOCH, "test");

    String effects = section(html, ReportHtml.EFFECTS);
    assertThat(effects).as("both outcomes, conversion first").containsSubsequence("<h3>Conversion</h3>",
        "<h3>Churn</h3>");
    assertThat(effects).as("naive and adjusted with their intervals, in the table and the chart")
        .contains("<td class=\"n\">+12.0 pp [+8.0 pp, +16.0 pp]</td><td class=\"n\">+5.0 pp [+2.0 pp, +8.0 pp]</td>")
        .contains("email / " + ReportCharts.ADJUSTED + ": +5.0 pp [+2.0 pp, +8.0 pp]")
        .contains("email / " + ReportCharts.NAIVE + ": +12.0 pp [+8.0 pp, +16.0 pp]")
        .contains("<td class=\"n\">400</td><td class=\"n\">1,600</td>")
        .contains("outside clip 2.1%; ESS 350 / 1,500")
        .contains("too little overlap: 40% outside the clip")
        .contains("-2.0 pp [-5.0 pp, +1.0 pp]")
        .contains("aipw_logistic_regression_2_folds")
        .contains("association").contains("comparable customers").contains("not adjusted");
    assertThat(count(effects, "<svg ")).as("one chart per outcome").isEqualTo(2);

    String nextBest = section(html, ReportHtml.NEXT_BEST);
    assertThat(nextBest).as("policies and gains with intervals")
        .contains("31.0% [29.0%, 33.0%]").contains("best single touchpoint for everyone: email")
        .contains("29.0% [27.0%, 31.0%]").contains("26.0% [24.0%, 28.0%]")
        .contains("+1.5 pp [+0.2 pp, +2.8 pp]").contains("+5.0 pp [+3.0 pp, +7.0 pp]");
    assertThat(nextBest).as("per candidate: average effect, Qini coefficient, uplift at 10/20/50")
        .contains("<td>email</td><td class=\"n\">+2.0 pp [+0.5 pp, +3.5 pp]</td><td class=\"n\">0.0123</td>"
            + "<td class=\"n\">+9.0 pp</td><td class=\"n\">+8.0 pp</td><td class=\"n\">+5.0 pp</td>");
    assertThat(nextBest).as("the Qini curve's points as tooltips").contains("email: 30.0%, +2.4 pp")
        .contains("web_visit: 100.0%, +1.0 pp").contains("random targeting");
    assertThat(count(nextBest, "<svg ")).isEqualTo(1);

    LineChart qini = ReportCharts.qini(data.upliftMetrics());
    assertThat(qini.lines().get("email")).as("from the origin through the ten stored points").hasSize(11)
        .startsWith(new LineChart.Point(0, 0)).endsWith(new LineChart.Point(1.0, 0.02));
    // The notebook saves the same charts as PNG.
    Path png = out.resolve("qini.png");
    qini.writePng(png);
    assertThat(javax.imageio.ImageIO.read(png.toFile()).getHeight()).isEqualTo(qini.height());
  }

  @Test
  void withoutThoseTablesTheReportRendersWithoutTheSections() throws IOException {
    Path out = Files.createTempDirectory("touchpoints-report-plain");
    ReportData data = new ReportBuilder(session(), out.toString()).build(DATE, List.of());
    assertThat(data.effects()).isEmpty();
    assertThat(data.upliftMetrics()).isEmpty();
    String html = ReportHtml.render(data, Instant.EPOCH, "test");
    assertThat(html).contains("Touchpoint scorecard").contains("</body></html>")
        .doesNotContain(ReportHtml.EFFECTS).doesNotContain(ReportHtml.NEXT_BEST);
  }

  /** The page from the section's heading to the next h2. */
  private static String section(String html, String heading) {
    int start = html.indexOf(">" + heading + "</h2>");
    assertThat(start).as("section %s", heading).isPositive();
    int end = html.indexOf("<h2", start);
    return html.substring(start, end < 0 ? html.length() : end);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
