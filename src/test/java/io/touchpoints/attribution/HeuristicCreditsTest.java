package io.touchpoints.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * Each rule on one small data set, worked by hand. Direct = {D}. Conversions 4, value 130.
 * <pre>
 *   P1  A > D > B   2 conversions, value 100, 5 nulls
 *   P2  D           1 conversion,  value 10
 *   P3  B > D       1 conversion,  value 20
 *   P4  C > A       no conversion, 3 nulls
 * </pre>
 */
class HeuristicCreditsTest extends SparkTestBase {

  private static final double EXACT = 1e-12;
  private static final HeuristicCredits RULES = new HeuristicCredits(List.of("D"), 0.4, 0.4, 7);

  private Dataset<Row> paths() {
    return session().createDataFrame(List.of(
        RowFactory.create(List.of("A", "D", "B").toArray(), 2.0, 100.0, 5.0),
        RowFactory.create(List.of("D").toArray(), 1.0, 10.0, 0.0),
        RowFactory.create(List.of("B", "D").toArray(), 1.0, 20.0, 0.0),
        RowFactory.create(List.of("C", "A").toArray(), 0.0, 0.0, 3.0)), PathColumns.SCHEMA);
  }

  /** model -> touchpoint -> {conversions, value}. */
  private static Map<String, Map<String, double[]>> byModel(Dataset<Row> credits) {
    Map<String, Map<String, double[]>> out = new HashMap<>();
    for (Row r : credits.collectAsList()) {
      out.computeIfAbsent(r.getAs(AttributionColumns.MODEL), m -> new HashMap<>()).put(
          r.getAs(AttributionColumns.TOUCHPOINT), new double[] {r.<Double>getAs(AttributionColumns.CONVERSIONS),
              r.<Double>getAs(AttributionColumns.REVENUE)});
    }
    return out;
  }

  /** Expected {conversions, value} for A, B, D (C never converts, so it gets no row); sums must be 4 and 130. */
  private static void assertCredits(String model, Map<String, double[]> credits, double... expected) {
    String[] names = {"A", "B", "D"};
    double conversions = 0;
    double value = 0;
    for (int i = 0; i < names.length; i++) {
      double[] c = credits.getOrDefault(names[i], new double[2]);
      assertThat(c[0]).as(model + " conversions of " + names[i]).isCloseTo(expected[2 * i], within(EXACT));
      assertThat(c[1]).as(model + " value of " + names[i]).isCloseTo(expected[2 * i + 1], within(EXACT));
    }
    for (double[] c : credits.values()) {
      conversions += c[0];
      value += c[1];
    }
    assertThat(conversions).as(model + " conversions sum").isCloseTo(4, within(EXACT));
    assertThat(value).as(model + " value sum").isCloseTo(130, within(EXACT));
  }

  @Test
  void everyPathRuleByHand() {
    Map<String, Map<String, double[]>> m = byModel(RULES.fromPaths(paths()));
    // P1 → A (2, 100); P2 → D (1, 10); P3 → B (1, 20).
    assertCredits("first_touch", m.get("first_touch"), 2, 100, 1, 20, 1, 10);
    // P1 → B (2, 100); P2 → D (1, 10); P3 → D (1, 20).
    assertCredits("last_touch", m.get("last_touch"), 0, 0, 2, 100, 2, 30);
    // P1 → B; P2 is all direct → its last touch D; P3 B > D skips D → B. B: 3, 120; D: 1, 10.
    assertCredits("last_non_direct", m.get("last_non_direct"), 0, 0, 3, 120, 1, 10);
    // P1: 1/3 each of (2, 100). P2: D all. P3: 1/2 each of (1, 20).
    assertCredits("linear", m.get("linear"), 2.0 / 3, 100.0 / 3, 7.0 / 6, 100.0 / 3 + 10, 13.0 / 6, 100.0 / 3 + 20);
    // 40/20/40. P1: A 0.4, D 0.2, B 0.4 of (2, 100). P2: D all. P3 (two touches): 1/2 each.
    assertCredits("position_based", m.get("position_based"), 0.8, 40, 1.3, 50, 1.9, 40);
    assertThat(m.get("first_touch")).as("C converts nothing: no row").doesNotContainKey("C");
  }

  @Test
  void positionBasedCustomShares() {
    // First 0.3, last 0.1. P1: A 0.3, D 0.6, B 0.1 of (2, 100). P2: D all. P3: B 0.75, D 0.25 of (1, 20).
    Map<String, Map<String, double[]>> m = byModel(new HeuristicCredits(List.of("D"), 0.3, 0.1, 7)
        .fromPaths(paths()));
    assertCredits("position_based 30/60/10", m.get("position_based"), 0.6, 30, 0.95, 25, 2.45, 75);
  }

  @Test
  void timeDecayFromJourneyTimes() {
    // Half-life 7 days. Journey 1: A 14 days, D 7 days, B 0 days before converting (2 conversions are not possible in
    // a derived journey, so 1 conversion, value 100): weights 1/4, 1/2, 1 → A 1/7, D 2/7, B 4/7.
    // Journey 2: B and D 7 days before the conversion (value 20): 1/2 each.
    CleanEvents events = new CleanEvents()
        .add("x", "2024-01-01T00:00:00Z", "A", "interaction")
        .add("x", "2024-01-08T00:00:00Z", "D", "interaction")
        .add("x", "2024-01-15T00:00:00Z", "B", "interaction")
        .add("x", "2024-01-15T00:00:00Z", "checkout", "conversion", null, null, null, new BigDecimal("100"), 3)
        .add("y", "2024-01-01T00:00:00Z", "B", "interaction")
        .add("y", "2024-01-01T00:00:00Z", "D", "interaction")
        .add("y", "2024-01-08T00:00:00Z", "checkout", "conversion", null, null, null, new BigDecimal("20"), 6);
    JourneyBuilder builder = new JourneyBuilder(new JobConfig.JourneySettings(Duration.ofMinutes(30),
        Duration.ofDays(30), true, false, List.of()));
    Dataset<Row> journeys = builder.journeys(builder.orderEvents(IdentityStitcher.stitch(
        events.toDataFrame(session()), true)));
    Map<String, double[]> m = byModel(RULES.timeDecay(journeys)).get("time_decay");
    assertThat(m.get("A")[0]).as("A").isCloseTo(1.0 / 7, within(EXACT));
    assertThat(m.get("D")[0]).as("D").isCloseTo(2.0 / 7 + 0.5, within(EXACT));
    assertThat(m.get("B")[0]).as("B").isCloseTo(4.0 / 7 + 0.5, within(EXACT));
    assertThat(m.get("B")[1]).as("B value").isCloseTo(400.0 / 7 + 10, within(1e-9));
  }

  @Test
  void sparkGivesTheDriversCredits() {
    // The axioms are tested on the driver (AttributionAxiomsTest): Spark must run the same rules to the same sums.
    Map<String, Map<String, double[]>> spark = byModel(RULES.fromPaths(PathFixtures.frame(session(),
        PathFixtures.MIXED)));
    Map<String, Map<String, double[]>> driver = RULES.onDriver(PathFixtures.MIXED);
    assertThat(spark.keySet()).as("models").isEqualTo(driver.keySet());
    driver.forEach((model, credits) -> {
      assertThat(spark.get(model).keySet()).as(model + " touchpoints").isEqualTo(credits.keySet());
      credits.forEach((t, c) -> assertThat(spark.get(model).get(t)).as(model + " " + t)
          .containsExactly(c, within(1e-9)));
    });
  }

  @Test
  void badSharesAndHalfLifeShowTheValue() {
    assertThatThrownBy(() -> new HeuristicCredits(List.of(), 0.7, 0.5, 7)).hasMessageContaining("first 0.7 and last 0.5");
    assertThatThrownBy(() -> new HeuristicCredits(List.of(), 0.4, 0.4, 0)).hasMessageContaining("got 0.0 days");
  }
}
