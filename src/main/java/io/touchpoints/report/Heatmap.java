package io.touchpoints.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A grid of counts, shaded by each cell's share of its row (e.g. a confusion matrix: rows the actual next
 * touchpoint, columns the predicted one, so the diagonal reads as per-class recall). The count prints in the cell.
 */
public final class Heatmap implements Chart {

  private static final double FONT = 10;
  private static final int CELL = 34;
  private static final int TOP = 40;

  private final String title;
  private final String rowLabel;
  private final String columnLabel;
  private final Map<String, Map<String, Double>> cells = new LinkedHashMap<>();

  private Heatmap(String title, String rowLabel, String columnLabel) {
    this.title = title;
    this.rowLabel = rowLabel;
    this.columnLabel = columnLabel;
  }

  public static Heatmap titled(String title, String rowLabel, String columnLabel) {
    return new Heatmap(Objects.requireNonNull(title), Objects.requireNonNull(rowLabel),
        Objects.requireNonNull(columnLabel));
  }

  public Heatmap cell(String row, String column, double count) {
    if (!(count >= 0) || Double.isInfinite(count)) {
      throw new IllegalArgumentException("cell " + row + "/" + column + " must be a count >= 0, got " + count);
    }
    cells.computeIfAbsent(row, k -> new LinkedHashMap<>()).merge(column, count, Double::sum);
    return this;
  }

  /** Rows and columns: the union of both, sorted, so that the diagonal is where row equals column. */
  private List<String> labels() {
    LinkedHashSet<String> all = new LinkedHashSet<>(cells.keySet());
    cells.values().forEach(m -> all.addAll(m.keySet()));
    List<String> sorted = new ArrayList<>(all);
    sorted.sort(null);
    return sorted;
  }

  private double labelWidth() {
    return labels().stream().mapToDouble(s -> ChartCanvas.textWidth(s, FONT)).max().orElse(20) + 28;
  }

  @Override
  public String title() {
    return title;
  }

  @Override
  public int width() {
    return (int) Math.max(Math.max(400, ChartCanvas.textWidth(title, 15) + 20),
        labelWidth() + labels().size() * CELL + 20);
  }

  @Override
  public int height() {
    return TOP + 40 + labels().size() * CELL + 20;
  }

  @Override
  public void draw(ChartCanvas c) {
    c.text(10, 20, title, 15, ChartCanvas.Anchor.START, "#222222", true);
    List<String> labels = labels();
    if (labels.isEmpty()) {
      c.text(10, TOP + 16, "no data", FONT, ChartCanvas.Anchor.START, "#666666", false);
      return;
    }
    double left = labelWidth();
    double top = TOP + 40;
    c.text(left, TOP + 8, "columns: " + columnLabel + " (first letters of the row names)", FONT,
        ChartCanvas.Anchor.START, "#555555", false);
    c.text(10, TOP + 24, "rows: " + rowLabel, FONT, ChartCanvas.Anchor.START, "#555555", false);
    for (int j = 0; j < labels.size(); j++) {
      String label = labels.get(j);
      double x = left + j * CELL + CELL / 2.0;
      c.text(x, top - 6, abbreviate(label), FONT - 1, ChartCanvas.Anchor.MIDDLE, "#222222", false);
    }
    for (int i = 0; i < labels.size(); i++) {
      String row = labels.get(i);
      Map<String, Double> counts = cells.getOrDefault(row, Map.of());
      double total = counts.values().stream().mapToDouble(Double::doubleValue).sum();
      double y = top + i * CELL;
      c.text(left - 6, y + CELL / 2.0 + FONT / 2 - 1, row, FONT, ChartCanvas.Anchor.END, "#222222", false);
      for (int j = 0; j < labels.size(); j++) {
        double v = counts.getOrDefault(labels.get(j), 0.0);
        double share = total == 0 ? 0 : v / total;
        c.rect(left + j * CELL, y, CELL - 1, CELL - 1, shade(share), row + " \u2192 " + labels.get(j) + ": "
            + String.format(Locale.ROOT, "%,.0f (%.1f%% of row)", v, share * 100));
        if (v > 0) {
          c.text(left + j * CELL + CELL / 2.0, y + CELL / 2.0 + 3, String.format(Locale.ROOT, "%.0f", v), FONT - 1,
              ChartCanvas.Anchor.MIDDLE, share > 0.5 ? "#ffffff" : "#222222", false);
        }
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 5 ? s : s.substring(0, 4) + ".";
  }

  /** White to the palette's blue by share. */
  private static String shade(double share) {
    int r = (int) Math.round(255 + (0x4e - 255) * share);
    int g = (int) Math.round(255 + (0x79 - 255) * share);
    int b = (int) Math.round(255 + (0xa7 - 255) * share);
    return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
  }
}
