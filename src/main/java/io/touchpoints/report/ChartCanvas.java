package io.touchpoints.report;

/**
 * What a chart draws on: the few primitives the report's charts need. {@link SvgCanvas} writes inline SVG for the
 * HTML report; {@link PngCanvas} draws the same chart with Java2D into a PNG (for the notebooks), so every chart
 * has one layout code whatever the output. Coordinates are pixels from the top left; colours are {@code #rrggbb}.
 */
interface ChartCanvas {

  /** Horizontal alignment of a text relative to its x. */
  enum Anchor { START, MIDDLE, END }

  /** A filled rectangle; {@code tooltip} (may be null) shows on hover where the output supports it. */
  void rect(double x, double y, double width, double height, String fill, String tooltip);

  void line(double x1, double y1, double x2, double y2, String stroke, double strokeWidth);

  /** One line of text whose baseline is at {@code y}. */
  void text(double x, double y, String text, double size, Anchor anchor, String fill, boolean bold);

  /**
   * A flow band of constant {@code thickness} from the left edge at (x0, y0) to the right edge at (x1, y1), the
   * y's being the band's top: the link of a Sankey diagram, drawn as two cubic curves.
   */
  void band(double x0, double y0, double x1, double y1, double thickness, String fill, double opacity,
      String tooltip);

  /** Approximate width of a text in pixels: the same on every canvas so that layouts agree. */
  static double textWidth(String text, double size) {
    double w = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      w += Character.isUpperCase(c) || c == 'm' || c == 'w' ? 0.72 : 0.56;
    }
    return w * size;
  }
}
