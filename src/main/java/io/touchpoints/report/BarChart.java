package io.touchpoints.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleFunction;

/**
 * Horizontal bar chart, one group of bars per category (a touchpoint) and one bar per series (an attribution model,
 * or a single series), each with an optional interval drawn as an error bar. Negative values (a lift) grow left of
 * the zero line. A category with no value for a series (a suppressed small cell) shows "n/a".
 *
 * <pre>{@code
 * BarChart chart = BarChart.titled("Conversion lift").format(BarChart.Format.POINTS)
 *     .bar("email", "lift", -0.03, -0.05, -0.01);
 * String svg = chart.toSvg();   // or chart.writePng(Path.of("lift.png"))
 * }</pre>
 */
public final class BarChart implements Chart {

  /** How values print on the axis and in tooltips. */
  public enum Format {
    /** A proportion shown as a percentage: 0.25 is 25%. */
    PERCENT(v -> String.format(Locale.ROOT, "%.1f%%", v * 100)),
    /** A difference of proportions shown in percentage points: 0.05 is +5.0 pp. */
    POINTS(v -> String.format(Locale.ROOT, "%+.1f pp", v * 100)),
    /** A plain number with two decimals. */
    DECIMAL(v -> String.format(Locale.ROOT, "%.2f", v)),
    /** A count or other large number, with a thousands separator. */
    NUMBER(v -> String.format(Locale.ROOT, Math.abs(v - Math.rint(v)) < 1e-9 ? "%,.0f" : "%,.2f", v));

    private final DoubleFunction<String> printer;

    Format(DoubleFunction<String> printer) {
      this.printer = printer;
    }

    public String print(double value) {
      return printer.apply(value);
    }
  }

  /** One bar: {@code low}/{@code high} may be null (no interval), {@code value} null means not available. */
  public record Bar(String category, String series, Double value, Double low, Double high) {
    public Bar {
      Objects.requireNonNull(category, "category");
      Objects.requireNonNull(series, "series");
    }
  }

  private static final double TITLE_SIZE = 15;
  private static final double FONT = 11;
  private static final int TOP = 34;
  private static final int AXIS = 34;

  private final String title;
  private Format format = Format.DECIMAL;
  private int width = 900;
  private final List<Bar> bars = new ArrayList<>();

  private BarChart(String title) {
    this.title = title;
  }

  public static BarChart titled(String title) {
    return new BarChart(Objects.requireNonNull(title, "title"));
  }

  public BarChart format(Format format) {
    this.format = Objects.requireNonNull(format, "format");
    return this;
  }

  public BarChart width(int width) {
    if (width < 300) {
      throw new IllegalArgumentException("chart width must be at least 300 pixels, got " + width);
    }
    this.width = width;
    return this;
  }

  /** Adds a bar with an interval; {@code low} and {@code high} null for none. */
  public BarChart bar(String category, String series, Double value, Double low, Double high) {
    if (value != null && !Double.isFinite(value)) {
      value = null;
    }
    if (low != null && high != null && low > high) {
      throw new IllegalArgumentException("interval of " + category + "/" + series + " has low " + low
          + " above high " + high);
    }
    bars.add(new Bar(category, series, value, finite(low), finite(high)));
    return this;
  }

  public BarChart bar(String category, Double value) {
    return bar(category, title, value, null, null);
  }

  public List<Bar> bars() {
    return List.copyOf(bars);
  }

  private static Double finite(Double v) {
    return v == null || !Double.isFinite(v) ? null : v;
  }

  private List<String> categories() {
    return new ArrayList<>(bars.stream().map(Bar::category).collect(LinkedHashSet<String>::new,
        LinkedHashSet::add, LinkedHashSet::addAll));
  }

  private List<String> series() {
    return new ArrayList<>(bars.stream().map(Bar::series).collect(LinkedHashSet<String>::new,
        LinkedHashSet::add, LinkedHashSet::addAll));
  }

  private double barHeight() {
    int n = series().size();
    return n <= 1 ? 18 : Math.max(5, 16 - 1.5 * n);
  }

  private double groupHeight() {
    return series().size() * barHeight() + 10;
  }

  private int legendRows() {
    List<String> series = series();
    if (series.size() <= 1) {
      return 0;
    }
    int rows = 1;
    double x = 0;
    for (String s : series) {
      double w = 18 + ChartCanvas.textWidth(s, FONT) + 16;
      if (x + w > width - 20 && x > 0) {
        rows++;
        x = 0;
      }
      x += w;
    }
    return rows;
  }

  @Override
  public String title() {
    return title;
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public int height() {
    return (int) Math.ceil(TOP + legendRows() * 18 + Math.max(1, categories().size()) * groupHeight() + AXIS);
  }

  @Override
  public void draw(ChartCanvas c) {
    c.text(10, 20, title, TITLE_SIZE, ChartCanvas.Anchor.START, "#222222", true);
    List<String> categories = categories();
    List<String> series = series();
    if (bars.isEmpty()) {
      c.text(10, TOP + 16, "no data", FONT, ChartCanvas.Anchor.START, "#666666", false);
      return;
    }
    // Legend.
    double lx = 10;
    double ly = TOP;
    if (series.size() > 1) {
      for (int i = 0; i < series.size(); i++) {
        double w = 18 + ChartCanvas.textWidth(series.get(i), FONT) + 16;
        if (lx + w > width - 20 && lx > 10) {
          lx = 10;
          ly += 18;
        }
        c.rect(lx, ly, 12, 12, Chart.PALETTE[i % Chart.PALETTE.length], null);
        c.text(lx + 16, ly + 10, series.get(i), FONT, ChartCanvas.Anchor.START, "#333333", false);
        lx += w;
      }
      ly += 18;
    }
    double plotTop = ly + 4;
    double labelWidth = Math.min(220,
        categories.stream().mapToDouble(s -> ChartCanvas.textWidth(s, FONT)).max().orElse(40) + 16);
    double left = labelWidth;
    double right = width - 30;
    double plotBottom = plotTop + categories.size() * groupHeight();

    double min = 0;
    double max = 0;
    for (Bar b : bars) {
      for (Double v : new Double[] {b.value(), b.low(), b.high()}) {
        if (v != null) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (max == min) {
      max = min + 1;
    }
    double[] ticks = ticks(min, max);
    double lo = Math.min(min, ticks[0]);
    double hi = Math.max(max, ticks[ticks.length - 1]);
    DoubleFunction<Double> x = v -> left + (v - lo) / (hi - lo) * (right - left);

    for (double t : ticks) {
      double tx = x.apply(t);
      c.line(tx, plotTop, tx, plotBottom, "#e6e6e6", 1);
      c.text(tx, plotBottom + 16, format.print(t), FONT - 1, ChartCanvas.Anchor.MIDDLE, "#555555", false);
    }
    double zero = x.apply(0.0);
    c.line(zero, plotTop, zero, plotBottom, "#888888", 1);

    double bh = barHeight();
    for (int ci = 0; ci < categories.size(); ci++) {
      String category = categories.get(ci);
      double gy = plotTop + ci * groupHeight() + 5;
      c.text(left - 8, gy + series.size() * bh / 2 + FONT / 2 - 1, category, FONT, ChartCanvas.Anchor.END,
          "#222222", false);
      for (int si = 0; si < series.size(); si++) {
        String s = series.get(si);
        Bar b = bars.stream().filter(bar -> bar.category().equals(category) && bar.series().equals(s))
            .findFirst().orElse(null);
        double by = gy + si * bh;
        if (b == null) {
          continue;
        }
        if (b.value() == null) {
          c.text(zero + 4, by + bh - 2, "n/a", FONT - 2, ChartCanvas.Anchor.START, "#999999", false);
          continue;
        }
        double x0 = x.apply(Math.min(0, b.value()));
        double x1 = x.apply(Math.max(0, b.value()));
        String tip = category + (series.size() > 1 ? " / " + s : "") + ": " + format.print(b.value())
            + (b.low() != null && b.high() != null
                ? " [" + format.print(b.low()) + ", " + format.print(b.high()) + "]" : "");
        c.rect(x0, by + 1, Math.max(1, x1 - x0), bh - 2, Chart.PALETTE[si % Chart.PALETTE.length], tip);
        if (b.low() != null && b.high() != null) {
          double cy = by + bh / 2;
          double el = x.apply(b.low());
          double eh = x.apply(b.high());
          c.line(el, cy, eh, cy, "#222222", 1.2);
          double cap = Math.min(4, bh / 2 - 1);
          c.line(el, cy - cap, el, cy + cap, "#222222", 1.2);
          c.line(eh, cy - cap, eh, cy + cap, "#222222", 1.2);
        }
      }
    }
  }

  /** About five round tick values covering [min, max]. */
  static double[] ticks(double min, double max) {
    double span = max - min;
    double raw = span / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = mag;
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * mag >= raw) {
        step = m * mag;
        break;
      }
    }
    double first = Math.floor(min / step) * step;
    double last = Math.ceil(max / step) * step;
    int n = (int) Math.round((last - first) / step) + 1;
    double[] ticks = new double[n];
    for (int i = 0; i < n; i++) {
      ticks[i] = first + i * step;
    }
    return ticks;
  }
}
