package io.touchpoints.metrics;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.config.JobConfig;
import io.touchpoints.journey.IdentityStitcher;
import io.touchpoints.journey.JourneyBuilder;
import io.touchpoints.testing.CleanEvents;
import io.touchpoints.testing.SparkTestBase;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Every metric on three hand-made customers, against values worked out by hand (see comments). */
class TouchpointMetricsTest extends SparkTestBase {

  /**
   * A: email 10:00, social 10:30, conversion 11:00 (revenue 10), survey 12:00 (CSAT 5, NPS 10, no rated touchpoint:
   * rates social). B: email 10:00, email 10:10, survey on 01-20 (too late to link: unlinked). C: social 01-02,
   * conversion 01-05 (revenue 20), survey rating email (CSAT 4, NPS 8). Data end 01-20; churn inactivity and window
   * one day, so the churn cutoff is 01-19.
   */
  private static final Map<MetricsSettings, Map<String, Row>> COMPUTED = new HashMap<>();

  private Map<String, Row> metrics(MetricsSettings settings) {
    return COMPUTED.computeIfAbsent(settings, this::compute);
  }

  private Map<String, Row> compute(MetricsSettings settings) {
    CleanEvents events = new CleanEvents()
        .add("A", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("A", "2024-01-01T10:30:00Z", "social", "interaction")
        .add("A", "2024-01-01T11:00:00Z", "checkout", "conversion", null, null, null, BigDecimal.TEN, 2)
        .survey("A", "2024-01-01T12:00:00Z", 5, 10, null)
        .add("B", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("B", "2024-01-01T10:10:00Z", "email", "interaction")
        .survey("B", "2024-01-20T00:00:00Z", 2, 3, null)
        .add("C", "2024-01-02T10:00:00Z", "social", "interaction")
        .add("C", "2024-01-05T10:00:00Z", "checkout", "conversion", null, null, null, new BigDecimal("20"), 8)
        .survey("C", "2024-01-06T10:00:00Z", 4, 8, "email");
    Map<String, Row> byName = new HashMap<>();
    for (Row r : metricsTable(events, settings).filter(col(MetricColumns.DIMENSION).equalTo("touchpoint")).collectAsList()) {
      byName.put(r.<String>getAs(MetricColumns.NAME), r);
    }
    return byName;
  }

  /** The metrics table of {@code events}, through the journey stage's own transforms (30-day inactivity). */
  private Dataset<Row> metricsTable(CleanEvents events, MetricsSettings settings) {
    JourneyBuilder builder = new JourneyBuilder(new JobConfig.JourneySettings(
        Duration.ofMinutes(30), Duration.ofDays(30), true, false, List.of()));
    Dataset<Row> ordered = builder.orderEvents(IdentityStitcher.stitch(events.toDataFrame(session()), true)).cache();
    return new TouchpointMetrics(settings).compute(builder.journeys(ordered), JourneyBuilder.eventsTable(ordered));
  }

  private static MetricsSettings settings(int minCell, boolean suppress) {
    return new MetricsSettings(List.of("touchpoint", "channel"), false, Duration.ofDays(7), Duration.ofDays(1),
        Duration.ofDays(1), Duration.ofDays(7), minCell, suppress, 0.95);
  }

  private static double d(Row r, String column) {
    return r.<Double>getAs(column);
  }

  private static long l(Row r, String column) {
    return r.<Long>getAs(column);
  }

  @Test
  void conversionAndFrictionByHand() {
    Map<String, Row> m = metrics(settings(1, false));
    assertThat(m.keySet()).as("touchpoints").containsExactlyInAnyOrder("email", "social");
    Row email = m.get("email");
    // email: journeys A:1 (converted) and B:1; without it: C:1 (converted).
    assertThat(l(email, MetricColumns.CUSTOMERS)).isEqualTo(2);
    assertThat(l(email, MetricColumns.JOURNEYS)).isEqualTo(2);
    assertThat(l(email, MetricColumns.TOUCHES)).isEqualTo(3);
    assertThat(d(email, MetricColumns.CONVERSION_RATE)).isEqualTo(0.5);
    assertThat(d(email, MetricColumns.CONVERSION_RATE_WITHOUT)).isEqualTo(1.0);
    assertThat(d(email, MetricColumns.LIFT)).isEqualTo(-0.5);
    assertThat(d(email, MetricColumns.LIFT_RATIO)).isEqualTo(0.5);
    ConfidenceIntervals.Bounds rate = ConfidenceIntervals.wilson(1, 2, 1.959963984540054);
    assertThat(d(email, MetricColumns.CONVERSION_RATE + "_low")).isCloseTo(rate.low(), within(1e-12));
    assertThat(d(email, MetricColumns.NEXT_STEP_CONVERSION_RATE)).as("no email touch is followed by a conversion")
        .isZero();
    assertThat(d(email, MetricColumns.EXIT_RATE)).as("B ends unconverted at email").isEqualTo(0.5);
    assertThat(d(email, MetricColumns.REPEAT_RATE)).as("B has email twice").isEqualTo(0.5);
    assertThat(d(email, MetricColumns.TOUCHES_PER_JOURNEY)).isEqualTo(1.5);
    assertThat(l(email, MetricColumns.CONVERSIONS_WITHIN_WINDOW)).isEqualTo(1);
    assertThat(d(email, MetricColumns.MEDIAN_HOURS_TO_CONVERSION)).as("A: email 10:00 to 11:00").isEqualTo(1.0);
    assertThat(d(email, MetricColumns.REVENUE_PER_JOURNEY)).isEqualTo(5.0);

    Row social = m.get("social");
    assertThat(d(social, MetricColumns.CONVERSION_RATE)).isEqualTo(1.0);
    assertThat(d(social, MetricColumns.CONVERSION_RATE_WITHOUT)).isZero();
    assertThat(d(social, MetricColumns.NEXT_STEP_CONVERSION_RATE)).isEqualTo(1.0);
    assertThat(d(social, MetricColumns.EXIT_RATE)).isZero();
    assertThat(d(social, MetricColumns.MEDIAN_HOURS_TO_CONVERSION)).as("median of 0.5 h and 72 h").isEqualTo(36.25);
    assertThat(social.<BigDecimal>getAs(MetricColumns.REVENUE)).isEqualByComparingTo("30");
  }

  @Test
  void satisfactionLinksRatedAndRecentSurveysOnly() {
    Map<String, Row> m = metrics(settings(1, false));
    Row email = m.get("email");
    Row social = m.get("social");
    // C's survey rates email (CSAT 4, NPS 8: passive); A's rates social, its latest interaction; B's is unlinked.
    assertThat(l(email, MetricColumns.RESPONSES)).isEqualTo(1);
    assertThat(d(email, MetricColumns.CSAT_MEAN)).isEqualTo(4.0);
    assertThat(d(email, MetricColumns.SATISFIED_SHARE)).isEqualTo(1.0);
    assertThat(d(email, MetricColumns.NPS)).isZero();
    assertThat(l(social, MetricColumns.RESPONSES)).isEqualTo(1);
    assertThat(d(social, MetricColumns.CSAT_MEAN)).isEqualTo(5.0);
    assertThat(d(social, MetricColumns.NPS)).isEqualTo(100.0);
    assertThat(social.isNullAt(social.fieldIndex(MetricColumns.CSAT_MEAN + "_low"))).as("no interval from one answer")
        .isTrue();
  }

  @Test
  void aSurveyRatesTheChannelOfTheMostRecentInteractionEvenWhenItHasNone() {
    // email (channel mail, stage awareness) at 10:00, then a touchpoint with no channel or stage at 10:30, then a
    // survey rating nothing: it rates the 10:30 touch, so neither mail nor awareness has a response.
    CleanEvents events = new CleanEvents()
        .add("D", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("D", "2024-01-01T10:30:00Z", "mystery", "interaction")
        .survey("D", "2024-01-01T11:00:00Z", 5, 10, null)
        .taxonomy("email", "mail", "awareness");
    Map<String, Row> byKey = new HashMap<>();
    MetricsSettings everyDimension = new MetricsSettings(List.of("touchpoint", "channel", "stage"), false,
        Duration.ofDays(7), Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(7), 1, false, 0.95);
    for (Row r : metricsTable(events, everyDimension).collectAsList()) {
      byKey.put(r.<String>getAs(MetricColumns.DIMENSION) + "/" + r.getAs(MetricColumns.NAME), r);
    }
    assertThat(l(byKey.get("touchpoint/mystery"), MetricColumns.RESPONSES)).isEqualTo(1);
    assertThat(l(byKey.get("touchpoint/email"), MetricColumns.RESPONSES)).as("not the most recent touch").isZero();
    for (String key : List.of("channel/mail", "stage/awareness")) {
      assertThat(byKey.get(key)).as(key + " has its touch").isNotNull();
      assertThat(l(byKey.get(key), MetricColumns.RESPONSES)).as(key + " has no response").isZero();
      assertThat(byKey.get(key).<Double>getAs(MetricColumns.CSAT_MEAN)).as(key).isNull();
    }
  }

  @Test
  void churnWithCensoringByHand() {
    Map<String, Row> m = metrics(settings(1, false));
    Row email = m.get("email");
    Row social = m.get("social");
    // Customer level, W = 1 day from the first touch: A's last event (12:00) is within a day of its email and
    // social touches: churned.
    // B is active on 01-20: survived. C is active on 01-05, three days after social: survived.
    assertThat(l(email, MetricColumns.CHURN_CUSTOMERS)).isEqualTo(2);
    assertThat(l(email, MetricColumns.CHURNED_CUSTOMERS)).isEqualTo(1);
    assertThat(d(email, MetricColumns.CHURN_RATE)).isEqualTo(0.5);
    assertThat(d(social, MetricColumns.CHURN_RATE)).isEqualTo(0.5);
    // Baseline from each customer's first touch: A churned, B and C did not: 1/3.
    assertThat(d(email, MetricColumns.CHURN_RELATIVE_RISK)).isCloseTo(1.5, within(1e-12));
    // Churned by the data's end: A (last event 01-01) and C (01-05); both last touched social.
    assertThat(d(social, MetricColumns.CHURN_LAST_TOUCH_SHARE)).isEqualTo(1.0);
    assertThat(d(email, MetricColumns.CHURN_LAST_TOUCH_SHARE)).isZero();
    // Journey level: every journey ended before the cutoff and none was followed by another.
    assertThat(l(email, MetricColumns.EXIT_CHURN_JOURNEYS)).isEqualTo(1);
    assertThat(d(email, MetricColumns.EXIT_CHURN_RATE)).isEqualTo(1.0);
    assertThat(l(social, MetricColumns.EXIT_CHURN_JOURNEYS)).isEqualTo(2);
  }

  @Test
  void smallCellsAreFlaggedAndSuppressedOnRequest() {
    Row flagged = metrics(settings(2, false)).get("social");
    assertThat(flagged.<String>getList(flagged.fieldIndex(MetricColumns.LOW_SAMPLE)))
        .as("social rests on 2 journeys, 2 churn customers, 2 exit journeys, 1 response")
        .containsExactly("satisfaction", "nps");
    assertThat(flagged.<Double>getAs(MetricColumns.CSAT_MEAN)).isEqualTo(5.0);

    Row suppressed = metrics(settings(2, true)).get("social");
    assertThat(suppressed.isNullAt(suppressed.fieldIndex(MetricColumns.CSAT_MEAN))).as("csat suppressed").isTrue();
    assertThat(suppressed.isNullAt(suppressed.fieldIndex(MetricColumns.RESPONSES))).as("count suppressed").isTrue();
    assertThat(suppressed.<Double>getAs(MetricColumns.CONVERSION_RATE)).as("enough journeys").isEqualTo(1.0);
  }

  @Test
  void everyDeclaredFigureIsAColumnAndIsSuppressedWithItsGroup() {
    Row suppressed = metrics(settings(2, true)).get("social");
    List<String> expected = new java.util.ArrayList<>(List.of(MetricColumns.DIMENSION, MetricColumns.NAME,
        MetricColumns.SEGMENT));
    expected.addAll(MetricFigure.columns());
    expected.add(MetricColumns.LOW_SAMPLE);
    assertThat(suppressed.schema().fieldNames()).as("table columns in MetricFigure order").containsExactlyElementsOf(
        expected);
    // social: 2 journeys, 2 churn customers, 2 exit journeys, 1 CSAT and 1 NPS response; min_cell 2.
    for (MetricFigure f : MetricFigure.values()) {
      boolean small = f.group() == MetricFigure.Group.SATISFACTION || f.group() == MetricFigure.Group.NPS;
      for (String column : f.hasInterval() ? List.of(f.column(), f.lowColumn(), f.highColumn())
          : List.of(f.column())) {
        if (small) {
          assertThat(suppressed.isNullAt(suppressed.fieldIndex(column))).as(column + " suppressed").isTrue();
        } else if (f != MetricFigure.MEDIAN_HOURS_TO_CONVERSION && f != MetricFigure.LIFT_RATIO
            && f != MetricFigure.CHURN_RELATIVE_RISK) {
          assertThat(suppressed.isNullAt(suppressed.fieldIndex(column))).as(column + " kept").isFalse();
        }
      }
    }
  }

  /**
   * Three customers with several journeys, by segment (inactivity 2 days, churn window 3 days, data end 01-20, so
   * the cutoff is 01-18). P (gold): email 01-01 10:00, conversion 12:00 (P1); social 01-02 10:00 (P2); explicit
   * churn 01-02 20:00. Q (silver): email 01-01 09:00, email 01-05 09:00, social 01-10 09:00 (Q1); survey 01-20. R (no
   * segment): email 01-01 10:00, conversion 11:00 (R1); social 01-06 10:00, email 01-07 10:00 (R2).
   */
  private Map<String, Row> severalJourneys() {
    CleanEvents events = new CleanEvents()
        .add("P", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("P", "2024-01-01T12:00:00Z", "checkout", "conversion", null, null, null, BigDecimal.ONE, 1)
        .add("P", "2024-01-02T10:00:00Z", "social", "interaction")
        .add("P", "2024-01-02T20:00:00Z", "cancel", "churn")
        .segment("P", "gold")
        .add("Q", "2024-01-01T09:00:00Z", "email", "interaction")
        .add("Q", "2024-01-05T09:00:00Z", "email", "interaction")
        .add("Q", "2024-01-10T09:00:00Z", "social", "interaction")
        .survey("Q", "2024-01-20T00:00:00Z", 3, 5, null)
        .segment("Q", "silver")
        .add("R", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("R", "2024-01-01T11:00:00Z", "checkout", "conversion", null, null, null, BigDecimal.ONE, 10)
        .add("R", "2024-01-06T10:00:00Z", "social", "interaction")
        .add("R", "2024-01-07T10:00:00Z", "email", "interaction");
    MetricsSettings settings = new MetricsSettings(List.of("touchpoint"), true, Duration.ofDays(7),
        Duration.ofDays(2), Duration.ofDays(3), Duration.ofDays(7), 1, false, 0.95);
    Map<String, Row> bySegment = new HashMap<>();
    for (Row r : metricsTable(events, settings).collectAsList()) {
      bySegment.put(r.getAs(MetricColumns.NAME) + "/" + r.getAs(MetricColumns.SEGMENT), r);
    }
    return bySegment;
  }

  @Test
  void exitChurnBaselineAndLastTouchOverSeveralJourneysAndSegments() {
    Map<String, Row> m = severalJourneys();
    assertThat(m.keySet()).containsExactlyInAnyOrder("email/null", "social/null", "email/gold", "social/gold",
        "email/silver", "social/silver");
    Row email = m.get("email/null");
    Row social = m.get("social/null");
    // Journeys with email: P1, Q1 (twice), R1, R2; R2 ends there unconverted. Converted P1 (2 h) and R1 (1 h).
    assertThat(l(email, MetricColumns.CUSTOMERS)).isEqualTo(3);
    assertThat(l(email, MetricColumns.JOURNEYS)).isEqualTo(4);
    assertThat(l(email, MetricColumns.TOUCHES)).isEqualTo(5);
    assertThat(d(email, MetricColumns.REPEAT_RATE)).isEqualTo(0.25);
    assertThat(d(email, MetricColumns.EXIT_RATE)).isEqualTo(0.25);
    assertThat(d(email, MetricColumns.MEDIAN_HOURS_TO_CONVERSION)).isEqualTo(1.5);
    assertThat(social.isNullAt(social.fieldIndex(MetricColumns.MEDIAN_HOURS_TO_CONVERSION)))
        .as("no converted journey has social").isTrue();
    assertThat(d(social, MetricColumns.EXIT_RATE)).as("P2 and Q1 end at social, R2 at email").isCloseTo(2 / 3.0,
        within(1e-12));

    // Exit churn: P1 is followed by P2 22 h later, before the explicit churn: not churned. R1 is followed by R2
    // five days later: churned. P2, Q1 and R2 are their customers' last journeys before the cutoff: churned.
    assertThat(l(email, MetricColumns.EXIT_CHURN_JOURNEYS)).isEqualTo(3);
    assertThat(d(email, MetricColumns.EXIT_CHURN_RATE)).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(l(social, MetricColumns.EXIT_CHURN_JOURNEYS)).isEqualTo(2);
    assertThat(d(social, MetricColumns.EXIT_CHURN_RATE)).isEqualTo(1.0);

    // Customer churn within 3 days of the first touch: email P (last event 01-02) only; social P and R (last event
    // 01-07, three days after 01-06 is 01-09). Baseline from the first touch of any kind: P only, 1 of 3.
    assertThat(l(email, MetricColumns.CHURN_CUSTOMERS)).isEqualTo(3);
    assertThat(l(email, MetricColumns.CHURNED_CUSTOMERS)).isEqualTo(1);
    assertThat(d(email, MetricColumns.CHURN_RELATIVE_RISK)).isCloseTo(1.0, within(1e-12));
    assertThat(l(social, MetricColumns.CHURNED_CUSTOMERS)).isEqualTo(2);
    assertThat(d(social, MetricColumns.CHURN_RELATIVE_RISK)).isCloseTo(2.0, within(1e-12));
    // Churned by the cutoff: P (explicitly, 01-02 20:00, last touch social) and R (last event 01-07, last touch
    // email at that very time). Q's last event (01-20) is after the cutoff.
    assertThat(d(email, MetricColumns.CHURN_LAST_TOUCH_SHARE)).isEqualTo(0.5);
    assertThat(d(social, MetricColumns.CHURN_LAST_TOUCH_SHARE)).isEqualTo(0.5);

    Row goldEmail = m.get("email/gold");
    Row goldSocial = m.get("social/gold");
    Row silverSocial = m.get("social/silver");
    assertThat(l(goldEmail, MetricColumns.JOURNEYS)).isEqualTo(1);
    assertThat(l(goldEmail, MetricColumns.EXIT_CHURN_JOURNEYS)).isEqualTo(1);
    assertThat(d(goldEmail, MetricColumns.EXIT_CHURN_RATE)).isZero();
    assertThat(d(goldSocial, MetricColumns.CHURN_LAST_TOUCH_SHARE)).isEqualTo(1.0);
    assertThat(d(goldEmail, MetricColumns.CHURN_LAST_TOUCH_SHARE)).isZero();
    assertThat(d(goldSocial, MetricColumns.CONVERSION_RATE_WITHOUT)).as("gold's other journey, P1, converted")
        .isEqualTo(1.0);
    assertThat(l(silverSocial, MetricColumns.CHURNED_CUSTOMERS)).isZero();
    assertThat(silverSocial.isNullAt(silverSocial.fieldIndex(MetricColumns.CHURN_RELATIVE_RISK)))
        .as("no silver customer churned: no baseline rate").isTrue();
    assertThat(d(silverSocial, MetricColumns.CHURN_LAST_TOUCH_SHARE)).isZero();
  }
}
