package io.touchpoints.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Sankey-like flow diagram of transitions between two columns of states: each state on the left (where customers
 * are) is a bar as tall as the flow leaving it, each state on the right (where they go next, including the
 * conversion and the end of the journey) as tall as the flow arriving, and each link is a band whose thickness is
 * its count. Built from the first-order Markov {@code transitions} table (or any list of from/to counts).
 */
final class FlowDiagram implements Chart {

  /** A flow of {@code value} (journeys, transitions) from one state to the next. */
  public record Link(String from, String to, double value) {
    public Link {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (!(value >= 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("flow " + from + " -> " + to + " must be a count >= 0, got " + value);
      }
    }
  }

  private static final double FONT = 11;
  private static final int TOP = 40;
  private static final double NODE_WIDTH = 12;
  private static final double GAP = 8;

  private final String title;
  private final List<Link> links = new ArrayList<>();
  private int width = 900;
  private int plotHeight = 460;

  private FlowDiagram(String title) {
    this.title = title;
  }

  public static FlowDiagram titled(String title) {
    return new FlowDiagram(Objects.requireNonNull(title, "title"));
  }

  public FlowDiagram link(String from, String to, double value) {
    links.add(new Link(from, to, value));
    return this;
  }

  public FlowDiagram width(int width) {
    if (width < 400) {
      throw new IllegalArgumentException("flow diagram width must be at least 400 pixels, got " + width);
    }
    this.width = width;
    return this;
  }

  public FlowDiagram plotHeight(int height) {
    if (height < 100) {
      throw new IllegalArgumentException("flow diagram height must be at least 100 pixels, got " + height);
    }
    this.plotHeight = height;
    return this;
  }

  public List<Link> links() {
    return List.copyOf(links);
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
    return TOP + plotHeight + 20;
  }

  /** Totals per state, largest first. */
  private static Map<String, Double> totals(List<Link> links, boolean left) {
    Map<String, Double> totals = new LinkedHashMap<>();
    for (Link l : links) {
      totals.merge(left ? l.from() : l.to(), l.value(), Double::sum);
    }
    Map<String, Double> sorted = new LinkedHashMap<>();
    totals.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  @Override
  public void draw(ChartCanvas c) {
    c.text(10, 20, title, 15, ChartCanvas.Anchor.START, "#222222", true);
    List<Link> shown = links.stream().filter(l -> l.value() > 0).toList();
    if (shown.isEmpty()) {
      c.text(10, TOP + 16, "no data", FONT, ChartCanvas.Anchor.START, "#666666", false);
      return;
    }
    Map<String, Double> from = totals(shown, true);
    Map<String, Double> to = totals(shown, false);
    double total = shown.stream().mapToDouble(Link::value).sum();
    int maxNodes = Math.max(from.size(), to.size());
    double scale = (plotHeight - GAP * (maxNodes - 1)) / total;

    double leftLabel = from.keySet().stream().mapToDouble(s -> ChartCanvas.textWidth(label(s, from.get(s)), FONT))
        .max().orElse(0) + 14;
    double rightLabel = to.keySet().stream().mapToDouble(s -> ChartCanvas.textWidth(label(s, to.get(s)), FONT))
        .max().orElse(0) + 14;
    double xl = Math.min(leftLabel, width * 0.35);
    double xr = width - Math.min(rightLabel, width * 0.35) - NODE_WIDTH;

    Map<String, Double> fromY = layout(from, scale);
    Map<String, Double> toY = layout(to, scale);
    Map<String, Integer> colour = new LinkedHashMap<>();
    for (String s : from.keySet()) {
      colour.put(s, colour.size());
    }

    // Bands: leaving each source in the order of the targets, arriving in the order of the sources, so none cross
    // at their ends.
    Map<String, Double> outOffset = new LinkedHashMap<>();
    Map<String, Double> inOffset = new LinkedHashMap<>();
    List<Link> ordered = new ArrayList<>(shown);
    ordered.sort((a, b) -> {
      int byFrom = Integer.compare(indexOf(from, a.from()), indexOf(from, b.from()));
      return byFrom != 0 ? byFrom : Integer.compare(indexOf(to, a.to()), indexOf(to, b.to()));
    });
    for (Link l : ordered) {
      double t = l.value() * scale;
      double y0 = fromY.get(l.from()) + outOffset.getOrDefault(l.from(), 0.0);
      double y1 = toY.get(l.to()) + inOffset.getOrDefault(l.to(), 0.0);
      outOffset.merge(l.from(), t, Double::sum);
      inOffset.merge(l.to(), t, Double::sum);
      c.band(xl + NODE_WIDTH, TOP + y0, xr, TOP + y1, Math.max(0.5, t),
          Chart.PALETTE[colour.get(l.from()) % Chart.PALETTE.length], 0.42,
          l.from() + " \u2192 " + l.to() + ": " + String.format(Locale.ROOT, "%,.0f", l.value()));
    }
    for (Map.Entry<String, Double> e : from.entrySet()) {
      double y = TOP + fromY.get(e.getKey());
      double h = Math.max(1, e.getValue() * scale);
      c.rect(xl, y, NODE_WIDTH, h, Chart.PALETTE[colour.get(e.getKey()) % Chart.PALETTE.length],
          label(e.getKey(), e.getValue()));
      c.text(xl - 6, y + h / 2 + FONT / 2 - 1, label(e.getKey(), e.getValue()), FONT, ChartCanvas.Anchor.END,
          "#222222", false);
    }
    for (Map.Entry<String, Double> e : to.entrySet()) {
      double y = TOP + toY.get(e.getKey());
      double h = Math.max(1, e.getValue() * scale);
      c.rect(xr, y, NODE_WIDTH, h, "#555555", label(e.getKey(), e.getValue()));
      c.text(xr + NODE_WIDTH + 6, y + h / 2 + FONT / 2 - 1, label(e.getKey(), e.getValue()), FONT,
          ChartCanvas.Anchor.START, "#222222", false);
    }
  }

  private static String label(String state, double value) {
    return state + " (" + String.format(Locale.ROOT, "%,.0f", value) + ")";
  }

  private static int indexOf(Map<String, Double> nodes, String key) {
    int i = 0;
    for (String k : nodes.keySet()) {
      if (k.equals(key)) {
        return i;
      }
      i++;
    }
    return -1;
  }

  private static Map<String, Double> layout(Map<String, Double> nodes, double scale) {
    Map<String, Double> y = new LinkedHashMap<>();
    double at = 0;
    for (Map.Entry<String, Double> e : nodes.entrySet()) {
      y.put(e.getKey(), at);
      at += e.getValue() * scale + GAP;
    }
    return y;
  }
}
