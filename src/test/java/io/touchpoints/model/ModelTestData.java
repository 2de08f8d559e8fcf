package io.touchpoints.model;

import io.touchpoints.config.JobConfig;
import io.touchpoints.journey.IdentityStitcher;
import io.touchpoints.journey.JourneyBuilder;
import io.touchpoints.testing.CleanEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Journeys and events for the model tests, built with the real journey stage from clean events. */
final class ModelTestData {

  static final JobConfig.JourneySettings JOURNEYS = new JobConfig.JourneySettings(
      Duration.ofMinutes(30), Duration.ofDays(30), true, false, List.of());

  /** The journeys and events tables (as the journeys stage writes them, without run_date). */
  record Tables(Dataset<Row> journeys, Dataset<Row> events) {}

  private ModelTestData() {}

  static Tables tables(SparkSession spark, CleanEvents events) {
    JourneyBuilder builder = new JourneyBuilder(JOURNEYS);
    Dataset<Row> ordered = builder.orderEvents(IdentityStitcher.stitch(events.toDataFrame(spark), true));
    return new Tables(builder.journeys(ordered).cache(), JourneyBuilder.eventsTable(ordered).cache());
  }

  /**
   * A seeded log of {@code customers} customers, each with one to three journeys of two to six touches following a
   * first-order chain over a, b, c, d: after a mostly b, after b mostly c, after c mostly d, after d mostly a.
   * Journeys start 40 days apart (so the 30-day inactivity rule separates them); a third end with a conversion.
   */
  static CleanEvents markovLog(int customers, long seed) {
    String[] names = {"a", "b", "c", "d"};
    SplittableRandom rng = new SplittableRandom(seed);
    CleanEvents events = new CleanEvents();
    Instant origin = Instant.parse("2024-01-01T08:00:00Z");
    for (int c = 0; c < customers; c++) {
      String customer = String.format("c%03d", c);
      Instant t = origin.plus(Duration.ofHours(rng.nextInt(24 * 60)));
      int journeys = 1 + rng.nextInt(3);
      for (int j = 0; j < journeys; j++) {
        int state = rng.nextInt(4);
        int touches = 2 + rng.nextInt(5);
        Instant touch = t;
        for (int i = 0; i < touches; i++) {
          events.add(customer, touch.toString(), names[state], "interaction");
          state = rng.nextDouble() < 0.8 ? (state + 1) % 4 : rng.nextInt(4);
          touch = touch.plus(Duration.ofMinutes(10 + rng.nextInt(600)));
        }
        if (rng.nextInt(3) == 0) {
          events.add(customer, touch.toString(), "checkout", "conversion");
        }
        t = t.plus(Duration.ofDays(40));
      }
    }
    return events;
  }
}
