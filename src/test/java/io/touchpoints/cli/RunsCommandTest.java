package io.touchpoints.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code touchpoints runs}: the ledger, one line per run or per stage, newest first. */
class RunsCommandTest extends SparkTestBase {

  private record Result(int code, String out, String err) {}

  private Result run(String... args) {
    StringWriter err = new StringWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = TouchpointsCli.execute(new PrintWriter(err, true), args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(saved);
    }
  }

  @Test
  void printsEveryRunNewestFirstAndItsStagesWithTableVersions() throws IOException {
    Path dir = newTempDir("runs");
    Path input = dir.resolve("e.csv");
    Files.writeString(input, "customer_id,event_time,touchpoint,event_type\n"
        + "c1,2024-01-01T10:00:00Z,email,interaction\nc1,2024-01-01T11:00:00Z,checkout,conversion\n"
        + "c2,bad-time,email,interaction\n", StandardCharsets.UTF_8);
    String out = dir.resolve("out").toString();
    assertThat(run("journeys", "--input", input.toString(), "--output", out, "--run-date", "2024-01-01").code())
        .isZero();
    assertThat(run("journeys", "--input", input.toString(), "--output", out, "--run-date", "2024-01-02").code())
        .isZero();

    Result runs = run("runs", "--output", out, "--format", "json");
    assertThat(runs.code()).as(runs.err()).isZero();
    List<String> lines = Arrays.stream(runs.out().split("\n")).filter(l -> l.startsWith("{")).toList();
    assertThat(lines).as("one line per run").hasSize(2);
    assertThat(lines.get(0)).as("newest first").contains("\"run_date\":\"2024-01-02\"")
        .contains("\"status\":\"ok\"").contains("\"mode\":\"full\"").contains("\"rows_in\":3")
        .contains("\"rows_quarantined\":1").contains("\"output_versions\":{").contains("\"journeys\":");
    assertThat(lines.get(1)).contains("\"run_date\":\"2024-01-01\"");

    Result stages = run("runs", "--output", out, "--stages", "--format", "csv");
    assertThat(stages.code()).isZero();
    assertThat(stages.out()).contains("run_id,run_date,stage,status").contains(",ingest,ok,")
        .contains(",journeys,ok,");
    assertThat(run("runs", "--output", out, "--format", "xml").code()).as("bad format").isEqualTo(2);
  }
}
