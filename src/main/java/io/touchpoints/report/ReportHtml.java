package io.touchpoints.report;

import io.touchpoints.metrics.MetricFigure;
import io.touchpoints.model.ModelColumns;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Renders {@link ReportData} as one self-contained HTML page: inline CSS, charts as inline SVG, no script and no
 * external reference, so it opens offline and can be mailed as one file. Every text from data is HTML-escaped.
 */
public final class ReportHtml {

  /** Shown instead of the model section when the run has no model_metrics. */
  public static final String NO_MODEL = "model not trained in this run";

  private ReportHtml() {}

  public static String render(ReportData data, Instant generatedAt, String appVersion) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Touchpoints report ").append(esc(data.runDate().toString())).append("</title><style>")
        .append("body{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;margin:24px auto;max-width:1040px;")
        .append("color:#222;padding:0 16px}h1{font-size:24px}h2{font-size:19px;margin-top:36px;border-bottom:")
        .append("1px solid #ddd;padding-bottom:4px}table{border-collapse:collapse;font-size:13px;margin:8px 0}")
        .append("th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}td.n{text-align:right}")
        .append("th{background:#f4f4f4}figure{margin:12px 0}svg{max-width:100%;height:auto}")
        .append(".note{color:#666;font-style:italic}.kpi{display:inline-block;margin:0 24px 8px 0}")
        .append(".kpi b{display:block;font-size:22px}</style></head><body>\n");
    h.append("<h1>Touchpoints report: run date ").append(esc(data.runDate().toString())).append("</h1>\n");
    h.append("<p class=\"note\">Tables under ").append(esc(data.output())).append("; generated ")
        .append(esc(generatedAt.toString())).append(" by touchpoints ").append(esc(appVersion)).append(".</p>\n");

    summary(h, data);
    h.append("<h2 id=\"scorecard\">Touchpoint scorecard</h2>\n");
    if (data.scorecard().isEmpty()) {
      note(h, "no touchpoint_metrics in this run");
    } else {
      h.append("<p>Bars are the estimates, whiskers their 95% intervals. Hover a bar for the figures.</p>\n");
      for (BarChart chart : ReportCharts.scorecardCharts(data.scorecard()).values()) {
        figure(h, chart);
      }
      scorecardTable(h, data.scorecard());
    }

    h.append("<h2 id=\"attribution\">Attribution models side by side</h2>\n");
    if (data.attribution().isEmpty()) {
      note(h, "no attribution in this run");
    } else {
      figure(h, ReportCharts.attribution(data.attribution(), List.of()));
    }

    h.append("<h2 id=\"flow\">Journey flow</h2>\n");
    if (data.transitions().isEmpty()) {
      note(h, "no transitions in this run");
    } else {
      figure(h, ReportCharts.flow(data.transitions()));
    }
    if (!data.pathLengths().isEmpty()) {
      figure(h, ReportCharts.counts("Journeys by number of touches", data.pathLengths(), false));
    }
    if (!data.topPaths().isEmpty()) {
      h.append("<table><tr><th>top paths</th><th>journeys</th><th>conversions</th></tr>");
      for (ReportData.TopPath p : data.topPaths()) {
        h.append("<tr><td>").append(esc(p.path())).append("</td><td class=\"n\">").append(fmt("%,d", p.journeys()))
            .append("</td><td class=\"n\">").append(fmt("%,.0f", p.conversions())).append("</td></tr>");
      }
      h.append("</table>\n");
    }

    h.append("<h2 id=\"model\">Next-touchpoint model</h2>\n");
    if (data.modelMetrics().isEmpty()) {
      note(h, NO_MODEL);
    } else {
      // The test split's description is on the test metrics (the choice's rows carry its reason instead).
      ReportData.ModelMetric any = data.modelMetrics().stream().filter(m -> m.metric().equals(ModelColumns.TOP1_ACCURACY))
          .findFirst().orElse(data.modelMetrics().get(0));
      h.append("<p>Split: ").append(esc(any.split())).append("; ")
          .append(any.trainExamples() == null ? "?" : fmt("%,d", any.trainExamples())).append(" training and ")
          .append(any.testExamples() == null ? "?" : fmt("%,d", any.testExamples()))
          .append(" test examples.</p>\n");
      data.modelMetrics().stream().filter(m -> m.metric().equals(ModelColumns.CHOSEN) && m.value() == 1.0).findFirst()
          .ifPresent(m -> h.append("<p>Saved model: <b>").append(esc(m.model())).append("</b>, ")
              .append(esc(m.split())).append(".</p>\n"));
      figure(h, ReportCharts.modelComparison(data.modelMetrics()));
    }

    h.append("<h2 id=\"quarantine\">Quarantine</h2>\n");
    if (data.quarantineReasons().isEmpty()) {
      note(h, "no quarantined rows in this run");
    } else {
      figure(h, ReportCharts.counts("Quarantined rows by reason", data.quarantineReasons(), true));
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void summary(StringBuilder h, ReportData data) {
    h.append("<h2 id=\"summary\">Run summary</h2>\n");
    ReportData.JourneySummary j = data.journeys();
    if (j != null) {
      kpi(h, "journeys", fmt("%,d", j.journeys()));
      kpi(h, "customers", fmt("%,d", j.customers()));
      kpi(h, "converted", fmt("%,d", j.converted()) + fmt(" (%.1f%%)", 100.0 * j.converted() / j.journeys()));
      kpi(h, "revenue", fmt("%,.2f", j.revenue()));
      kpi(h, "distinct paths", fmt("%,d", j.distinctPaths()));
      kpi(h, "touches / journey", fmt("%.2f", j.meanTouches()));
      kpi(h, "sessions / journey", fmt("%.2f", j.meanSessions()));
    }
    long quarantined = data.quarantineReasons().stream().mapToLong(ReportData.Count::count).sum();
    kpi(h, "quarantined rows", fmt("%,d", quarantined));
    if (data.stages().isEmpty()) {
      note(h, "no runs ledger for this run date");
      return;
    }
    ReportData.Stage first = data.stages().get(0);
    h.append("<p>Run <code>").append(esc(first.runId())).append("</code> (command <code>")
        .append(esc(first.command())).append("</code>):</p>\n<table><tr><th>stage</th><th>status</th>")
        .append("<th>seconds</th><th>rows in</th><th>rows out</th><th>quarantined</th><th>duplicates</th>")
        .append("<th>message</th></tr>");
    for (ReportData.Stage s : data.stages()) {
      h.append("<tr><td>").append(esc(s.stage())).append("</td><td>").append(esc(s.status())).append("</td>");
      cell(h, s.seconds() == null ? null : fmt("%.1f", s.seconds()));
      cell(h, count(s.rowsIn()));
      cell(h, count(s.rowsOut()));
      cell(h, count(s.rowsQuarantined()));
      cell(h, count(s.rowsDuplicate()));
      h.append("<td>").append(esc(s.message())).append("</td></tr>");
    }
    h.append("</table>\n");
  }

  private static void scorecardTable(StringBuilder h, List<ReportData.Score> scores) {
    h.append("<table><tr><th>touchpoint</th>");
    for (MetricFigure f : MetricFigure.scorecard()) {
      h.append("<th>").append(esc(f.shown().header())).append("</th>");
    }
    h.append("<th>low sample</th></tr>");
    for (ReportData.Score s : scores) {
      h.append("<tr><td>").append(esc(s.touchpoint())).append("</td>");
      for (MetricFigure f : MetricFigure.scorecard()) {
        cell(h, interval(s.figure(f), ReportCharts.format(f.shown().unit())::print));
      }
      h.append("<td>").append(esc(String.join(", ", s.lowSample()))).append("</td></tr>");
    }
    h.append("</table>\n");
  }

  private static String interval(ReportData.Estimate e, Function<Double, String> print) {
    if (e.value() == null) {
      return null;
    }
    String text = print.apply(e.value());
    return e.low() == null || e.high() == null ? text
        : text + " [" + print.apply(e.low()) + ", " + print.apply(e.high()) + "]";
  }

  private static void figure(StringBuilder h, Chart chart) {
    h.append("<figure>").append(chart.toSvg()).append("</figure>\n");
  }

  private static void kpi(StringBuilder h, String label, String value) {
    h.append("<span class=\"kpi\"><b>").append(esc(value)).append("</b>").append(esc(label)).append("</span>");
  }

  private static void note(StringBuilder h, String text) {
    h.append("<p class=\"note\">").append(esc(text)).append("</p>\n");
  }

  private static void cell(StringBuilder h, String text) {
    h.append("<td class=\"n\">").append(text == null ? "" : esc(text)).append("</td>");
  }

  private static String count(Long v) {
    return v == null ? null : fmt("%,d", v);
  }

  private static String fmt(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }

  private static String esc(String s) {
    return Html.escape(s);
  }
}
