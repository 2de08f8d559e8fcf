package io.touchpoints.report;

import java.nio.file.Path;

/** A chart with a fixed size that draws itself on a {@link ChartCanvas}: as inline SVG or as a PNG file. */
public interface Chart {

  String title();

  int width();

  int height();

  void draw(ChartCanvas canvas);

  /** The chart as one inline {@code <svg>} element. */
  default String toSvg() {
    SvgCanvas canvas = new SvgCanvas(width(), height(), title());
    draw(canvas);
    return canvas.toSvg();
  }

  /** The chart drawn with Java2D and written as a PNG file. */
  default void writePng(Path file) {
    PngCanvas canvas = new PngCanvas(width(), height());
    draw(canvas);
    canvas.write(file);
  }

  /** Colours of the series, distinct for up to 12 (then they repeat). */
  String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
      "#9c755f", "#bab0ac", "#1f3b73", "#8cd17d"};
}
