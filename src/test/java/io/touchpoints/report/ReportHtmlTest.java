package io.touchpoints.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoints.metrics.MetricFigure;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The HTML and the charts from hand-made figures (no Spark). */
class ReportHtmlTest {

  private static final String EVIL = "<script>alert(\"x\")</script>&'";

  private static ReportData.Score score(String name, double rate, double lift) {
    ReportData.Estimate e = new ReportData.Estimate(rate, rate - 0.02, rate + 0.02);
    return new ReportData.Score(name, Map.of(
        MetricFigure.JOURNEYS, new ReportData.Estimate(100.0, null, null),
        MetricFigure.CONVERSION_RATE, e,
        MetricFigure.LIFT, new ReportData.Estimate(lift, lift - 0.05, lift + 0.05),
        MetricFigure.EXIT_RATE, e,
        MetricFigure.CHURN_RATE, e,
        MetricFigure.CHURN_RELATIVE_RISK, new ReportData.Estimate(1.1, null, null),
        MetricFigure.CSAT_MEAN, new ReportData.Estimate(3.5, 3.2, 3.8)), List.of("nps"));
  }

  private static ReportData data(List<ReportData.ModelMetric> model) {
    return new ReportData("out<dir>", LocalDate.parse("2026-01-31"),
        List.of(new ReportData.Stage("r1", "run", "ingest", "ok", 1.5, 10L, 9L, 1L, 0L, EVIL)),
        new ReportData.JourneySummary(5, 4, 2, 12.5, 3, 2.2, 1.1),
        List.of(new ReportData.Count("MISSING_TIME", 1)),
        List.of(new ReportData.Count("1", 3), new ReportData.Count("2", 2)),
        List.of(new ReportData.TopPath(EVIL + " > email", 3, 1)),
        List.of(score(EVIL, 0.3, -0.1), score("email", 0.5, 0.2)),
        List.of(new ReportData.Credit("linear", EVIL, 1.5, 1.0, 2.0, 0.5),
            new ReportData.Credit("linear", "email", 1.5, null, null, 0.5)),
        List.of(new FlowDiagram.Link("(start)", EVIL, 3), new FlowDiagram.Link(EVIL, "(conversion)", 2)),
        model, List.of(), List.of());
  }

  @Test
  void everyTextFromDataIsEscaped() {
    String html = ReportHtml.render(data(List.of()), Instant.EPOCH, "test");
    assertThat(html).doesNotContain("<script").doesNotContain("alert(\"x\")");
    assertThat(html).contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
    assertThat(html).contains("out&lt;dir&gt;");
    assertThat(html).contains(ReportHtml.NO_MODEL);
  }

  @Test
  void modelSectionDrawsTheComparisonWhenMetricsExist() {
    List<ReportData.ModelMetric> metrics = List.of(
        new ReportData.ModelMetric("logistic_regression", "top1_accuracy", null, 0.41, "latest third", 100L, 50L),
        new ReportData.ModelMetric("most_frequent", "top1_accuracy", null, 0.22, "latest third", 100L, 50L),
        new ReportData.ModelMetric("logistic_regression", "top3_accuracy", null, 0.71, "latest third", 100L, 50L),
        new ReportData.ModelMetric("logistic_regression", "precision", "email", 0.5, "latest third", 100L, 50L));
    String html = ReportHtml.render(data(metrics), Instant.EPOCH, "test");
    assertThat(html).doesNotContain(ReportHtml.NO_MODEL).contains("Next-touchpoint model against baselines")
        .contains("logistic_regression / top1_accuracy: 41.0%").contains("most_frequent / top1_accuracy: 22.0%");
    assertThat(ReportCharts.modelComparison(metrics).bars()).as("per-touchpoint rows are not overall bars")
        .hasSize(3);
  }

  @Test
  void barsGrowFromZeroAndCarryTheirInterval() {
    BarChart chart = BarChart.titled("lift").format(BarChart.Format.POINTS).width(500)
        .bar("a", "lift", 0.2, 0.1, 0.3).bar("b", "lift", -0.1, -0.2, 0.0).bar("c", "lift", null, null, null);
    RecordingCanvas canvas = new RecordingCanvas();
    chart.draw(canvas);
    assertThat(canvas.rects).as("two bars drawn, n/a for the third").hasSize(2);
    double zero = canvas.rects.get(1).x() + canvas.rects.get(1).w();
    assertThat(canvas.rects.get(0).x()).as("positive bar starts at zero").isCloseTo(zero, org.assertj.core
        .data.Offset.offset(0.01));
    assertThat(canvas.rects.get(0).tip()).isEqualTo("a: +20.0 pp [+10.0 pp, +30.0 pp]");
    assertThat(canvas.texts).contains("n/a");
    assertThatThrownBy(() -> BarChart.titled("t").bar("a", "s", 1.0, 2.0, 0.5))
        .hasMessageContaining("low 2.0 above high 0.5");
    double[] ticks = BarChart.ticks(-0.13, 0.27);
    assertThat(ticks[0]).isLessThanOrEqualTo(-0.13);
    assertThat(ticks[ticks.length - 1]).isGreaterThanOrEqualTo(0.27);
    assertThat(ticks.length).isBetween(4, 12);
  }

  @Test
  void flowBandsAreAsThickAsTheirCounts() {
    FlowDiagram flow = FlowDiagram.titled("f").link("(start)", "a", 30).link("(start)", "b", 10)
        .link("a", "(conversion)", 20);
    RecordingCanvas canvas = new RecordingCanvas();
    flow.draw(canvas);
    assertThat(canvas.bands).hasSize(3);
    double perUnit = canvas.bands.get(0) / 30;
    assertThat(canvas.bands.get(1) / perUnit).isCloseTo(10, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(canvas.bands.get(2) / perUnit).isCloseTo(20, org.assertj.core.data.Offset.offset(1e-9));
    assertThatThrownBy(() -> flow.link("a", "b", -1)).hasMessageContaining("got -1");
  }

  @Test
  void heatmapShadesCellsByTheirShareOfTheRow() {
    Heatmap heatmap = Heatmap.titled("confusion", "actual", "predicted").cell("a", "a", 30).cell("a", "b", 10)
        .cell("b", "b", 5);
    RecordingCanvas canvas = new RecordingCanvas();
    heatmap.draw(canvas);
    assertThat(canvas.rects).extracting(RecordingCanvas.Rect::tip).containsExactly(
        "a \u2192 a: 30 (75.0% of row)", "a \u2192 b: 10 (25.0% of row)", "b \u2192 a: 0 (0.0% of row)",
        "b \u2192 b: 5 (100.0% of row)");
    assertThat(canvas.texts).contains("30", "10", "5").doesNotContain("0");
    assertThatThrownBy(() -> heatmap.cell("a", "b", Double.NaN)).hasMessageContaining("got NaN");
  }

  @Test
  void pngOfAChartIsNotBlank() throws Exception {
    Path file = Files.createTempDirectory("touchpoints-png").resolve("c.png");
    ReportCharts.flow(data(List.of()).transitions()).writePng(file);
    BufferedImage image = ImageIO.read(file.toFile());
    long coloured = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) != 0xffffff) {
          coloured++;
        }
      }
    }
    assertThat(coloured).as("non-white pixels").isGreaterThan(1000);
  }

  /** Records what a chart draws. */
  private static final class RecordingCanvas implements ChartCanvas {
    record Rect(double x, double w, String tip) {}

    final List<Rect> rects = new java.util.ArrayList<>();
    final List<String> texts = new java.util.ArrayList<>();
    final List<Double> bands = new java.util.ArrayList<>();

    @Override
    public void rect(double x, double y, double width, double height, String fill, String tooltip) {
      if (tooltip != null) {
        rects.add(new Rect(x, width, tooltip));
      }
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String stroke, double strokeWidth) {}

    @Override
    public void text(double x, double y, String text, double size, Anchor anchor, String fill, boolean bold) {
      texts.add(text);
    }

    @Override
    public void band(double x0, double y0, double x1, double y1, double thickness, String fill, double opacity,
        String tooltip) {
      bands.add(thickness);
    }
  }
}
