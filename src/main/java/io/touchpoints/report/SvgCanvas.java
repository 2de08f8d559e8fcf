package io.touchpoints.report;

import java.util.Locale;

/**
 * A {@link ChartCanvas} that writes one inline {@code <svg>} element: no script, no external reference, every text
 * from data HTML-escaped (tooltips become SVG {@code <title>} elements).
 */
final class SvgCanvas implements ChartCanvas {

  private final int width;
  private final int height;
  private final String label;
  private final StringBuilder body = new StringBuilder();

  public SvgCanvas(int width, int height, String label) {
    this.width = width;
    this.height = height;
    this.label = label;
  }

  @Override
  public void rect(double x, double y, double w, double h, String fill, String tooltip) {
    body.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
        .append(num(Math.max(0, w))).append("\" height=\"").append(num(Math.max(0, h))).append("\" fill=\"")
        .append(Html.escape(fill)).append('"');
    closeWithTooltip("rect", tooltip);
  }

  @Override
  public void line(double x1, double y1, double x2, double y2, String stroke, double strokeWidth) {
    body.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"")
        .append(num(x2)).append("\" y2=\"").append(num(y2)).append("\" stroke=\"").append(Html.escape(stroke))
        .append("\" stroke-width=\"").append(num(strokeWidth)).append("\"/>");
  }

  @Override
  public void text(double x, double y, String text, double size, Anchor anchor, String fill, boolean bold) {
    body.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" font-size=\"")
        .append(num(size)).append("\" fill=\"").append(Html.escape(fill)).append("\" text-anchor=\"")
        .append(switch (anchor) {
          case START -> "start";
          case MIDDLE -> "middle";
          case END -> "end";
        }).append('"');
    if (bold) {
      body.append(" font-weight=\"bold\"");
    }
    body.append('>').append(Html.escape(text)).append("</text>");
  }

  @Override
  public void band(double x0, double y0, double x1, double y1, double thickness, String fill, double opacity,
      String tooltip) {
    double xm = (x0 + x1) / 2;
    body.append("<path d=\"M").append(num(x0)).append(',').append(num(y0))
        .append(" C").append(num(xm)).append(',').append(num(y0)).append(' ').append(num(xm)).append(',')
        .append(num(y1)).append(' ').append(num(x1)).append(',').append(num(y1))
        .append(" L").append(num(x1)).append(',').append(num(y1 + thickness))
        .append(" C").append(num(xm)).append(',').append(num(y1 + thickness)).append(' ').append(num(xm))
        .append(',').append(num(y0 + thickness)).append(' ').append(num(x0)).append(',')
        .append(num(y0 + thickness)).append(" Z\" fill=\"").append(Html.escape(fill))
        .append("\" fill-opacity=\"").append(num(opacity)).append('"');
    closeWithTooltip("path", tooltip);
  }

  private void closeWithTooltip(String element, String tooltip) {
    if (tooltip == null) {
      body.append("/>");
    } else {
      body.append("><title>").append(Html.escape(tooltip)).append("</title></").append(element).append('>');
    }
  }

  /** The finished {@code <svg>} element. */
  public String toSvg() {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
        + "\" viewBox=\"0 0 " + width + " " + height + "\" role=\"img\" aria-label=\"" + Html.escape(label)
        + "\" font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\">"
        + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>" + body + "</svg>";
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
