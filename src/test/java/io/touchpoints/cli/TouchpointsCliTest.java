package io.touchpoints.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Exit codes and messages of the command line (on the shared test session: commands never stop it). */
class TouchpointsCliTest extends SparkTestBase {

  private record Result(int code, String err) {}

  private Result run(String... args) {
    StringWriter err = new StringWriter();
    int code = TouchpointsCli.execute(new PrintWriter(err, true), args);
    return new Result(code, err.toString());
  }

  @Test
  void helpAndVersionExitZero() {
    assertThat(run("--help").code()).isZero();
    assertThat(run("journeys", "--help").code()).isZero();
    assertThat(run("--version").code()).isZero();
  }

  @Test
  void badUsageExitsTwoWithAMessage() {
    Result unknown = run("journeys", "--no-such-option");
    assertThat(unknown.code()).as("unknown option").isEqualTo(2);
    assertThat(unknown.err()).contains("--no-such-option");

    Result badDate = run("journeys", "--input", "x.csv", "--run-date", "22/11/2026");
    assertThat(badDate.code()).as("bad run date").isEqualTo(2);
    assertThat(badDate.err()).contains("22/11/2026");

    Result badConf = run("journeys", "--conf", "journey.session_gap=-5m");
    assertThat(badConf.code()).as("negative duration").isEqualTo(2);
    assertThat(badConf.err()).contains("journey.session_gap");
  }

  @Test
  void unreadableInputExitsTwoAndWritesNothing() {
    Path out = newTempDir("cli").resolve("out");
    Result missing = run("journeys", "--input", "/no/such/events.csv", "--output", out.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("input path not found: /no/such/events.csv");
    assertThat(Files.exists(out)).as("output created").isFalse();
  }

  @Test
  void missingColumnExitsTwoNamingIt() throws IOException {
    Path dir = newTempDir("cli");
    Path input = dir.resolve("e.csv");
    Files.writeString(input, "customer,time,touchpoint\nc1,2024-01-01T00:00:00Z,email\n", StandardCharsets.UTF_8);
    Result result = run("journeys", "--input", input.toString(), "--output", dir.resolve("out").toString());
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("'event_time'").contains("'customer_id'").contains("--mapping");
  }

  @Test
  void showOfAMissingTableExitsTwo() {
    Path out = newTempDir("cli");
    Result result = run("show", "journeys", "--output", out.toString());
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("no Delta table 'journeys'");
    assertThat(run("show", "journeys", "--output", out.toString(), "--format", "xml").err())
        .contains("--format must be table, csv or json, got 'xml'");
    assertThat(run("runs", "--output", out.toString(), "--master", "local[1]").err())
        .contains("note: runs starts no Spark session; --master local[1] has no effect")
        .contains("no Delta table 'runs'");
  }

  @Test
  void journeysThenShowPrintsTheTable() throws IOException {
    Path dir = newTempDir("cli");
    Path input = dir.resolve("e.csv");
    Files.writeString(input, "customer_id,event_time,touchpoint,event_type\n"
        + "c1,2024-01-01T10:00:00Z,email,interaction\nc1,2024-01-01T10:05:00Z,checkout,conversion\n",
        StandardCharsets.UTF_8);
    String out = dir.resolve("out").toString();
    assertThat(run("journeys", "--input", input.toString(), "--output", out, "--run-date", "2024-02-01").code())
        .isZero();
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.out;
    System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertThat(run("show", "paths", "--output", out, "--format", "csv").code()).isZero();
    } finally {
      System.setOut(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("path,journeys,total_conversions,total_conversion_value,total_null,run_date")
        .contains("email,1,1,0.0000,0,2024-02-01");
  }
}
