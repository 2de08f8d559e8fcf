package io.touchpoints.report;

import io.touchpoints.testing.QuickRuns;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.cli.TouchpointsCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.touchpoints.testing.LogWarnings;

/**
 * One small generated run (300 customers, every stage but the causal ones; logistic regression the only candidate
 * besides the baselines) shared by the report tests of this JVM: the tables are written once, through the command
 * line, like a user would.
 */
final class ReportFixture {

  private static Path output;
  private static List<String> warnings;

  private ReportFixture() {}

  /** Runs a command line in-process; fails the test with its error output on a non-zero exit code. */
  static String cli(String... args) {
    StringWriter err = new StringWriter();
    int code = TouchpointsCli.execute(new PrintWriter(err, true), args);
    assertThat(code).as("exit code of %s; error output:%n%s", String.join(" ", args), err).isZero();
    return err.toString();
  }

  /** The output folder of the shared run (created on first use; needs the shared Spark session started). */
  static synchronized Path output() {
    if (output == null) {
      try {
        Path dir = Files.createTempDirectory("touchpoints-report");
        cli("generate", "--customers", "300", "--days", "120", "--seed", "11", "--output",
            dir.resolve("data").toString(), "--format", "csv");
        try (LogWarnings collected = LogWarnings.collect()) {
          cli("run", "--input", dir.resolve("data/events").toString(), "--format", "csv", "--output",
              dir.resolve("out").toString(), "--run-date", "2026-01-31",
              "--conf", QuickRuns.SKIP_CAUSAL_STAGES, "--conf", "attribution.bootstrap_replicates=10",
              "--conf", "attribution.markov_orders=[1,2]",
              // The report draws whatever candidates ran; boosted trees' fits are NextTouchpointModelTest's subject.
              "--conf", "model.candidates=[logistic_regression]");
          warnings = collected.lines();
        }
        output = dir.resolve("out");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return output;
  }

  /** The WARN and ERROR lines of Spark, Delta, Hadoop and MLlib during the shared run (after the log settings). */
  static synchronized List<String> runWarnings() {
    output();
    return warnings;
  }
}
