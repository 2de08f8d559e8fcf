package io.touchpoints.journey;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.config.JobConfig;
import io.touchpoints.input.EventColumns;
import io.touchpoints.testing.CleanEvents;
import io.touchpoints.testing.SparkTestBase;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class JourneyBuilderTest extends SparkTestBase {

  private static final JobConfig.JourneySettings DEFAULTS = new JobConfig.JourneySettings(
      Duration.ofMinutes(30), Duration.ofDays(30), true, false, List.of());

  /** The journey columns the tests compare. */
  private static final StructType SUMMARY = new StructType()
      .add(JourneyColumns.JOURNEY_ID, DataTypes.StringType)
      .add(JourneyColumns.CUSTOMER_ID, DataTypes.StringType)
      .add(JourneyColumns.PATH, DataTypes.StringType)
      .add(JourneyColumns.TOUCHES, DataTypes.IntegerType)
      .add(JourneyColumns.SESSIONS, DataTypes.IntegerType)
      .add(JourneyColumns.CONVERTED, DataTypes.BooleanType)
      .add(JourneyColumns.CONVERSIONS, DataTypes.IntegerType);

  private Dataset<Row> journeys(CleanEvents events, JobConfig.JourneySettings settings) {
    JourneyBuilder builder = new JourneyBuilder(settings);
    Dataset<Row> ordered = builder.orderEvents(IdentityStitcher.stitch(events.toDataFrame(session()), true));
    return builder.journeys(ordered);
  }

  private Dataset<Row> summary(Dataset<Row> journeys) {
    return nullable(journeys.select(SUMMARY.fieldNames()[0],
        java.util.Arrays.copyOfRange(SUMMARY.fieldNames(), 1, SUMMARY.size())));
  }

  private Dataset<Row> expected(Row... rows) {
    return session().createDataFrame(List.of(rows), SUMMARY);
  }

  @Test
  void sessionsSplitAtInactivityAndConversionsCloseJourneys() {
    CleanEvents events = new CleanEvents()
        .add("c1", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("c1", "2024-01-01T10:20:00Z", "web_visit", "interaction")
        // 70 minutes later: same journey, second session.
        .add("c1", "2024-01-01T11:30:00Z", "email", "interaction")
        .add("c1", "2024-01-01T12:00:00Z", "checkout", "conversion")
        // After a conversion a new journey starts, even minutes later.
        .add("c1", "2024-01-01T12:10:00Z", "display_ad", "interaction")
        // Exactly 30 days later: still the same journey (the gap must exceed the window).
        .add("c1", "2024-01-31T12:10:00Z", "social", "interaction")
        // 30 days and a minute: a new journey.
        .add("c1", "2024-03-01T12:11:00Z", "email", "interaction")
        // Surveys are not part of journeys.
        .add("c1", "2024-01-01T12:05:00Z", "survey", "survey");

    assertDataFrameNoOrderEquals(expected(
        RowFactory.create("c1:1", "c1", "email > web_visit > email", 3, 2, true, 1),
        RowFactory.create("c1:2", "c1", "display_ad > social", 2, 2, false, 0),
        RowFactory.create("c1:3", "c1", "email", 1, 1, false, 0)),
        summary(journeys(events, DEFAULTS)));
  }

  @Test
  void tiesBreakByEventIdThenInputOrderNotByListOrder() {
    CleanEvents events = new CleanEvents()
        // Same time, no event id: input order decides (row 2 before row 1 here).
        .add("c2", "2024-01-01T10:00:00Z", "email", "interaction", null, null, null, null, 2)
        .add("c2", "2024-01-01T10:00:00Z", "social", "interaction", null, null, null, null, 1)
        // Same time with event ids: the id decides, whatever the input order.
        .add("c3", "2024-01-01T10:00:00Z", "paid_search", "interaction", "b", null, null, null, 1)
        .add("c3", "2024-01-01T10:00:00Z", "referral", "interaction", "a", null, null, null, 2);

    assertDataFrameNoOrderEquals(expected(
        RowFactory.create("c2:1", "c2", "social > email", 2, 1, false, 0),
        RowFactory.create("c3:1", "c3", "referral > paid_search", 2, 1, false, 0)),
        summary(journeys(events, DEFAULTS)));
  }

  @Test
  void givenJourneyIdsAreFollowedAndNotSplit() {
    CleanEvents events = new CleanEvents()
        .add("c4", "2024-01-01T10:00:00Z", "support_ticket", "interaction", null, null, "case-1", null, 0)
        .add("c4", "2024-01-05T10:00:00Z", "call_center", "conversion", null, null, "case-1", BigDecimal.TEN, 1)
        // 60 days later and after a conversion, but the same case.
        .add("c4", "2024-03-05T10:00:00Z", "chatbot", "interaction", null, null, "case-1", null, 2)
        .add("c4", "2024-01-02T10:00:00Z", "email", "interaction", null, null, "case-2", null, 3);

    Dataset<Row> journeys = journeys(events, DEFAULTS);
    assertDataFrameNoOrderEquals(expected(
        RowFactory.create("case-1", "c4", "support_ticket > chatbot", 2, 3, true, 1),
        RowFactory.create("case-2", "c4", "email", 1, 1, false, 0)),
        summary(journeys));
    Row case1 = journeys.filter(col(JourneyColumns.JOURNEY_ID).equalTo("case-1")).first();
    assertThat(case1.<BigDecimal>getAs(JourneyColumns.REVENUE)).as("revenue of the case").isEqualByComparingTo("10");
    assertThat(case1.<String>getAs(JourneyColumns.CONVERSION_TOUCHPOINT)).isEqualTo("call_center");
  }

  @Test
  void anonymousEventsJoinTheCustomerTheirIdIsSeenWith() {
    CleanEvents events = new CleanEvents()
        .add(null, "2024-01-01T09:00:00Z", "display_ad", "interaction", null, "x1", null, null, 0)
        .add("c5", "2024-01-01T09:10:00Z", "web_visit", "interaction", null, "x1", null, null, 1)
        .add("c5", "2024-01-01T09:20:00Z", "checkout", "conversion", null, null, null, null, 2)
        // Never identified: a customer of its own.
        .add(null, "2024-01-02T09:00:00Z", "social", "interaction", null, "x2", null, null, 3);

    assertDataFrameNoOrderEquals(expected(
        RowFactory.create("c5:1", "c5", "display_ad > web_visit", 2, 1, true, 1),
        RowFactory.create("anon:x2:1", "anon:x2", "social", 1, 1, false, 0)),
        summary(journeys(events, DEFAULTS)));

    JourneyBuilder builder = new JourneyBuilder(DEFAULTS);
    Dataset<Row> table = JourneyBuilder.eventsTable(
        builder.orderEvents(IdentityStitcher.stitch(events.toDataFrame(session()), true)));
    assertThat(table.filter(col(JourneyColumns.STITCHED)).count()).as("events stitched").isEqualTo(1);
  }

  @Test
  void exactDuplicatesAreDroppedOnceAndCounted() {
    CleanEvents events = new CleanEvents()
        .add("c6", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("c6", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("c6", "2024-01-01T10:00:00Z", "email", "interaction")
        // Same time, other touchpoint: not a duplicate.
        .add("c6", "2024-01-01T10:00:00Z", "social", "interaction");
    JourneyBuilder builder = new JourneyBuilder(DEFAULTS);
    Dataset<Row> ordered = builder.orderEvents(IdentityStitcher.stitch(events.toDataFrame(session()), true));

    assertThat(ordered.filter(col(JourneyColumns.IS_DUPLICATE)).count()).as("duplicates").isEqualTo(2);
    assertThat(JourneyBuilder.eventsTable(ordered).count()).as("events kept").isEqualTo(2);
    assertDataFrameNoOrderEquals(expected(RowFactory.create("c6:1", "c6", "email > social", 2, 1, false, 0)),
        summary(builder.journeys(ordered)));
  }

  @Test
  void duplicatesAreFoundAmongSameTimeEventsWhateverLiesBetweenThem() {
    CleanEvents events = new CleanEvents()
        // Same time, no event id: input order 0..4 interleaves two events and their copies.
        .add("c9", "2024-01-01T10:00:00Z", "email", "interaction", null, null, null, null, 3)
        .add("c9", "2024-01-01T10:00:00Z", "social", "interaction", null, null, null, null, 1)
        .add("c9", "2024-01-01T10:00:00Z", "email", "interaction", null, null, null, null, 0)
        .add("c9", "2024-01-01T10:00:00Z", "social", "interaction", null, null, null, null, 4)
        .add("c9", "2024-01-01T10:00:00Z", "web_visit", "interaction", null, null, null, null, 2)
        // Another customer's identical event is not a duplicate.
        .add("c10", "2024-01-01T10:00:00Z", "email", "interaction", null, null, null, null, 5);
    JourneyBuilder builder = new JourneyBuilder(DEFAULTS);
    Dataset<Row> ordered = builder.orderEvents(IdentityStitcher.stitch(events.toDataFrame(session()), true));

    assertThat(ordered.filter(col(JourneyColumns.IS_DUPLICATE)).count()).as("duplicates").isEqualTo(2);
    assertDataFrameNoOrderEquals(expected(
        RowFactory.create("c9:1", "c9", "email > social > web_visit", 3, 1, false, 0),
        RowFactory.create("c10:1", "c10", "email", 1, 1, false, 0)),
        summary(builder.journeys(ordered)));
    List<Row> seq = JourneyBuilder.eventsTable(ordered).filter(col(EventColumns.CUSTOMER_ID).equalTo("c9"))
        .orderBy(JourneyColumns.EVENT_SEQ).select(EventColumns.TOUCHPOINT, JourneyColumns.EVENT_SEQ).collectAsList();
    assertThat(seq).as("kept events numbered in input order")
        .containsExactly(RowFactory.create("email", 1), RowFactory.create("social", 2),
            RowFactory.create("web_visit", 3));
  }

  @Test
  void interleavedGivenJourneysCountTheirOwnSessions() {
    CleanEvents events = new CleanEvents()
        .add("c11", "2024-01-01T10:00:00Z", "email", "interaction", null, null, "case-1", null, 0)
        .add("c11", "2024-01-01T10:10:00Z", "chatbot", "interaction", null, null, "case-2", null, 1)
        .add("c11", "2024-01-01T10:20:00Z", "chatbot", "interaction", null, null, "case-2", null, 2)
        // 2 hours after case-1's last event (a new session), 40 minutes after case-2's.
        .add("c11", "2024-01-01T12:00:00Z", "call_center", "interaction", null, null, "case-1", null, 3)
        .add("c11", "2024-01-01T12:20:00Z", "call_center", "interaction", null, null, "case-1", null, 4)
        // Derived journeys around them follow the derived events alone.
        .add("c11", "2024-01-01T10:05:00Z", "display_ad", "interaction")
        .add("c11", "2024-01-01T12:10:00Z", "social", "interaction");

    assertDataFrameNoOrderEquals(expected(
        RowFactory.create("case-1", "c11", "email > call_center > call_center", 3, 2, false, 0),
        RowFactory.create("case-2", "c11", "chatbot > chatbot", 2, 1, false, 0),
        RowFactory.create("c11:1", "c11", "display_ad > social", 2, 2, false, 0)),
        summary(journeys(events, DEFAULTS)));
  }

  @Test
  void pathTransformsDropThenCollapseRepeats() {
    CleanEvents events = new CleanEvents()
        .add("c7", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("c7", "2024-01-01T10:01:00Z", "email", "interaction")
        .add("c7", "2024-01-01T10:02:00Z", "direct", "interaction")
        .add("c7", "2024-01-01T10:03:00Z", "email", "interaction")
        .add("c7", "2024-01-01T10:04:00Z", "web_visit", "interaction")
        .add("c7", "2024-01-01T10:05:00Z", "email", "interaction");
    JobConfig.JourneySettings transforms = new JobConfig.JourneySettings(
        Duration.ofMinutes(30), Duration.ofDays(30), true, true, List.of("direct"));

    assertDataFrameNoOrderEquals(expected(RowFactory.create("c7:1", "c7", "email > web_visit > email", 3, 1, false, 0)),
        summary(journeys(events, transforms)));
    assertDataFrameNoOrderEquals(expected(RowFactory.create("c7:1", "c7",
        "email > email > direct > email > web_visit > email", 6, 1, false, 0)),
        summary(journeys(events, DEFAULTS)));
  }

  @Test
  void resultsDoNotDependOnPartitioning() {
    CleanEvents events = new CleanEvents();
    // 40 customers, 6 events each, with same-time ties and repeated touchpoints.
    String[] touchpoints = {"email", "social", "web_visit", "checkout"};
    for (int c = 0; c < 40; c++) {
      for (int e = 0; e < 6; e++) {
        String type = e == 3 && c % 3 == 0 ? "conversion" : "interaction";
        events.add("c" + c, "2024-01-0" + (1 + e / 2) + "T10:00:00Z", touchpoints[(c + e) % 4], type);
      }
    }
    JourneyBuilder builder = new JourneyBuilder(DEFAULTS);
    Dataset<Row> input = events.toDataFrame(session());
    Dataset<Row> one = builder.journeys(builder.orderEvents(IdentityStitcher.stitch(input.coalesce(1), true)));
    Dataset<Row> many = builder.journeys(builder.orderEvents(IdentityStitcher.stitch(
        input.repartition(7, col(EventColumns.EVENT_TIME)), true)));
    assertThat(one.count()).as("journeys").isGreaterThan(40);
    assertDataFrameNoOrderEquals(one, many);
  }

  @Test
  void pathsAggregateJourneysInTheAttributionToolFormat() {
    CleanEvents events = new CleanEvents()
        .add("a", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("a", "2024-01-01T10:10:00Z", "checkout", "conversion", null, null, null, new BigDecimal("20.50"), 1)
        .add("b", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("b", "2024-01-01T10:10:00Z", "checkout", "conversion", null, null, null, new BigDecimal("9.50"), 3)
        .add("c", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("d", "2024-01-01T10:00:00Z", "social", "interaction");
    Dataset<Row> paths = JourneyBuilder.paths(journeys(events, DEFAULTS));
    StructType schema = new StructType()
        .add(JourneyColumns.PATH, DataTypes.StringType)
        .add(JourneyColumns.JOURNEYS, DataTypes.LongType)
        .add(JourneyColumns.TOTAL_CONVERSIONS, DataTypes.LongType)
        .add(JourneyColumns.TOTAL_CONVERSION_VALUE, EventColumns.REVENUE_TYPE)
        .add(JourneyColumns.TOTAL_NULL, DataTypes.LongType);
    assertDataFrameNoOrderEquals(session().createDataFrame(List.of(
        RowFactory.create("email", 3L, 2L, new BigDecimal("30.0000"), 1L),
        RowFactory.create("social", 1L, 0L, new BigDecimal("0.0000"), 1L)), schema), nullable(paths));
  }
}
