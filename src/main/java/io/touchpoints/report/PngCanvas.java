package io.touchpoints.report;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.GeneralPath;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A {@link ChartCanvas} drawn with Java2D into an image, written as PNG: how the notebooks save their charts with no
 * plotting library and no network (the report's HTML uses {@link SvgCanvas} for the same charts). Headless.
 */
final class PngCanvas implements ChartCanvas {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private final BufferedImage image;
  private final Graphics2D g;

  public PngCanvas(int width, int height) {
    image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
  }

  @Override
  public void rect(double x, double y, double w, double h, String fill, String tooltip) {
    g.setColor(Color.decode(fill));
    g.fill(new Rectangle2D.Double(x, y, Math.max(0, w), Math.max(0, h)));
  }

  @Override
  public void line(double x1, double y1, double x2, double y2, String stroke, double strokeWidth) {
    g.setColor(Color.decode(stroke));
    g.setStroke(new BasicStroke((float) strokeWidth));
    g.draw(new Line2D.Double(x1, y1, x2, y2));
  }

  @Override
  public void text(double x, double y, String text, double size, Anchor anchor, String fill, boolean bold) {
    g.setColor(Color.decode(fill));
    g.setFont(new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, (int) Math.round(size)));
    double w = g.getFontMetrics().stringWidth(text);
    double left = switch (anchor) {
      case START -> x;
      case MIDDLE -> x - w / 2;
      case END -> x - w;
    };
    g.drawString(text, (float) left, (float) y);
  }

  @Override
  public void band(double x0, double y0, double x1, double y1, double thickness, String fill, double opacity,
      String tooltip) {
    double xm = (x0 + x1) / 2;
    GeneralPath p = new GeneralPath();
    p.moveTo(x0, y0);
    p.curveTo(xm, y0, xm, y1, x1, y1);
    p.lineTo(x1, y1 + thickness);
    p.curveTo(xm, y1 + thickness, xm, y0 + thickness, x0, y0 + thickness);
    p.closePath();
    g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) opacity));
    g.setColor(Color.decode(fill));
    g.fill(p);
    g.setComposite(AlphaComposite.SrcOver);
  }

  public BufferedImage image() {
    return image;
  }

  /** Writes the image as PNG, creating the parent folder. */
  public void write(Path file) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      ImageIO.write(image, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
