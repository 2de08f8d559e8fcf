package io.touchpoints.input;

import io.touchpoints.pipeline.InputException;
import static io.touchpoints.input.EventValidator.REASON;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoints.config.JobConfig;
import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Input as real exports produce it, read and validated without writing tables: folders whose files order their
 * columns differently, a file lacking a required column, files read with the wrong format, and values no table
 * column can hold. Each case is hand-worked: the expected rows are written out below.
 */
class MessyInputTest extends SparkTestBase {

  private static final LocalDate RUN_DATE = LocalDate.of(2024, 6, 1);
  private static final JobConfig.ValidationSettings SETTINGS =
      new JobConfig.ValidationSettings(Duration.ofDays(1), LocalDate.of(1900, 1, 1), 1, 5, 0, 10);

  private static Path write(Path dir, String name, String text) {
    return write(dir, name, text.getBytes(StandardCharsets.UTF_8));
  }

  private static Path write(Path dir, String name, byte[] bytes) {
    try {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Dataset<Row> read(Path path, String format) {
    return new EventReader(session()).read(path.toString(), format, SourceMapping.identity());
  }

  /** event_id -> "customer_id|touchpoint|channel" of every row read. */
  private static Map<String, String> byId(Dataset<Row> read) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : read.select("event_id", "customer_id", "touchpoint", "channel").collectAsList()) {
      out.put(r.getString(0), r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3));
    }
    return out;
  }

  @Test
  void filesOfAFolderAreReadByColumnNameWhateverTheirColumnOrder() {
    Path dir = newTempDir("by-name");
    write(dir, "a.csv", "event_id,customer_id,event_time,touchpoint\nA1,c1,2024-01-01T10:00:00Z,email\n");
    // Same columns, customer_id and touchpoint swapped, plus a column the mapping does not use.
    write(dir, "b.csv", "event_id,touchpoint,event_time,customer_id,crm_note\n"
        + "B1,web_visit,2024-01-02T10:00:00Z,c2,hello\n");
    // A subset of the columns (no customer_id: anonymous only), and a channel column the others lack.
    write(dir, "c.csv", "anonymous_id,touchpoint,event_time,event_id,channel\n"
        + "a7,checkout,2024-01-03T10:00:00Z,C1,owned\n");
    // Same header as a.csv: one scan for both.
    write(dir, "d.csv", "event_id,customer_id,event_time,touchpoint\nD1,c4,2024-01-04T10:00:00Z,survey\n");

    Dataset<Row> read = read(dir, "csv");
    assertThat(byId(read)).as("every field taken by its name").isEqualTo(Map.of(
        "A1", "c1|email|null", "B1", "c2|web_visit|null", "C1", "null|checkout|owned", "D1", "c4|survey|null"));
    Row b = read.filter(col("event_id").equalTo("B1")).first();
    assertThat(b.<String>getAs(EventColumns.RAW_RECORD)).as("raw record: every source field, named as in the file")
        .isEqualTo("{\"event_id\":\"B1\",\"touchpoint\":\"web_visit\",\"event_time\":\"2024-01-02T10:00:00Z\","
            + "\"customer_id\":\"c2\",\"crm_note\":\"hello\"}");
    assertThat(read.filter(col(EventReader.MALFORMED)).count()).as("malformed rows").isZero();
  }

  @Test
  void aFileOfAFolderLackingARequiredColumnFailsNamingTheFileAndTheColumn() {
    Path dir = newTempDir("lacking");
    write(dir, "a.csv", "customer_id,event_time,touchpoint\nc1,2024-01-01T10:00:00Z,email\n");
    Path bad = write(dir, "b.csv", "customer_id,event_time,channel\nc2,2024-01-01T10:00:00Z,paid\n");
    assertThatThrownBy(() -> read(dir, "csv"))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("input " + bad + ": required column 'touchpoint' is missing")
        .hasMessageContaining("Columns found: [customer_id, event_time, channel]");
  }

  @Test
  void aFileReadWithTheWrongFormatFailsSayingWhatWasExpectedAndFound() {
    Path dir = newTempDir("format");
    Path csv = write(dir, "csv/events.csv", "customer_id,event_time,touchpoint\nc1,2024-01-01T10:00:00Z,email\n");
    assertThatThrownBy(() -> read(csv, "parquet")).isInstanceOf(InputException.class)
        .hasMessageStartingWith("input " + csv + " is not Parquet (--format parquet): found text (CSV-like) "
            + "starting with 'customer_id,event_time,touchpoint.c1,202'");
    assertThatThrownBy(() -> read(csv.getParent(), "json")).isInstanceOf(InputException.class)
        .hasMessageStartingWith("input " + csv + " is not JSON lines (--format json): found text (CSV-like)");

    Path json = write(dir, "json/events.json",
        "{\"customer_id\":\"c1\",\"event_time\":\"2024-01-01T10:00:00Z\",\"touchpoint\":\"email\"}\n");
    assertThatThrownBy(() -> read(json, "csv")).isInstanceOf(InputException.class)
        .hasMessageStartingWith("input " + json + " is not CSV with a header line (--format csv): found JSON");

    Path parquet = dir.resolve("parquet");
    read(csv, "csv").select("customer_id", "event_time", "touchpoint").write().parquet(parquet.toString());
    assertThatThrownBy(() -> read(parquet, "csv")).isInstanceOf(InputException.class)
        .hasMessageContaining("is not CSV with a header line (--format csv): found Parquet");
    assertThatThrownBy(() -> read(parquet, "delta")).isInstanceOf(InputException.class)
        .hasMessageStartingWith("input " + parquet + " is not a Delta table (--format delta)");
    assertThat(read(parquet, "parquet").count()).as("the Parquet folder read as Parquet").isEqualTo(1);

    // Right format, every line broken: read, and quarantined row by row as before.
    Path brokenJson = write(dir, "broken/events.json", "{\"customer_id\": \n{oops\n");
    assertThat(read(brokenJson, "json").filter(col(EventReader.MALFORMED)).count()).as("malformed JSON lines")
        .isEqualTo(2);
  }

  @Test
  void emptyFilesOfAFolderAreSkippedAndAFolderOfOnlyEmptyFilesHasNoHeader() {
    Path dir = newTempDir("empty");
    write(dir, "a.csv", "");
    assertThatThrownBy(() -> read(dir, "csv")).isInstanceOf(InputException.class)
        .hasMessageStartingWith("no header line found in ");
    write(dir, "b.csv", "customer_id,event_time,touchpoint\nc1,2024-01-01T10:00:00Z,email\n");
    assertThat(read(dir, "csv").count()).as("rows of the folder").isEqualTo(1);
  }

  @Test
  void aHeaderWithAByteOrderMarkIsReadByName() {
    Path dir = newTempDir("bom");
    byte[] text = "touchpoint,customer_id,event_time,event_id\r\nemail,c1,2024-01-01T10:00:00Z,E1\r\n"
        .getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[text.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(text, 0, withBom, 3, text.length);
    write(dir, "bom.csv", withBom);
    assertThat(byId(read(dir, "csv"))).isEqualTo(Map.of("E1", "c1|email|null"));
  }

  @Test
  void aLatinOneFileIsDecodedWithTheMappingsEncoding() {
    Path dir = newTempDir("latin1");
    write(dir, "events.csv", "event_id,customer_id,event_time,touchpoint\nE1,céline,2024-01-01T10:00:00Z,email\n"
        .getBytes(Charset.forName("ISO-8859-1")));
    Dataset<Row> read = new EventReader(session()).read(dir.toString(), "csv",
        SourceMapping.parse("mapping { encoding = \"ISO-8859-1\" }"));
    assertThat(byId(read)).isEqualTo(Map.of("E1", "céline|email|null"));
  }

  // ---- values a table cannot hold ----

  @Test
  void timesAndNumbersNoColumnCanHoldAreQuarantinedNeverNulled() {
    Path dir = newTempDir("range");
    write(dir, "events.csv", String.join("\n",
        "event_id,customer_id,event_time,touchpoint,revenue,csat,nps",
        "ok-1900,c1,1900-01-01T00:00:00Z,email,,,",
        "ok-max-revenue,c1,2024-01-01T00:00:00Z,checkout,99999999999999.9999,,",
        "year-1,c1,0001-01-01T00:00:00Z,email,,,",
        "before-min,c1,1899-12-31T23:59:59Z,email,,,",
        "revenue-1e14,c1,2024-01-01T00:00:00Z,checkout,100000000000000,,",
        "revenue-1e30,c1,2024-01-01T00:00:00Z,checkout,1e30,,",
        "revenue-inf,c1,2024-01-01T00:00:00Z,checkout,Infinity,,",
        "revenue-nan,c1,2024-01-01T00:00:00Z,checkout,NaN,,",
        "csat-huge,c1,2024-01-01T00:00:00Z,survey,,99999999999,",
        "nps-huge,c1,2024-01-01T00:00:00Z,survey,,,-1e20",
        "csat-fraction,c1,2024-01-01T00:00:00Z,survey,,4.5,",
        "revenue-text,c1,2024-01-01T00:00:00Z,checkout,lots,,") + "\n");
    EventValidator validator = new EventValidator(SETTINGS, Map.of(), RUN_DATE);
    Dataset<Row> validated = validator.validate(read(dir, "csv"));
    Map<String, String> reasons = new TreeMap<>();
    for (Row r : EventValidator.quarantine(validated).select(col(REASON), col(EventColumns.RAW_RECORD))
        .collectAsList()) {
      String raw = r.getString(1);
      reasons.put(raw.substring(raw.indexOf(':') + 2, raw.indexOf('"', raw.indexOf(':') + 2)), r.getString(0));
    }
    assertThat(reasons).as("quarantined rows by event_id").isEqualTo(Map.of(
        "year-1", "TIME_OUT_OF_RANGE", "before-min", "TIME_OUT_OF_RANGE",
        "revenue-1e14", "NUMBER_OUT_OF_RANGE", "revenue-1e30", "NUMBER_OUT_OF_RANGE",
        "revenue-inf", "NUMBER_OUT_OF_RANGE", "revenue-nan", "INVALID_NUMBER",
        "csat-huge", "NUMBER_OUT_OF_RANGE", "nps-huge", "NUMBER_OUT_OF_RANGE",
        "csat-fraction", "INVALID_NUMBER", "revenue-text", "INVALID_NUMBER"));
    List<Row> clean = validator.clean(validated).select("event_id", "revenue").orderBy("event_id").collectAsList();
    assertThat(clean).as("clean rows").hasSize(2);
    assertThat(clean.get(1).getDecimal(1)).as("largest revenue decimal(18,4) holds")
        .isEqualByComparingTo("99999999999999.9999");
  }

  // ---- encodings, lines, the whole source row ----

  private Map<String, Row> quarantinedByReason(Dataset<Row> read) {
    EventValidator validator = new EventValidator(SETTINGS, Map.of(), RUN_DATE);
    Map<String, Row> out = new TreeMap<>();
    for (Row r : EventValidator.quarantine(validator.validate(read)).collectAsList()) {
      out.put(r.getString(0), r);
    }
    return out;
  }

  @Test
  void invalidUtf8IsQuarantinedWithItsExactBytesNeverSilentlyReplaced() {
    Path dir = newTempDir("utf8");
    byte[] head = "event_id,customer_id,event_time,touchpoint\nE1,caf\u00e9,2024-01-01T10:00:00Z,email\nE2,c"
        .getBytes(StandardCharsets.UTF_8);
    byte[] latin = "\u00e9line".getBytes(Charset.forName("ISO-8859-1"));
    byte[] tail = ",2024-01-01T11:00:00Z,web_visit\nE3,\ufffd,2024-01-01T12:00:00Z,email\n"
        .getBytes(StandardCharsets.UTF_8);
    byte[] file = new byte[head.length + latin.length + tail.length];
    System.arraycopy(head, 0, file, 0, head.length);
    System.arraycopy(latin, 0, file, head.length, latin.length);
    System.arraycopy(tail, 0, file, head.length + latin.length, tail.length);
    write(dir, "events.csv", file);
    Dataset<Row> read = read(dir, "csv");
    assertThat(byId(read)).as("valid UTF-8 decoded, a written U+FFFD kept").containsEntry("E1", "caf\u00e9|email|null")
        .containsEntry("E3", "\ufffd|email|null");
    Map<String, Row> quarantined = quarantinedByReason(read);
    assertThat(quarantined).containsOnlyKeys("INVALID_ENCODING");
    Row bad = quarantined.get("INVALID_ENCODING");
    assertThat(bad.<String>getAs(EventColumns.RAW_RECORD)).as("raw record: text, the bad byte replaced")
        .contains("\"customer_id\":\"c\ufffdline\"");
    byte[] rawBytes = java.util.Base64.getDecoder().decode(bad.<String>getAs(EventColumns.RAW_BYTES));
    assertThat(new String(rawBytes, Charset.forName("ISO-8859-1"))).as("raw bytes: the row's exact bytes")
        .isEqualTo("E2,c\u00e9line,2024-01-01T11:00:00Z,web_visit");
  }

  @Test
  void invalidUtf8InJsonLinesKeepsTheLinesBytes() {
    Path dir = newTempDir("utf8-json");
    byte[] a = "{\"customer_id\":\"c".getBytes(StandardCharsets.UTF_8);
    byte[] b = {(byte) 0xE9};
    byte[] c = "\",\"event_time\":\"2024-01-01T10:00:00Z\",\"touchpoint\":\"email\"}\n".getBytes(StandardCharsets.UTF_8);
    byte[] file = new byte[a.length + b.length + c.length];
    System.arraycopy(a, 0, file, 0, a.length);
    System.arraycopy(b, 0, file, a.length, b.length);
    System.arraycopy(c, 0, file, a.length + b.length, c.length);
    write(dir, "events.json", file);
    Row bad = quarantinedByReason(read(dir, "json")).get("INVALID_ENCODING");
    assertThat(java.util.Base64.getDecoder().decode(bad.<String>getAs(EventColumns.RAW_BYTES))).as("the line's bytes")
        .isEqualTo(java.util.Arrays.copyOf(file, file.length - 1));
  }

  @Test
  void jsonRawRecordIsTheWholeLineWithKeysTheMappingDoesNotName() {
    Path dir = newTempDir("json-raw");
    String line = "{\"customer_id\":\"c1\",\"Customer_ID\":\"C-1\",\"event_time\":\"not a time\","
        + "\"touchpoint\":\"email\",\"extra\":{\"n\":1}}";
    write(dir, "events.json", "\n" + line + "\n\n");
    Dataset<Row> read = read(dir, "json");
    assertThat(read.count()).as("blank lines are no records").isEqualTo(1);
    Row bad = quarantinedByReason(read).get("UNPARSEABLE_TIME");
    assertThat(bad.<String>getAs(EventColumns.RAW_RECORD)).isEqualTo(line);
    assertThat(bad.<String>getAs(EventColumns.RAW_BYTES)).as("valid text: no bytes kept").isNull();
  }

  @Test
  void aQuotedFieldSpanningLinesIsOneRecordWithMultiLineAndRecognisedFragmentsWithout() {
    Path dir = newTempDir("multiline");
    // A spanning field in the last column would leave a first piece with the header's field count, which no
    // reader can tell from a record (README, "Input that goes wrong"): here it is in the middle.
    write(dir, "events.csv", "event_id,customer_id,segment,event_time,touchpoint\n"
        + "E1,c1,\"first line\nsecond, line\",2024-01-01T10:00:00Z,email\n"
        + "E2,c1,plain,2024-01-01T11:00:00Z,web_visit\n");
    Dataset<Row> together = new EventReader(session()).read(dir.toString(), "csv",
        SourceMapping.parse("mapping { options { multiLine = true } }"));
    assertThat(together.filter(col("event_id").equalTo("E1")).select("segment").first().getString(0))
        .as("the field with its line break").isEqualTo("first line\nsecond, line");
    assertThat(quarantinedByReason(together)).as("nothing quarantined with multiLine").isEmpty();

    Dataset<Row> split = read(dir, "csv");
    assertThat(split.count()).as("two fragments and one whole line").isEqualTo(3);
    Map<String, Long> reasons = new TreeMap<>();
    EventValidator validator = new EventValidator(SETTINGS, Map.of(), RUN_DATE);
    for (Row r : EventValidator.quarantine(validator.validate(split)).collectAsList()) {
      reasons.merge(r.getString(0), 1L, Long::sum);
    }
    assertThat(reasons).as("both fragments, recognised").isEqualTo(Map.of("LINE_FRAGMENT", 2L));
  }
}
