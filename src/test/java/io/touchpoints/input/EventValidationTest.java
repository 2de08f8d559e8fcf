package io.touchpoints.input;

import static io.touchpoints.input.EventValidator.REASON;
import static io.touchpoints.input.EventValidator.REASONS;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.config.JobConfig;
import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Reading and validating a hand-written CSV: one quarantined row per {@link QuarantineReason}, clean rows typed and
 * completed from the taxonomy, the count balance, and FUTURE_TIME relative to the run date.
 */
class EventValidationTest extends SparkTestBase {

  private static final LocalDate RUN_DATE = LocalDate.of(2024, 3, 10);
  /** End of the run date (2024-03-11T00:00Z) plus max_future (1 day). */
  private static final String FUTURE_LIMIT = "2024-03-12T00:00:00Z";

  private static final JobConfig.ValidationSettings SETTINGS =
      new JobConfig.ValidationSettings(Duration.ofDays(1), LocalDate.of(1900, 1, 1), 1, 5, 0, 10);
  private static final Map<String, JobConfig.Taxonomy> TAXONOMY = Map.of(
      "email", new JobConfig.Taxonomy("owned", "pre_purchase"),
      "web_visit", new JobConfig.Taxonomy("owned", "pre_purchase"),
      "survey", new JobConfig.Taxonomy("service", "post_purchase"));

  private static final String HEADER =
      "event_id,customer_id,anonymous_id,event_time,touchpoint,event_type,channel,stage,revenue,csat,nps";
  private static final String MALFORMED_LINE = "e10,,,not-a-time,email,,,,,,,one-field-too-many";

  /** Clean rows: event_id e01..e05. */
  private static final List<String> CLEAN_LINES = List.of(
      "e01,c1,,2024-03-01T10:00:00Z,email,,,,,,",
      "e02,c1,,2024-03-02T11:00:00Z,web_visit,CONVERSION,web,,19.99,,",
      "e03,,a9,2024-03-10T23:59:59Z,survey,Survey,,purchase,,5,10",
      "e04,c2,,2024-03-12T00:00:00Z,unlisted,churn,,,0,1,0",
      "e05,c2,,2024-03-03T08:30:00Z,email,Interaction,,,,,");

  /** One quarantined row per reason (two for INVALID_NUMBER and MALFORMED_RECORD), and one with two problems. */
  private static final List<String> BAD_LINES = List.of(
      MALFORMED_LINE,
      "e11,,,2024-03-01T10:00:00Z,email,,,,,,",
      "e12,c3,,,email,,,,,,",
      "e13,c3,,yesterday,email,,,,,,",
      "e14,c3,,2024-03-01T10:00:00Z,,,,,,,",
      "e15,c3,,2024-03-01T10:00:00Z,email,click,,,,,",
      "e16,c3,,2024-03-01T10:00:00Z,survey,survey,,,,4.5,",
      "e17,c3,,2024-03-01T10:00:00Z,checkout,conversion,,,abc,,",
      "e18,c3,,2024-03-01T10:00:00Z,survey,survey,,,,6,",
      "e19,c3,,2024-03-01T10:00:00Z,survey,survey,,,,,11",
      "e20,c3,,2024-03-01T10:00:00Z,checkout,conversion,,,-5.00,,",
      "e21,c3,,2024-03-12T00:00:01Z,email,,,,,,",
      "e22,c3,,,email,,,,,abc,",
      "e23,c3,,2024-03-01T10:00:00Z,email", // too few fields: malformed too
      "e24,c3,,0001-01-01T00:00:00Z,email,,,,,,",
      "e25,c3,,2024-03-01T10:00:00Z,checkout,conversion,,,1e30,,",
      "e26,c3,,2024-03-01T10:00:00Z,\"email"); // an unclosed quote: a piece of a record spanning lines

  private static final StructType QUARANTINE_SCHEMA = new StructType()
      .add(REASON, DataTypes.StringType)
      .add(REASONS, DataTypes.createArrayType(DataTypes.StringType, true));

  private static Row q(String... reasons) {
    return RowFactory.create(reasons[0], Arrays.asList(reasons));
  }

  private static Path eventsCsv;

  private Path csv() {
    if (eventsCsv == null) {
      try {
        Path dir = newTempDir("validation");
        eventsCsv = dir.resolve("events.csv");
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        // Clean and bad rows interleaved, so nothing depends on where a row sits.
        for (int i = 0; i < Math.max(CLEAN_LINES.size(), BAD_LINES.size()); i++) {
          if (i < BAD_LINES.size()) {
            text.append(BAD_LINES.get(i)).append('\n');
          }
          if (i < CLEAN_LINES.size()) {
            text.append(CLEAN_LINES.get(i)).append('\n');
          }
        }
        Files.writeString(eventsCsv, text.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return eventsCsv;
  }

  private Dataset<Row> raw() {
    return new EventReader(session()).read(csv().toString(), "csv", SourceMapping.identity());
  }

  private static EventValidator validator(LocalDate runDate) {
    return new EventValidator(SETTINGS, TAXONOMY, runDate);
  }

  @Test
  void everyQuarantineReasonIsFiledWithAllItsProblemsInPriorityOrder() {
    Dataset<Row> quarantine = EventValidator.quarantine(validator(RUN_DATE).validate(raw()));
    Dataset<Row> expected = session().createDataFrame(List.of(
        q("MALFORMED_RECORD"),
        q("MALFORMED_RECORD"),
        q("MISSING_CUSTOMER"),
        q("MISSING_TIME"),
        q("UNPARSEABLE_TIME"),
        q("MISSING_TOUCHPOINT"),
        q("UNKNOWN_EVENT_TYPE"),
        q("INVALID_NUMBER"),
        q("INVALID_NUMBER"),
        q("CSAT_OUT_OF_RANGE"),
        q("NPS_OUT_OF_RANGE"),
        q("NEGATIVE_REVENUE"),
        q("FUTURE_TIME"),
        q("MISSING_TIME", "INVALID_NUMBER"),
        q("TIME_OUT_OF_RANGE"),
        q("NUMBER_OUT_OF_RANGE"),
        q("LINE_FRAGMENT")), QUARANTINE_SCHEMA);
    assertDataFrameNoOrderEquals(expected, nullable(quarantine.select(REASON, REASONS)));
    // TOO_LATE applies only to incremental runs (validator withEarliestDay): tooLateIsRelativeToTheEarliestDay.
    // INVALID_ENCODING needs bytes no Java string writes: MessyInputTest.
    assertThat(Arrays.stream(QuarantineReason.values())
            .filter(r -> r != QuarantineReason.TOO_LATE && r != QuarantineReason.INVALID_ENCODING)
            .map(Enum::name).toList())
        .as("every reason code is covered by the expected rows")
        .allMatch(r -> expected.filter(col(REASON).equalTo(r)).count() > 0);
  }

  @Test
  void rawRecordIsTheMalformedLineItselfOrTheSourceColumnsAsJson() {
    Dataset<Row> quarantine = EventValidator.quarantine(validator(RUN_DATE).validate(raw()));
    List<Row> malformed = quarantine.filter(col(REASON).equalTo("MALFORMED_RECORD")
            .and(col(EventColumns.RAW_RECORD).startsWith("e10,")))
        .select(EventColumns.RAW_RECORD, EventColumns.SOURCE_FILE).collectAsList();
    assertThat(malformed).as("malformed rows of line e10").hasSize(1);
    assertThat(malformed.get(0).getString(0)).as("raw record of the malformed line").isEqualTo(MALFORMED_LINE);
    assertThat(malformed.get(0).getString(1)).as("source file of the malformed line").endsWith("/events.csv");
    List<String> negative = quarantine.filter(col(REASON).equalTo("NEGATIVE_REVENUE"))
        .select(EventColumns.RAW_RECORD).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(negative).as("raw record of the negative revenue row: every source field as read, as JSON")
        .containsExactly("{\"event_id\":\"e20\",\"customer_id\":\"c3\",\"anonymous_id\":null,"
            + "\"event_time\":\"2024-03-01T10:00:00Z\",\"touchpoint\":\"checkout\",\"event_type\":\"conversion\","
            + "\"channel\":null,\"stage\":null,\"revenue\":\"-5.00\",\"csat\":null,\"nps\":null}");
  }

  private static Timestamp ts(String instant) {
    return Timestamp.from(Instant.parse(instant));
  }

  /** A clean row in {@link EventColumns#SCHEMA} order. */
  private static Row clean(String customer, String time, String touchpoint, String type, String channel,
      String stage, String revenue, Integer csat, Integer nps, String eventId, String anonymous) {
    return RowFactory.create(customer, ts(time), touchpoint, type, channel, stage,
        revenue == null ? null : new BigDecimal(revenue), csat, nps, null, eventId, anonymous, null, null);
  }

  @Test
  void cleanRowsAreTypedAndCompletedFromTheTaxonomyOnlyWhereAbsent() {
    EventValidator v = validator(RUN_DATE);
    Dataset<Row> clean = v.clean(v.validate(raw()));
    assertThat(clean.schema().apply(EventColumns.EVENT_TIME).dataType()).as("event_time type")
        .isEqualTo(DataTypes.TimestampType);
    assertThat(clean.schema().apply(EventColumns.REVENUE).dataType()).as("revenue type")
        .isEqualTo(DataTypes.createDecimalType(18, 4));
    assertThat(clean.schema().apply(EventColumns.CSAT).dataType()).as("csat type").isEqualTo(DataTypes.IntegerType);
    assertThat(clean.schema().apply(EventColumns.NPS).dataType()).as("nps type").isEqualTo(DataTypes.IntegerType);
    Dataset<Row> expected = session().createDataFrame(List.of(
        // no type: interaction; channel and stage from the taxonomy
        clean("c1", "2024-03-01T10:00:00Z", "email", "interaction", "owned", "pre_purchase", null, null, null,
            "e01", null),
        // upper-case type; own channel kept, stage from the taxonomy
        clean("c1", "2024-03-02T11:00:00Z", "web_visit", "conversion", "web", "pre_purchase", "19.99", null, null,
            "e02", null),
        // anonymous only; own stage kept, channel from the taxonomy; on the run date itself
        clean(null, "2024-03-10T23:59:59Z", "survey", "survey", "service", "purchase", null, 5, 10, "e03", "a9"),
        // exactly at the future limit; touchpoint not in the taxonomy: no channel, no stage; boundary values
        clean("c2", FUTURE_LIMIT, "unlisted", "churn", null, null, "0", 1, 0, "e04", null),
        clean("c2", "2024-03-03T08:30:00Z", "email", "interaction", "owned", "pre_purchase", null, null, null,
            "e05", null)), EventColumns.SCHEMA);
    assertDataFrameNoOrderEquals(expected, nullable(clean.select(EventColumns.NAMES.stream().map(c -> col(c))
        .toArray(org.apache.spark.sql.Column[]::new))));
  }

  @Test
  void rowsReadEqualCleanPlusQuarantined() {
    EventValidator v = validator(RUN_DATE);
    Dataset<Row> raw = raw();
    Dataset<Row> validated = v.validate(raw);
    long read = raw.count();
    long clean = v.clean(validated).count();
    long quarantined = EventValidator.quarantine(validated).count();
    assertThat(read).as("rows read (data lines of the file)").isEqualTo(CLEAN_LINES.size() + BAD_LINES.size());
    assertThat(clean).as("clean rows").isEqualTo(CLEAN_LINES.size());
    assertThat(quarantined).as("quarantined rows").isEqualTo(BAD_LINES.size());
    assertThat(clean + quarantined).as("clean + quarantined").isEqualTo(read);
  }

  @Test
  void tooLateIsRelativeToTheEarliestDay() {
    EventValidator v = validator(RUN_DATE).withEarliestDay(LocalDate.of(2024, 3, 2));
    Dataset<Row> validated = v.validate(raw());
    List<Row> late = EventValidator.quarantine(validated).filter(col(REASON).equalTo("TOO_LATE"))
        .select(EventColumns.RAW_RECORD).collectAsList();
    assertThat(late).as("only clean row before 2024-03-02: e01").hasSize(1);
    assertThat(late.get(0).getString(0)).contains("\"e01\"");
    assertThat(EventValidator.quarantine(validated).filter(col(REASON).equalTo("MISSING_TOUCHPOINT"))
        .select(REASONS).first().getList(0)).as("a late row with another problem lists both")
        .containsExactly("MISSING_TOUCHPOINT", "TOO_LATE");
    assertThat(v.clean(validated).count()).as("clean rows from 2024-03-02 on").isEqualTo(CLEAN_LINES.size() - 1);
  }

  @Test
  void futureTimeIsRelativeToTheRunDate() {
    // One day earlier: the limit moves to 2024-03-11T00:00Z, so e04 (2024-03-12T00:00Z) and e21 are future,
    // e03 (2024-03-10T23:59:59Z) is not.
    Dataset<Row> earlier = EventValidator.quarantine(validator(RUN_DATE.minusDays(1)).validate(raw()));
    assertThat(earlier.filter(col(REASON).equalTo("FUTURE_TIME")).count())
        .as("future rows with run date %s", RUN_DATE.minusDays(1)).isEqualTo(2);
    // Two days earlier: the limit is 2024-03-10T00:00Z and e03 is future as well.
    Dataset<Row> twoEarlier = EventValidator.quarantine(validator(RUN_DATE.minusDays(2)).validate(raw()));
    assertThat(twoEarlier.filter(col(REASON).equalTo("FUTURE_TIME")).count())
        .as("future rows with run date %s", RUN_DATE.minusDays(2)).isEqualTo(3);
    // With max_future 0 the limit is the end of the run date: e04 and e21 are future, e03 is not.
    EventValidator strict = new EventValidator(new JobConfig.ValidationSettings(Duration.ZERO, LocalDate.of(1900, 1, 1), 1, 5, 0, 10),
        TAXONOMY, RUN_DATE);
    assertThat(EventValidator.quarantine(strict.validate(raw())).filter(col(REASON).equalTo("FUTURE_TIME")).count())
        .as("future rows with max_future 0").isEqualTo(2);
  }

  /**
   * Typed numbers in a Parquet file: one row per way a number can be clean or bad. Revenue as double and as a wide
   * decimal, CSAT as double, NPS as long.
   */
  private static final List<Object[]> TYPED_NUMBERS = List.of(
      new Object[] {"n01", 19.99, new BigDecimal("19.99"), 4.0, 9L},            // clean
      new Object[] {"n02", Double.NaN, null, null, null},                        // INVALID_NUMBER as a double
      new Object[] {"n03", -5.0, new BigDecimal("-5"), null, null},             // NEGATIVE_REVENUE
      new Object[] {"n04", 1e20, new BigDecimal("1E+20"), null, null},          // NUMBER_OUT_OF_RANGE
      new Object[] {"n05", null, null, 4.5, null},                               // INVALID_NUMBER (a fraction)
      new Object[] {"n06", null, null, 7.0, null},                               // CSAT_OUT_OF_RANGE
      new Object[] {"n07", null, null, null, 3_000_000_000L},                    // NUMBER_OUT_OF_RANGE
      new Object[] {"n08", 0.00005, new BigDecimal("0.00005"), null, null},     // rounds half up to 0.0001
      new Object[] {"n09", 12.34565, new BigDecimal("12.3456499999"), null, 0L}, // rounding at the 4th place
      new Object[] {"n10", null, null, Double.POSITIVE_INFINITY, null},          // NUMBER_OUT_OF_RANGE
      new Object[] {"n11", -0.0, new BigDecimal("0"), 1.0, 10L});               // clean, boundary values

  @Test
  void typedNumbersAreCheckedAndStoredExactlyAsTheirTextWouldBe() {
    for (String revenueColumn : List.of("revenue_double", "revenue_decimal")) {
      StructType schema = new StructType()
          .add("event_id", DataTypes.StringType)
          .add("customer_id", DataTypes.StringType)
          .add("event_time", DataTypes.StringType)
          .add("touchpoint", DataTypes.StringType)
          .add("event_type", DataTypes.StringType)
          .add("revenue", revenueColumn.equals("revenue_double") ? DataTypes.DoubleType
              : DataTypes.createDecimalType(38, 10))
          .add("csat", DataTypes.DoubleType)
          .add("nps", DataTypes.LongType);
      List<Row> rows = TYPED_NUMBERS.stream().map(n -> RowFactory.create(n[0], "c1", "2024-03-01T10:00:00Z",
          "checkout", "conversion", revenueColumn.equals("revenue_double") ? n[1] : n[2], n[3], n[4])).toList();
      Dataset<Row> typed = session().createDataFrame(rows, schema);
      Path dir = newTempDir("typed-numbers");
      typed.coalesce(1).write().parquet(dir.resolve("parquet").toString());
      // The same values as Spark writes them as text: what the reader made of typed numbers before it kept them.
      typed.select(Arrays.stream(schema.fieldNames()).map(c -> col(c).cast(DataTypes.StringType)).toArray(
          org.apache.spark.sql.Column[]::new)).coalesce(1).write().option("header", "true")
          .csv(dir.resolve("csv").toString());

      EventValidator v = validator(RUN_DATE);
      Dataset<Row> fromParquet = v.validate(new EventReader(session())
          .read(dir.resolve("parquet").toString(), "parquet", SourceMapping.identity()));
      Dataset<Row> fromText = v.validate(new EventReader(session())
          .read(dir.resolve("csv").toString(), "csv", SourceMapping.identity()));
      assertThat(new EventReader(session()).read(dir.resolve("parquet").toString(), "parquet",
              SourceMapping.identity()).schema().apply(EventColumns.REVENUE).dataType())
          .as("the reader keeps typed revenue a number (the path compared here)")
          .isEqualTo(schema.apply("revenue").dataType());
      assertThat(fromParquet.schema().apply(EventColumns.REVENUE).dataType()).as("revenue type after validation")
          .isEqualTo(EventColumns.REVENUE_TYPE);
      String[] compared = {EventColumns.EVENT_ID, REASONS, EventColumns.REVENUE, EventColumns.CSAT, EventColumns.NPS};
      assertDataFrameNoOrderEquals(nullable(fromText.select(compared[0], Arrays.copyOfRange(compared, 1, 5))),
          nullable(fromParquet.select(compared[0], Arrays.copyOfRange(compared, 1, 5))));
      List<Row> byId = fromParquet.orderBy(EventColumns.EVENT_ID).select(compared[0],
          Arrays.copyOfRange(compared, 1, 5)).collectAsList();
      assertThat(byId.stream().map(r -> r.getList(1).isEmpty() ? "clean" : r.getList(1).get(0).toString()).toList())
          .as("reasons by row, revenue as %s", revenueColumn)
          .containsExactly("clean", revenueColumn.equals("revenue_double") ? "INVALID_NUMBER" : "clean" /* no NaN */,
              "NEGATIVE_REVENUE", "NUMBER_OUT_OF_RANGE", "INVALID_NUMBER",
              "CSAT_OUT_OF_RANGE", "NUMBER_OUT_OF_RANGE", "clean", "clean", "NUMBER_OUT_OF_RANGE", "clean");
      assertThat(byId.get(7).getDecimal(2)).as("0.00005 rounded half up").isEqualByComparingTo("0.0001");
      assertThat(byId.get(8).getDecimal(2)).as("12.34565 (double) or 12.3456499999 (decimal) to 4 places")
          .isEqualByComparingTo(revenueColumn.equals("revenue_double") ? "12.3457" : "12.3456");
    }
  }
}
