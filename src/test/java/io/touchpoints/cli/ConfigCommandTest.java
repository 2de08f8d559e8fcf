package io.touchpoints.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code touchpoints config KEY...}: what scripts read, resolved as the job resolves it; starts no Spark. */
class ConfigCommandTest {

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int code = TouchpointsCli.execute(new PrintWriter(err, true), args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(stdout);
    }
  }

  @Test
  void printsResolvedValuesOnePerLineInTheOrderAsked(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("prod.conf"),
        "touchpoints { output.path = \"hdfs:///touchpoints\", nightly { log_dir = ${touchpoints.output.path}\"-logs\" } }");
    Result r = run("config", "--config", file.toString(), "--conf", "nightly.incremental=true",
        "nightly.log_dir", "touchpoints.output.path", "nightly.incremental", "attribution.markov_orders",
        "input.path");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines().toList()).containsExactly(
        "hdfs:///touchpoints-logs", "hdfs:///touchpoints", "true", "[1,2,3,4]", "sample-data/events");
  }

  @Test
  void unknownKeyOrBadSettingExitsTwoAndPrintsNothing() {
    Result missing = run("config", "output.path", "nightly.no_such_key");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("no setting nightly.no_such_key");
    assertThat(missing.out()).as("no partial answer").isEmpty();

    Result bad = run("config", "--conf", "input.format=xls", "output.path");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("input.format must be one of csv, json, parquet, delta, got 'xls'");
  }

  @Test
  void aMasterIsAcceptedButSaidToHaveNoEffect() {
    Result r = run("config", "--master", "spark://host:7077", "output.path");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines().toList()).containsExactly("output");
    assertThat(r.err()).contains("note: config starts no Spark session; --master spark://host:7077 has no effect");

    assertThat(run("config", "output.path").err()).as("no note without --master").isEmpty();
  }
}
