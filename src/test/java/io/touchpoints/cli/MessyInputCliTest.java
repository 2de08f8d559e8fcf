package io.touchpoints.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Messy input through the command line, Delta writes included: a file of extreme values completes and
 * reconciles; input that cannot be read as given (wrong format, a file lacking a required column) and an output
 * that cannot be written exit 2 with one {@code error:} line, before anything is written.
 */
class MessyInputCliTest extends SparkTestBase {

  private record Result(int code, String err) {}

  private Result run(String... args) {
    StringWriter err = new StringWriter();
    int code = TouchpointsCli.execute(new PrintWriter(err, true), args);
    return new Result(code, err.toString());
  }

  private static Path write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, bytes);
  }

  @Test
  void extremeValuesInEveryColumnCompleteTheRunAndReconcile() throws IOException {
    Path dir = newTempDir("extreme");
    ByteArrayOutputStream csv = new ByteArrayOutputStream();
    csv.writeBytes(("event_id,customer_id,anonymous_id,event_time,touchpoint,event_type,channel,stage,revenue,"
        + "csat,nps,segment,journey_id,rated_touchpoint\n").getBytes(StandardCharsets.UTF_8));
    String[] lines = {
        "ok1,c1,,2024-01-01T10:00:00Z,email,,,,,,,,,",
        "ok2,c1,,2024-01-01T10:05:00Z,checkout,conversion,,,99999999999999.9999,,,,,",
        "year1,c1,,0001-01-01T00:00:00Z,email,,,,,,,,,",
        "ancient,c1,,1582-10-04T00:00:00Z,email,,,,,,,,,",
        "max,c1,,9999-12-31T23:59:59.999999Z,email,,,,,,,,,",
        "beyond,c1,,+294247-01-10T04:00:54Z,email,,,,,,,,,",
        "rev,c2,,2024-01-02T10:00:00Z,checkout,conversion,,,1e308,,,,,",
        "rev-inf,c2,,2024-01-02T10:00:00Z,checkout,conversion,,,-Infinity,,,,,",
        "csat,c2,,2024-01-02T10:00:00Z,survey,survey,,,,2147483648,-2147483649,,,",
        "long,c3,," + "2024-01-03T10:00:00Z," + "t".repeat(100_000) + ",,,,,,," + "s".repeat(50_000) + ",,",
        "ctrl,c\u0000\u0001\u007f3,,2024-01-03T10:01:00Z,email\u0007,,,,,,,\t,,",
        "quote,c4,,2024-01-04T10:00:00Z,\"say \\\"hi\\\", go\",,,,,,,,,"};
    for (String line : lines) {
      csv.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    // An unpaired surrogate as CESU bytes (invalid UTF-8), and a lone Latin-1 byte.
    csv.writeBytes("surrogate,c5\u0000".getBytes(StandardCharsets.UTF_8));
    csv.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
    csv.writeBytes(",,2024-01-05T10:00:00Z,email,,,,,,,,,\nlatin,c\u00e9".getBytes(StandardCharsets.UTF_8));
    csv.writeBytes(new byte[] {(byte) 0xE9});
    csv.writeBytes(",,2024-01-05T10:00:00Z,email,,,,,,,,,\n".getBytes(StandardCharsets.UTF_8));
    Path input = write(dir.resolve("in/events.csv"), csv.toByteArray());
    String out = dir.resolve("out").toString();

    Result result = run("journeys", "--input", input.getParent().toString(), "--output", out,
        "--run-date", "2024-06-01");
    assertThat(result.code()).as("exit code (%s)", result.err()).isZero();
    DeltaTables tables = new DeltaTables(session(), out);
    Map<String, String> reasons = new TreeMap<>();
    for (Row r : tables.read(TableNames.QUARANTINE).select("raw_record", "reason").collectAsList()) {
      String raw = r.getString(0);
      reasons.put(raw.substring(raw.indexOf(':') + 2, raw.indexOf('"', raw.indexOf(':') + 2)), r.getString(1));
    }
    assertThat(reasons).isEqualTo(Map.of(
        "year1", "TIME_OUT_OF_RANGE", "ancient", "TIME_OUT_OF_RANGE", "max", "FUTURE_TIME", "beyond",
        "FUTURE_TIME", "rev", "NUMBER_OUT_OF_RANGE", "rev-inf", "NUMBER_OUT_OF_RANGE",
        "csat", "NUMBER_OUT_OF_RANGE", "surrogate", "INVALID_ENCODING", "latin", "INVALID_ENCODING"));
    Row ledger = tables.read(TableNames.RUNS).filter(col("stage").equalTo("run").and(col("status").equalTo("ok")))
        .first();
    long read = ledger.<Long>getAs("rows_in");
    long kept = tables.read(TableNames.EVENTS).count();
    assertThat(read).as("rows read").isEqualTo(lines.length + 2);
    assertThat(kept).as("kept: ok1, ok2, long, ctrl, quote").isEqualTo(5);
    assertThat(read).as("read = kept + quarantined + duplicates").isEqualTo(kept + reasons.size()
        + ledger.<Long>getAs("rows_duplicate"));
  }

  @Test
  void inputThatCannotBeReadAsGivenExitsTwoBeforeAnythingIsWritten() throws IOException {
    Path dir = newTempDir("cannot");
    Path csv = write(dir.resolve("csv/events.csv"),
        "customer_id,event_time,touchpoint\nc1,2024-01-01T10:00:00Z,email\n".getBytes(StandardCharsets.UTF_8));
    Path out = dir.resolve("out");

    Result parquet = run("journeys", "--input", csv.toString(), "--output", out.toString(), "--format", "parquet");
    assertThat(parquet.code()).isEqualTo(2);
    assertThat(parquet.err()).startsWith("error: input " + csv + " is not Parquet (--format parquet): found text");
    Result json = run("journeys", "--input", csv.toString(), "--output", out.toString(), "--format", "json");
    assertThat(json.code()).isEqualTo(2);
    assertThat(json.err()).contains("is not JSON lines (--format json)");

    Path lacking = write(dir.resolve("csv/more.csv"),
        "event_time,touchpoint\n2024-01-01T10:00:00Z,email\n".getBytes(StandardCharsets.UTF_8));
    Result missing = run("journeys", "--input", csv.getParent().toString(), "--output", out.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("input " + lacking + ": required column 'customer_id' (or 'anonymous_id')");
    assertThat(Files.exists(out)).as("output written").isFalse();

    Path file = write(dir.resolve("a-file"), new byte[0]);
    Result unwritable = run("journeys", "--input", csv.toString(), "--output", file.resolve("out").toString());
    assertThat(unwritable.code()).isEqualTo(2);
    assertThat(unwritable.err()).contains("error: output path cannot be created: " + file.resolve("out"));
  }
}
