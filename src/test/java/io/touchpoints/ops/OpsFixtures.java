package io.touchpoints.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Small inputs and settings for the tests that run the whole job in separate JVMs (nightly script, cluster): the
 * first rows of the bundled sample log and a settings file that keeps every stage but makes it cheap.
 */
final class OpsFixtures {

  /** Rows of the sample log the out-of-process tests read: a few hundred customers, every quarantine reason. */
  static final int INPUT_ROWS = 2000;

  private OpsFixtures() {}

  /** The header and the first {@code rows} rows of sample-data/events as one CSV file in {@code dir}. */
  static Path smallInput(Path dir, int rows) {
    Path sample = BuiltArtifacts.projectDir().resolve("sample-data/events/part-00000.csv");
    Path target = dir.resolve("events.csv");
    try (Stream<String> lines = Files.lines(sample, StandardCharsets.UTF_8)) {
      Files.write(target, lines.limit(rows + 1L).toList(), StandardCharsets.UTF_8);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A --config file: every stage with lighter attribution (Markov orders 1-2, 5 bootstrap replicates) and small
   * Spark partition counts, plus {@code extraLines} (HOCON under {@code touchpoints}).
   */
  static Path lightSettings(Path dir, List<String> extraLines) {
    StringBuilder text = new StringBuilder("touchpoints {\n")
        .append("  attribution { markov_orders = [1, 2], bootstrap_replicates = 5 }\n")
        // The causal stages have their own tests; here they would only double the runs' time.
        .append("  run { skip = [effects, recommend] }\n")
        .append("  spark { \"spark.sql.shuffle.partitions\" = \"2\", ")
        .append("\"spark.databricks.delta.snapshotPartitions\" = \"1\", \"spark.ui.enabled\" = \"false\" }\n");
    extraLines.forEach(line -> text.append("  ").append(line).append('\n'));
    text.append("}\n");
    try {
      return Files.writeString(dir.resolve("settings.conf"), text.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A HOCON string literal. */
  static String quoted(Object value) {
    return com.typesafe.config.ConfigValueFactory.fromAnyRef(value.toString())
        .render(com.typesafe.config.ConfigRenderOptions.concise());
  }

  /** The last {@code n} lines of a text file, for failure messages. */
  static String tail(Path file, int n) {
    try {
      if (!Files.exists(file)) {
        return "(no " + file + ")";
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
