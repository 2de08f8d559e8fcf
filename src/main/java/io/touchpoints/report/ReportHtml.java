package io.touchpoints.report;

import io.touchpoints.effects.EffectColumns;
import io.touchpoints.metrics.MetricFigure;
import io.touchpoints.model.ModelColumns;
import io.touchpoints.recommend.RecommendColumns;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.function.Function;

/**
 * Renders {@link ReportData} as one self-contained HTML page: inline CSS, charts as inline SVG, no script and no
 * external reference, so it opens offline and can be mailed as one file. Every text from data is HTML-escaped.
 */
public final class ReportHtml {

  /** Shown instead of the model section when the run has no model_metrics. */
  public static final String NO_MODEL = "model not trained in this run";
  /** Headings of the sections shown only when the run wrote touchpoint_effects, uplift_metrics. */
  public static final String EFFECTS = "Causal effects";
  public static final String NEXT_BEST = "Next best touchpoint";

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

    // Both absent, not empty, when the run skipped the effects or recommend stage.
    if (!data.effects().isEmpty()) {
      effects(h, data.effects());
    }
    if (!data.upliftMetrics().isEmpty()) {
      nextBest(h, data.upliftMetrics());
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

  private static void effects(StringBuilder h, List<ReportData.Effect> effects) {
    h.append("<h2 id=\"effects\">").append(esc(EFFECTS)).append("</h2>\n");
    h.append("<p>The <b>naive difference</b> compares the outcome rate of journeys with the touchpoint against "
        + "journeys without it: an association, which also reflects who receives the touchpoint. The <b>adjusted "
        + "effect</b> compares comparable customers: journeys are weighted and modelled by what was known at the "
        + "journey's start (customer attributes, the customer's history, the first touchpoint, the calendar), doubly "
        + "robust (augmented inverse-propensity weighting, cross-fitted), so it estimates how much the outcome's "
        + "probability changes because the touchpoint happened. Where the two differ, the customers who get the "
        + "touchpoint differ from the others. Touches between the journey's start and the touchpoint are not adjusted "
        + "for, so an adjusted effect can still carry what led to the touchpoint within the journey. Figures are "
        + "differences in probability in percentage points, with 95% intervals (clustered by customer); a touchpoint "
        + "with too little overlap gets no adjusted effect and a note.</p>\n");
    Set<String> methods = new LinkedHashSet<>();
    effects.stream().filter(e -> e.method() != null).forEach(e -> methods.add(e.method()));
    if (!methods.isEmpty()) {
      h.append("<p>Method: <code>").append(esc(String.join(", ", methods))).append("</code>. Diagnostics: share of "
          + "journeys whose propensity lies outside the clip range; effective sample sizes of the treated and control "
          + "weights.</p>\n");
    }
    Set<String> outcomes = new LinkedHashSet<>(EffectColumns.OUTCOMES);
    effects.forEach(e -> outcomes.add(e.outcome()));
    for (String outcome : outcomes) {
      List<ReportData.Effect> rows = effects.stream().filter(e -> e.outcome().equals(outcome)).toList();
      if (rows.isEmpty()) {
        continue;
      }
      h.append("<h3>").append(esc(outcome.substring(0, 1).toUpperCase(Locale.ROOT) + outcome.substring(1)))
          .append("</h3>\n");
      figure(h, ReportCharts.effects(rows, outcome));
      h.append("<table><tr><th>touchpoint</th><th>treated</th><th>control</th><th>naive effect [95%]</th>")
          .append("<th>adjusted effect [95%]</th><th>diagnostics</th><th>note</th></tr>");
      for (ReportData.Effect e : rows) {
        h.append("<tr><td>").append(esc(e.touchpoint())).append("</td>");
        cell(h, count(e.treated()));
        cell(h, count(e.control()));
        cell(h, interval(e.naive(), BarChart.Format.POINTS::print));
        cell(h, interval(e.adjusted(), BarChart.Format.POINTS::print));
        String clip = e.outsideClipShare() == null ? null
            : "outside clip " + BarChart.Format.PERCENT.print(e.outsideClipShare());
        String ess = e.effectiveTreated() == null || e.effectiveControl() == null ? null
            : fmt("ESS %,.0f / %,.0f", e.effectiveTreated(), e.effectiveControl());
        h.append("<td>").append(esc(clip == null ? ess == null ? "" : ess : ess == null ? clip : clip + "; " + ess))
            .append("</td><td>").append(esc(e.note())).append("</td></tr>");
      }
      h.append("</table>\n");
    }
  }

  private static void nextBest(StringBuilder h, List<ReportData.UpliftMetric> metrics) {
    h.append("<h2 id=\"next-best\">").append(esc(NEXT_BEST)).append("</h2>\n");
    h.append("<p>Each customer is recommended the candidate touchpoint of largest estimated uplift (change in the "
        + "probability of converting if the next journey includes it). Evaluated on cross-fitted scores of past "
        + "journeys: a <b>Qini curve</b> ranks the journeys by a candidate's predicted uplift and shows the doubly "
        + "robust conversions gained by targeting the top share, per journey of the whole population; the dashed "
        + "line is random targeting (that share of the gain of targeting everyone). A curve above its dashed line "
        + "means the ranking finds the customers who gain most; the Qini coefficient is the area between them.</p>\n");
    figure(h, ReportCharts.qini(metrics));
    Set<String> policies = new LinkedHashSet<>();
    policies.add(RecommendColumns.RECOMMENDED);
    metrics.stream().map(ReportData.UpliftMetric::candidate).filter(c -> c.startsWith(RecommendColumns.BEST_SINGLE))
        .forEach(policies::add);
    policies.add(RecommendColumns.NONE);
    h.append("<table><tr><th>policy</th><th>conversion rate [95%]</th></tr>");
    for (String p : policies) {
      h.append("<tr><td>").append(esc(policyName(p))).append("</td>");
      cell(h, interval(ReportCharts.upliftMetric(metrics, p, RecommendColumns.CONVERSION_RATE),
          BarChart.Format.PERCENT::print));
      h.append("</tr>");
    }
    h.append("<tr><td>gain of the recommended policy over the best single touchpoint</td>");
    cell(h, interval(ReportCharts.upliftMetric(metrics, RecommendColumns.RECOMMENDED,
        RecommendColumns.GAIN_VS_BEST_SINGLE), BarChart.Format.POINTS::print));
    h.append("</tr><tr><td>gain of the recommended policy over no touchpoint</td>");
    cell(h, interval(ReportCharts.upliftMetric(metrics, RecommendColumns.RECOMMENDED,
        RecommendColumns.GAIN_VS_NONE), BarChart.Format.POINTS::print));
    h.append("</tr></table>\n");

    h.append("<table><tr><th>candidate</th><th>average effect [95%]</th><th>Qini coefficient</th>");
    for (int p : RecommendColumns.UPLIFT_AT) {
      h.append("<th>uplift at ").append(p).append("%</th>");
    }
    h.append("</tr>");
    metrics.stream().filter(m -> m.metric().equals(RecommendColumns.QINI)).map(ReportData.UpliftMetric::candidate)
        .distinct().forEach(k -> {
          h.append("<tr><td>").append(esc(k)).append("</td>");
          cell(h, interval(ReportCharts.upliftMetric(metrics, k, RecommendColumns.AVERAGE_EFFECT),
              BarChart.Format.POINTS::print));
          Double qini = ReportCharts.upliftMetric(metrics, k, RecommendColumns.QINI).value();
          cell(h, qini == null ? null : fmt("%.4f", qini));
          for (int p : RecommendColumns.UPLIFT_AT) {
            cell(h, interval(ReportCharts.upliftMetric(metrics, k, RecommendColumns.upliftAt(p)),
                BarChart.Format.POINTS::print));
          }
          h.append("</tr>");
        });
    h.append("</table>\n");
  }

  private static String policyName(String policy) {
    if (policy.equals(RecommendColumns.RECOMMENDED)) {
      return "recommended: each customer's touchpoint of largest uplift";
    }
    if (policy.equals(RecommendColumns.NONE)) {
      return "no touchpoint (the recommended one withheld)";
    }
    if (policy.startsWith(RecommendColumns.BEST_SINGLE)) {
      return "best single touchpoint for everyone: " + policy.substring(RecommendColumns.BEST_SINGLE.length());
    }
    return policy;
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
