package io.touchpoints.pipeline;

import java.io.PrintStream;
import java.util.Locale;

/** Prints the one-line progress message of each stage: what it did, with row counts and seconds. */
public final class StageReporter {
  private final PrintStream out;

  public StageReporter(PrintStream out) {
    this.out = out;
  }

  public void stage(String stage, String message, double seconds) {
    out.printf(Locale.ROOT, "[%s] %s (%.1f s)%n", stage, message, seconds);
    out.flush();
  }

  public void line(String message) {
    out.println(message);
    out.flush();
  }

  /** 1234567 as "1,234,567". */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
