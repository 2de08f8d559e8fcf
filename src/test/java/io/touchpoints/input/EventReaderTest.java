package io.touchpoints.input;

import io.touchpoints.pipeline.InputException;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The reader: CSV, JSON lines and Parquet onto the canonical text columns; timestamp patterns and zones; value
 * maps, constants and defaults; errors for missing columns and paths; the input order of rows.
 */
class EventReaderTest extends SparkTestBase {

  private static final String TIME = EventReader.PARSED_TIME;

  private EventReader reader() {
    return new EventReader(session());
  }

  private static Path write(String name, String text) {
    try {
      Path file = newTempDir("reader").resolve(name);
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Timestamp ts(String instant) {
    return instant == null ? null : Timestamp.from(Instant.parse(instant));
  }

  private static StructType strings(String... names) {
    StructType s = new StructType();
    for (String n : names) {
      s = s.add(n, DataTypes.StringType, true);
    }
    return s;
  }

  private static Column[] cols(String... names) {
    List<Column> out = new ArrayList<>();
    for (String n : names) {
      out.add(col(n));
    }
    return out.toArray(Column[]::new);
  }

  /** event_id and parsed time of each row. */
  private static final StructType ID_TIME = new StructType()
      .add(EventColumns.EVENT_ID, DataTypes.StringType).add(TIME, DataTypes.TimestampType);

  private Dataset<Row> idTimes(Object... idAndInstant) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < idAndInstant.length; i += 2) {
      rows.add(RowFactory.create(idAndInstant[i], ts((String) idAndInstant[i + 1])));
    }
    return session().createDataFrame(rows, ID_TIME);
  }

  // ---- JSON lines ----

  @Test
  void jsonNumbersAreReadAsTextAndABrokenLineIsMalformed() {
    String broken = "{\"event_id\": \"j3\", \"customer_id\": \"c3\", \"event_time\": ";
    Path file = write("events.json", String.join("\n",
        "{\"event_id\": \"j1\", \"customer_id\": 42, \"event_time\": \"2024-01-01T10:00:00Z\","
            + " \"touchpoint\": \"email\", \"csat\": 4, \"nps\": 9, \"revenue\": 10.5, \"event_type\": \"survey\"}",
        "{\"event_id\": \"j2\", \"customer_id\": \"c2\", \"event_time\": \"2024-01-02T10:00:00Z\","
            + " \"touchpoint\": \"web_visit\", \"unrelated\": true}",
        broken) + "\n");
    Dataset<Row> read = reader().read(file.toString(), "json", SourceMapping.identity());
    Dataset<Row> expected = session().createDataFrame(List.of(
        RowFactory.create("j1", "42", "email", "survey", "4", "9", "10.5", false),
        RowFactory.create("j2", "c2", "web_visit", null, null, null, null, false)),
        strings("event_id", "customer_id", "touchpoint", "event_type", "csat", "nps", "revenue")
            .add(EventReader.MALFORMED, DataTypes.BooleanType));
    assertDataFrameNoOrderEquals(expected, nullable(read.filter(col(EventReader.MALFORMED).unary_$bang())
        .select(cols("event_id", "customer_id", "touchpoint", "event_type", "csat", "nps", "revenue",
            EventReader.MALFORMED))));
    List<String> malformed = read.filter(col(EventReader.MALFORMED)).select(EventColumns.RAW_RECORD)
        .as(Encoders.STRING()).collectAsList();
    assertThat(malformed).as("raw record of the broken JSON line").containsExactly(broken);
  }

  @Test
  void jsonFieldsNamedByTheMappingAreRead() {
    Path file = write("events.json",
        "{\"user\": 7, \"ts\": \"2024-01-01 10:00:00\", \"step\": \"  chat  \", \"event_id\": \"k1\"}\n");
    SourceMapping m = SourceMapping.parse(
        "mapping { columns { customer_id = user, event_time = ts, touchpoint = step }, "
            + "timestamp.zone = \"Europe/Brussels\" }");
    Row r = reader().read(file.toString(), "json", m)
        .select(cols("customer_id", "touchpoint", "event_time", TIME)).first();
    assertThat(r.getString(0)).as("customer_id from `user` (a number)").isEqualTo("7");
    assertThat(r.getString(1)).as("touchpoint from `step`, trimmed").isEqualTo("chat");
    assertThat(r.getString(2)).as("event_time text").isEqualTo("2024-01-01 10:00:00");
    assertThat(r.getTimestamp(3)).as("parsed time, Brussels winter time").isEqualTo(ts("2024-01-01T09:00:00Z"));
  }

  // ---- Parquet ----

  private Path parquetWithTypedTime() {
    StructType schema = new StructType()
        .add("event_id", DataTypes.StringType)
        .add("customer_id", DataTypes.StringType)
        .add("event_time", DataTypes.TimestampType)
        .add("touchpoint", DataTypes.StringType)
        .add("csat", DataTypes.IntegerType);
    Path dir = newTempDir("reader-parquet").resolve("events");
    session().createDataFrame(List.of(
            RowFactory.create("p1", "c1", ts("2024-07-01T08:00:00Z"), "email", 4),
            RowFactory.create("p2", "c1", ts("2024-01-15T23:30:00.123456Z"), "web_visit", null)), schema)
        .coalesce(1).write().parquet(dir.toString());
    return dir;
  }

  @Test
  void parquetTypedTimestampKeepsItsInstantAndTheMappingZoneIsNotAppliedAgain() {
    Path dir = parquetWithTypedTime();
    SourceMapping zoned = SourceMapping.parse("mapping { timestamp { zone = \"Europe/Brussels\" } }");
    Dataset<Row> read = reader().read(dir.toString(), "parquet", zoned);
    assertDataFrameNoOrderEquals(idTimes("p1", "2024-07-01T08:00:00Z", "p2", "2024-01-15T23:30:00.123456Z"),
        nullable(read.select(cols("event_id", TIME))));
    assertThat(read.schema().apply("csat").dataType()).as("an int column stays a number")
        .isEqualTo(DataTypes.IntegerType);
    assertThat(read.filter(col("event_id").equalTo("p1")).select("csat").as(Encoders.INT()).first())
        .as("its value").isEqualTo(4);
    assertThat(read.filter(col(EventReader.MALFORMED)).count()).as("malformed Parquet rows").isZero();
  }

  @Test
  void parquetTypedTimestampIsNotReparsedWithTheMappingPatterns() {
    // A mapping shared with text sources may name patterns; they are for text, not for typed times.
    Path dir = parquetWithTypedTime();
    SourceMapping m = SourceMapping.parse(
        "mapping { timestamp { patterns = [\"yyyy-MM-dd HH:mm:ss\"], zone = \"Europe/Brussels\" } }");
    assertDataFrameNoOrderEquals(idTimes("p1", "2024-07-01T08:00:00Z", "p2", "2024-01-15T23:30:00.123456Z"),
        nullable(reader().read(dir.toString(), "parquet", m).select(cols("event_id", TIME))));
  }

  @Test
  void aTypedNumberNextToASourceGivingItAsTextIsReadAsTextInBoth() {
    Path parquet = parquetWithTypedTime();
    Path root = parquet.getParent();
    try {
      Files.writeString(root.resolve("surveys.csv"), "event_id,customer_id,event_time,touchpoint,csat\n"
          + "t1,c2,2024-02-01T10:00:00Z,survey, 5 \n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Dataset<Row> read = reader().read(root.toString(), "csv", SourceMapping.parse(
        "mapping { sources = [ { path = events, format = parquet }, { path = surveys.csv } ] }"));
    assertThat(read.schema().apply("csat").dataType()).as("csat: int in one source, text in the other")
        .isEqualTo(DataTypes.StringType);
    assertThat(read.orderBy("event_id").select("csat").as(Encoders.STRING()).collectAsList())
        .as("csat of p1, p2, t1").containsExactly("4", null, "5");
  }

  // ---- timestamps ----

  private Dataset<Row> readTimes(String mapping, String... idAndTime) {
    StringBuilder csv = new StringBuilder("event_id,customer_id,event_time,touchpoint\n");
    for (int i = 0; i < idAndTime.length; i += 2) {
      csv.append(idAndTime[i]).append(",c1,\"").append(idAndTime[i + 1]).append("\",email\n");
    }
    Path file = write("times.csv", csv.toString());
    return nullable(reader().read(file.toString(), "csv", SourceMapping.parse(mapping)).select(cols("event_id", TIME)));
  }

  @Test
  void timestampPatternsAreTriedInOrder() {
    Dataset<Row> read = readTimes(
        "mapping { timestamp.patterns = [\"dd/MM/yyyy HH:mm\", \"MM/dd/yyyy HH:mm\", \"yyyy-MM-dd HH:mm:ss\"] }",
        "t1", "01/02/2024 10:00", // both day-first and month-first fit: the first pattern wins (1 February)
        "t2", "02/13/2024 10:00", // no month 13: the second pattern (13 February)
        "t3", "2024-02-03 04:05:06",
        "t4", "2024-02-03T04:05:06Z", // ISO, but ISO is not among the patterns
        "t5", "next tuesday");
    assertDataFrameNoOrderEquals(idTimes(
        "t1", "2024-02-01T10:00:00Z",
        "t2", "2024-02-13T10:00:00Z",
        "t3", "2024-02-03T04:05:06Z",
        "t4", null,
        "t5", null), read);
  }

  @Test
  void zoneIsAppliedOnlyToIsoTimesWithoutAnOffset() {
    Dataset<Row> read = readTimes("mapping { timestamp.zone = \"Europe/Brussels\" }",
        "z1", "2024-01-01 10:00:00",
        "z2", "2024-01-01T10:00:00+02:00",
        "z3", "2024-01-01T10:00:00Z",
        "z4", "2024-07-01T10:00:00", // summer time: UTC+2
        "z5", "2024-01-01T10:00:00.250-05:00",
        "z6", "2024-01-01", // a date alone is midnight local time
        "z7", "2024-07-01");
    assertDataFrameNoOrderEquals(idTimes(
        "z1", "2024-01-01T09:00:00Z",
        "z2", "2024-01-01T08:00:00Z",
        "z3", "2024-01-01T10:00:00Z",
        "z4", "2024-07-01T08:00:00Z",
        "z5", "2024-01-01T15:00:00.250Z",
        "z6", "2023-12-31T23:00:00Z",
        "z7", "2024-06-30T22:00:00Z"), read);
  }

  @Test
  void zoneIsAppliedOnlyToPatternsWithoutAnOffsetField() {
    Dataset<Row> read = readTimes("mapping { timestamp { zone = \"Europe/Brussels\", "
            + "patterns = [\"yyyy-MM-dd HH:mm:ss\", \"yyyy-MM-dd'T'HH:mm:ssXXX\", \"dd.MM.yyyy\"] } }",
        "p1", "2024-01-01 10:00:00",
        "p2", "2024-01-01T10:00:00+02:00",
        "p3", "2024-07-01T10:00:00Z",
        "p4", "15.07.2024");
    assertDataFrameNoOrderEquals(idTimes(
        "p1", "2024-01-01T09:00:00Z",
        "p2", "2024-01-01T08:00:00Z",
        "p3", "2024-07-01T10:00:00Z",
        "p4", "2024-07-14T22:00:00Z"), read);
  }

  @Test
  void withoutZoneTimesWithoutOffsetAreUtc() {
    Dataset<Row> read = readTimes("mapping {}",
        "u1", "2024-01-01 10:00:00",
        "u2", "2024-01-01T10:00:00+02:00",
        "u3", "2024-01-01");
    assertDataFrameNoOrderEquals(idTimes(
        "u1", "2024-01-01T10:00:00Z",
        "u2", "2024-01-01T08:00:00Z",
        "u3", "2024-01-01T00:00:00Z"), read);
  }

  // ---- values, constants, defaults, empty and blank text ----

  @Test
  void valueMapsConstantsDefaultsEmptyTextAndTrimming() {
    Path file = write("events.csv", String.join("\n",
        "id,who,when,what,kind,channel,segment,revenue",
        "v1,  c1  , 2024-01-01T00:00:00Z ,  email , won ,ignored,   ,  12.50 ",
        "v2,c2,2024-01-01T00:00:00Z,,lost,,,",
        "v3,c3,2024-01-01T00:00:00Z,\"   \",Won,,\"\",",
        "v4,c4,,web_visit,,,b2b,") + "\n");
    SourceMapping m = SourceMapping.parse("""
        mapping {
          columns { event_id = id, customer_id = who, event_time = when, touchpoint = what, event_type = kind,
                    segment = segment, revenue = revenue }
          constants { channel = web, stage = purchase }
          defaults { touchpoint = unknown, segment = "n/a" }
          values { event_type { won = conversion, lost = churn } }
        }
        """);
    Dataset<Row> read = reader().read(file.toString(), "csv", m);
    String[] names = {"event_id", "customer_id", "event_time", "touchpoint", "event_type", "channel", "stage",
        "segment", "revenue", "nps"};
    Dataset<Row> expected = session().createDataFrame(List.of(
        // trimmed; value map on the trimmed text; constant channel wins over the file's column
        RowFactory.create("v1", "c1", "2024-01-01T00:00:00Z", "email", "conversion", "web", "purchase", "n/a",
            "12.50", null),
        // empty touchpoint and segment take their defaults; no default: null
        RowFactory.create("v2", "c2", "2024-01-01T00:00:00Z", "unknown", "churn", "web", "purchase", "n/a", null,
            null),
        // blank text is empty; value map keys are case-sensitive: "Won" is kept as is
        RowFactory.create("v3", "c3", "2024-01-01T00:00:00Z", "unknown", "Won", "web", "purchase", "n/a", null,
            null),
        // empty time stays null (no default)
        RowFactory.create("v4", "c4", null, "web_visit", null, "web", "purchase", "b2b", null, null)),
        strings(names));
    assertDataFrameNoOrderEquals(expected, nullable(read.select(cols(names))));
  }

  // ---- errors ----

  @Test
  void missingRequiredColumnsAreListedWithTheColumnsFound() {
    Path file = write("events.csv", "who,when,touchpoint\nc1,2024-01-01,email\n");
    assertThatThrownBy(() -> reader().read(file.toString(), "csv", SourceMapping.identity()))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("input " + file)
        .hasMessageContaining("required column 'event_time' is missing")
        .hasMessageContaining("required column 'customer_id' (or 'anonymous_id') is missing")
        .hasMessageNotContaining("'touchpoint' is missing")
        .hasMessageContaining("Columns found: [who, when, touchpoint]");
  }

  @Test
  void aRequiredColumnGivenAsConstantOrDefaultIsNotMissing() {
    Path file = write("events.csv", "customer_id,event_time\nc1,2024-01-01T00:00:00Z\n");
    Dataset<Row> read = reader().read(file.toString(), "csv",
        SourceMapping.parse("mapping { defaults { touchpoint = unknown } }"));
    assertThat(read.select("touchpoint").as(Encoders.STRING()).collectAsList()).as("touchpoint from the default")
        .containsExactly("unknown");
  }

  @Test
  void mappedColumnAbsentFromTheFileIsNamed() {
    Path file = write("events.csv", "customer_id,time,touchpoint\nc1,2024-01-01,email\n");
    assertThatThrownBy(() -> reader().read(file.toString(), "csv",
        SourceMapping.parse("mapping { columns { event_time = ts } }")))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("mapped column 'ts' (for event_time) is not in the file")
        .hasMessageContaining("Columns found: [customer_id, time, touchpoint]");
  }

  @Test
  void missingPathIsReported() {
    String missing = newTempDir("reader-missing").resolve("nothing-here.csv").toString();
    assertThatThrownBy(() -> reader().read(missing, "csv", SourceMapping.identity()))
        .isInstanceOf(InputException.class).hasMessage("input path not found: " + missing);
    Path dir = write("leads.csv", "customer_id,event_time,touchpoint\nc1,2024-01-01,email\n").getParent();
    assertThatThrownBy(() -> reader().read(dir.toString(), "csv", SourceMapping.parse(
        "mapping { sources = [ { path = leads.csv }, { path = deals.csv } ] }")))
        .as("the second source of a mapping is missing")
        .isInstanceOf(InputException.class).hasMessage("input path not found: " + dir.resolve("deals.csv"));
    assertThatThrownBy(() -> reader().read(" ", "csv", SourceMapping.identity()))
        .isInstanceOf(InputException.class).hasMessageStartingWith("no input path");
  }

  // ---- input order ----

  @Test
  void rowsWithTheSameTimeKeepFileOrderInInputOrder() {
    List<String> ids = List.of("r9", "r1", "r5", "r2", "r8", "r3", "r7", "r4", "r6", "r0");
    StringBuilder csv = new StringBuilder("event_id,customer_id,event_time,touchpoint\n");
    ids.forEach(id -> csv.append(id).append(",c1,2024-01-01T10:00:00Z,email\n"));
    Path file = write("same-time.csv", csv.toString());
    Dataset<Row> read = reader().read(file.toString(), "csv", SourceMapping.identity());
    // Shuffled before sorting: the order comes from the scan, not from where rows end up.
    List<String> ordered = read.repartition(3).orderBy(col(TIME), col(EventColumns.INPUT_ORDER))
        .select(EventColumns.EVENT_ID).as(Encoders.STRING()).collectAsList();
    assertThat(ordered).as("event ids ordered by time, then input order").containsExactlyElementsOf(ids);
  }
}
