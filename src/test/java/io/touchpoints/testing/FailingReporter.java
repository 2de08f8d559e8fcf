package io.touchpoints.testing;

import io.touchpoints.pipeline.StageReporter;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Injects a failure into a run: a reporter that throws when {@code stage} prints its progress line, that is right
 * after the stage has committed its tables. No hook in the job's own code.
 */
public final class FailingReporter {

  private FailingReporter() {}

  /** @param printed receives every line printed before the failure */
  public static StageReporter after(String stage, OutputStream printed) {
    return new StageReporter(new PrintStream(printed, true, StandardCharsets.UTF_8) {
      @Override
      public PrintStream printf(Locale l, String format, Object... args) {
        if (args.length > 0 && stage.equals(args[0])) {
          throw new IllegalStateException("injected failure after " + stage);
        }
        return super.printf(l, format, args);
      }
    });
  }
}
