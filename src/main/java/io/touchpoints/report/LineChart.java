package io.touchpoints.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleFunction;

/**
 * Line chart of a few series over a numeric x, each point a small marker with a tooltip; a series may have a dashed
 * reference line in its colour (e.g. the random line of a Qini curve), named once in the legend.
 *
 * <pre>{@code
 * LineChart chart = LineChart.titled("Qini curves").x("share targeted", BarChart.Format.PERCENT)
 *     .y("cumulative gain", BarChart.Format.POINTS)
 *     .line("email", List.of(new LineChart.Point(0, 0), new LineChart.Point(0.5, 0.02)))
 *     .reference("email", List.of(new LineChart.Point(0, 0), new LineChart.Point(1, 0.03)));
 * }</pre>
 */
public final class LineChart implements Chart {

  public record Point(double x, double y) {}

  private static final double TITLE_SIZE = 15;
  private static final double FONT = 11;
  private static final int TOP = 34;
  private static final int HEIGHT = 300;

  private final String title;
  private String xLabel = "";
  private String yLabel = "";
  private BarChart.Format xFormat = BarChart.Format.DECIMAL;
  private BarChart.Format yFormat = BarChart.Format.DECIMAL;
  private String referenceLabel = "reference";
  private int width = 900;
  private final Map<String, List<Point>> lines = new LinkedHashMap<>();
  private final Map<String, List<Point>> references = new LinkedHashMap<>();

  private LineChart(String title) {
    this.title = title;
  }

  public static LineChart titled(String title) {
    return new LineChart(Objects.requireNonNull(title, "title"));
  }

  public LineChart x(String label, BarChart.Format format) {
    this.xLabel = Objects.requireNonNull(label, "label");
    this.xFormat = Objects.requireNonNull(format, "format");
    return this;
  }

  public LineChart y(String label, BarChart.Format format) {
    this.yLabel = Objects.requireNonNull(label, "label");
    this.yFormat = Objects.requireNonNull(format, "format");
    return this;
  }

  /** What the dashed lines are, said once in the legend. */
  public LineChart referenceLabel(String label) {
    this.referenceLabel = Objects.requireNonNull(label, "label");
    return this;
  }

  public LineChart width(int width) {
    if (width < 300) {
      throw new IllegalArgumentException("chart width must be at least 300 pixels, got " + width);
    }
    this.width = width;
    return this;
  }

  /** A solid line through the points, in the order given; non-finite points are left out. */
  public LineChart line(String series, List<Point> points) {
    lines.put(Objects.requireNonNull(series, "series"), finite(points));
    return this;
  }

  /** A dashed line in the colour of {@code series} (drawn after its line is added), not a series of its own. */
  public LineChart reference(String series, List<Point> points) {
    references.put(Objects.requireNonNull(series, "series"), finite(points));
    return this;
  }

  public Map<String, List<Point>> lines() {
    return Map.copyOf(lines);
  }

  private static List<Point> finite(List<Point> points) {
    return points.stream().filter(p -> Double.isFinite(p.x()) && Double.isFinite(p.y())).toList();
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
    return TOP + legendRows() * 18 + 18 + HEIGHT + 44;
  }

  private List<String> legend() {
    List<String> entries = new ArrayList<>(lines.keySet());
    if (!references.isEmpty()) {
      entries.add(referenceLabel);
    }
    return entries;
  }

  private int legendRows() {
    int rows = 1;
    double x = 0;
    for (String s : legend()) {
      double w = 30 + ChartCanvas.textWidth(s, FONT) + 16;
      if (x + w > width - 20 && x > 0) {
        rows++;
        x = 0;
      }
      x += w;
    }
    return rows;
  }

  @Override
  public void draw(ChartCanvas c) {
    c.text(10, 20, title, TITLE_SIZE, ChartCanvas.Anchor.START, "#222222", true);
    if (lines.values().stream().allMatch(List::isEmpty)) {
      c.text(10, TOP + 16, "no data", FONT, ChartCanvas.Anchor.START, "#666666", false);
      return;
    }
    List<String> series = new ArrayList<>(lines.keySet());
    double lx = 10;
    double ly = TOP;
    for (String entry : legend()) {
      double w = 30 + ChartCanvas.textWidth(entry, FONT) + 16;
      if (lx + w > width - 20 && lx > 10) {
        lx = 10;
        ly += 18;
      }
      int i = series.indexOf(entry);
      if (i >= 0) {
        c.line(lx, ly + 6, lx + 24, ly + 6, colour(i), 2.5);
      } else {
        dashed(c, lx, ly + 6, lx + 24, ly + 6, "#555555");
      }
      c.text(lx + 28, ly + 10, entry, FONT, ChartCanvas.Anchor.START, "#333333", false);
      lx += w;
    }
    ly += 18;
    c.text(10, ly + 10, yLabel, FONT, ChartCanvas.Anchor.START, "#555555", false);
    double plotTop = ly + 18;
    double plotBottom = plotTop + HEIGHT;
    double left = 70;
    double right = width - 24;

    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = 0;
    double yMax = 0;
    for (List<Point> points : List.of(lines.values(), references.values()).stream().flatMap(v -> v.stream())
        .toList()) {
      for (Point p : points) {
        xMin = Math.min(xMin, p.x());
        xMax = Math.max(xMax, p.x());
        yMin = Math.min(yMin, p.y());
        yMax = Math.max(yMax, p.y());
      }
    }
    if (xMax == xMin) {
      xMax = xMin + 1;
    }
    if (yMax == yMin) {
      yMax = yMin + 1;
    }
    double[] xTicks = BarChart.ticks(xMin, xMax);
    double[] yTicks = BarChart.ticks(yMin, yMax);
    double x0 = Math.min(xMin, xTicks[0]);
    double x1 = Math.max(xMax, xTicks[xTicks.length - 1]);
    double y0 = Math.min(yMin, yTicks[0]);
    double y1 = Math.max(yMax, yTicks[yTicks.length - 1]);
    DoubleFunction<Double> px = v -> left + (v - x0) / (x1 - x0) * (right - left);
    DoubleFunction<Double> py = v -> plotBottom - (v - y0) / (y1 - y0) * (plotBottom - plotTop);

    for (double t : xTicks) {
      c.line(px.apply(t), plotTop, px.apply(t), plotBottom, "#e6e6e6", 1);
      c.text(px.apply(t), plotBottom + 15, xFormat.print(t), FONT - 1, ChartCanvas.Anchor.MIDDLE, "#555555", false);
    }
    for (double t : yTicks) {
      c.line(left, py.apply(t), right, py.apply(t), "#e6e6e6", 1);
      c.text(left - 6, py.apply(t) + 4, yFormat.print(t), FONT - 1, ChartCanvas.Anchor.END, "#555555", false);
    }
    c.line(left, py.apply(0), right, py.apply(0), "#888888", 1);
    c.text((left + right) / 2, plotBottom + 34, xLabel, FONT, ChartCanvas.Anchor.MIDDLE, "#555555", false);

    for (Map.Entry<String, List<Point>> r : references.entrySet()) {
      int i = series.indexOf(r.getKey());
      List<Point> points = r.getValue();
      for (int k = 1; k < points.size(); k++) {
        dashed(c, px.apply(points.get(k - 1).x()), py.apply(points.get(k - 1).y()), px.apply(points.get(k).x()),
            py.apply(points.get(k).y()), i >= 0 ? colour(i) : "#555555");
      }
    }
    for (int i = 0; i < series.size(); i++) {
      String name = series.get(i);
      List<Point> points = lines.get(name);
      for (int k = 1; k < points.size(); k++) {
        c.line(px.apply(points.get(k - 1).x()), py.apply(points.get(k - 1).y()), px.apply(points.get(k).x()),
            py.apply(points.get(k).y()), colour(i), 2);
      }
      for (Point p : points) {
        c.rect(px.apply(p.x()) - 3, py.apply(p.y()) - 3, 6, 6, colour(i),
            name + ": " + xFormat.print(p.x()) + ", " + yFormat.print(p.y()));
      }
    }
  }

  private static String colour(int i) {
    return Chart.PALETTE[i % Chart.PALETTE.length];
  }

  /** A dashed segment: the canvases draw solid lines only, so dashes are short lines. */
  private static void dashed(ChartCanvas c, double xa, double ya, double xb, double yb, String stroke) {
    double length = Math.hypot(xb - xa, yb - ya);
    int dashes = Math.max(1, (int) (length / 8));
    for (int k = 0; k < dashes; k++) {
      double from = (double) k / dashes;
      double to = from + 0.5 / dashes;
      c.line(xa + (xb - xa) * from, ya + (yb - ya) * from, xa + (xb - xa) * to, ya + (yb - ya) * to, stroke, 1.2);
    }
  }
}
