package io.touchpoints.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every figure of the {@code touchpoint_metrics} table, declared once, in table order. A figure's declaration drives
 * the table's columns (the figure, then {@code _low} and {@code _high} where it has an interval), the small-cell
 * suppression (by its {@link Group}), the printed summary and the report's scorecard (by {@link Shown}). Adding a
 * figure means one constant here and its expression in {@link TouchpointMetrics} (a switch the compiler checks).
 */
public enum MetricFigure {
  CUSTOMERS(MetricColumns.CUSTOMERS, Group.CONVERSION, false, null),
  JOURNEYS(MetricColumns.JOURNEYS, Group.CONVERSION, false, new Shown("journeys", null, Unit.COUNT, null, null)),
  TOUCHES(MetricColumns.TOUCHES, Group.CONVERSION, false, null),
  CONVERSIONS(MetricColumns.CONVERSIONS, Group.CONVERSION, false, null),
  CONVERSION_RATE(MetricColumns.CONVERSION_RATE, Group.CONVERSION, true, new Shown("conversion",
      "Conversion rate of journeys containing the touchpoint", Unit.SHARE, null, null)),
  CONVERSION_RATE_WITHOUT(MetricColumns.CONVERSION_RATE_WITHOUT, Group.CONVERSION, false, null),
  LIFT(MetricColumns.LIFT, Group.CONVERSION, true, new Shown("lift",
      "Conversion lift (journeys with vs without the touchpoint), 95% interval", Unit.POINTS, Better.HIGHER,
      "conversion lift")),
  LIFT_RATIO(MetricColumns.LIFT_RATIO, Group.CONVERSION, false, null),
  NEXT_STEP_CONVERSION_RATE(MetricColumns.NEXT_STEP_CONVERSION_RATE, Group.CONVERSION, true, null),
  CONVERSIONS_WITHIN_WINDOW(MetricColumns.CONVERSIONS_WITHIN_WINDOW, Group.CONVERSION, false, null),
  MEDIAN_HOURS_TO_CONVERSION(MetricColumns.MEDIAN_HOURS_TO_CONVERSION, Group.CONVERSION, false, null),
  REVENUE(MetricColumns.REVENUE, Group.CONVERSION, false, null),
  REVENUE_PER_JOURNEY(MetricColumns.REVENUE_PER_JOURNEY, Group.CONVERSION, false, null),
  EXIT_RATE(MetricColumns.EXIT_RATE, Group.CONVERSION, true, new Shown("exit",
      "Friction: exit rate (journeys ending unconverted right after it)", Unit.SHARE, null, null)),
  REPEAT_RATE(MetricColumns.REPEAT_RATE, Group.CONVERSION, false, null),
  TOUCHES_PER_JOURNEY(MetricColumns.TOUCHES_PER_JOURNEY, Group.CONVERSION, false, null),
  CHURN_CUSTOMERS(MetricColumns.CHURN_CUSTOMERS, Group.CHURN, false, null),
  CHURNED_CUSTOMERS(MetricColumns.CHURNED_CUSTOMERS, Group.CHURN, false, null),
  CHURN_RATE(MetricColumns.CHURN_RATE, Group.CHURN, true, new Shown("churn",
      "Churn risk: churn rate within the window after first touch", Unit.SHARE, Better.LOWER, "churn rate")),
  CHURN_RELATIVE_RISK(MetricColumns.CHURN_RELATIVE_RISK, Group.CHURN, false, new Shown("churn RR",
      "Churn relative risk (1 = average)", Unit.RATIO, null, null)),
  CHURN_LAST_TOUCH_SHARE(MetricColumns.CHURN_LAST_TOUCH_SHARE, Group.CHURN, false, null),
  EXIT_CHURN_JOURNEYS(MetricColumns.EXIT_CHURN_JOURNEYS, Group.EXIT_CHURN, false, null),
  EXIT_CHURN_RATE(MetricColumns.EXIT_CHURN_RATE, Group.EXIT_CHURN, true, null),
  RESPONSES(MetricColumns.RESPONSES, Group.SATISFACTION, false, null),
  CSAT_RESPONSES(MetricColumns.CSAT_RESPONSES, Group.SATISFACTION, false, null),
  CSAT_MEAN(MetricColumns.CSAT_MEAN, Group.SATISFACTION, true, new Shown("CSAT", "CSAT mean (1-5)", Unit.SCORE,
      null, null)),
  SATISFIED_SHARE(MetricColumns.SATISFIED_SHARE, Group.SATISFACTION, true, null),
  NPS_RESPONSES(MetricColumns.NPS_RESPONSES, Group.NPS, false, null),
  NPS(MetricColumns.NPS, Group.NPS, true, new Shown("NPS", "NPS (-100..100)", Unit.SCORE, Better.HIGHER, "NPS"));

  /**
   * Figures that rest on the same units, suppressed together below {@code metrics.min_cell} of them and named in
   * {@code low_sample} by {@link #label()}.
   */
  public enum Group {
    CONVERSION(MetricColumns.JOURNEYS),
    CHURN(MetricColumns.CHURN_CUSTOMERS),
    EXIT_CHURN(MetricColumns.EXIT_CHURN_JOURNEYS),
    SATISFACTION(MetricColumns.CSAT_RESPONSES),
    NPS(MetricColumns.NPS_RESPONSES);

    private final String unitsColumn;

    Group(String unitsColumn) {
      this.unitsColumn = unitsColumn;
    }

    /** The column counting the units the group's figures rest on. */
    public String unitsColumn() {
      return unitsColumn;
    }

    /** The group's name in {@code low_sample}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a figure measures, for printing it. */
  public enum Unit { COUNT, SHARE, POINTS, RATIO, SCORE }

  /** Which way is better, for the printed best/worst summary. */
  public enum Better { HIGHER, LOWER }

  /**
   * How the report and the summary show a figure: its scorecard column header, its chart title (null = no chart),
   * its unit, and, when it is ranked in the printed summary, which way is better and the summary's label.
   */
  public record Shown(String header, String chartTitle, Unit unit, Better better, String summaryLabel) {}

  private final String column;
  private final Group group;
  private final boolean interval;
  private final Shown shown;

  MetricFigure(String column, Group group, boolean interval, Shown shown) {
    this.column = column;
    this.group = group;
    this.interval = interval;
    this.shown = shown;
  }

  public String column() {
    return column;
  }

  public Group group() {
    return group;
  }

  /** Whether the table has {@code <column>_low} and {@code <column>_high} for it. */
  public boolean hasInterval() {
    return interval;
  }

  public String lowColumn() {
    return column + MetricColumns.LOW;
  }

  public String highColumn() {
    return column + MetricColumns.HIGH;
  }

  /** How the report shows it; null when it is in the table only. */
  public Shown shown() {
    return shown;
  }

  /** The figures of the report's scorecard, in table order. */
  public static List<MetricFigure> scorecard() {
    List<MetricFigure> out = new ArrayList<>();
    for (MetricFigure f : values()) {
      if (f.shown != null) {
        out.add(f);
      }
    }
    return out;
  }

  /** The table's figure columns in order (intervals after their figure), without keys and {@code low_sample}. */
  public static List<String> columns() {
    List<String> out = new ArrayList<>();
    for (MetricFigure f : values()) {
      out.add(f.column);
      if (f.interval) {
        out.add(f.lowColumn());
        out.add(f.highColumn());
      }
    }
    return out;
  }
}
