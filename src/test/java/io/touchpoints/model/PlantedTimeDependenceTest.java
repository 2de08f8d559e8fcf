package io.touchpoints.model;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.config.JobConfig;
import io.touchpoints.testing.CleanEvents;
import io.touchpoints.testing.SparkTestBase;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Planted truth where the next touchpoint depends, moderately, on the time since the previous touch. Four
 * touchpoints in a ring; after a touch at s that came soon after the one before it (10 minutes to 2 hours, or the
 * journey's first touch), the next is s+1 with probability 0.6, s+2 with 0.2, each other 0.1; after a long gap (1 to
 * 3 days, 30% of gaps, drawn independently of everything else) s+1 has 0.3 and s+2 0.5.
 *
 * <p>Any model of the touchpoints alone can do no better than always s+1: 0.7 · 0.6 + 0.3 · 0.3 = 0.51. A model
 * that sees the gap can reach 0.57: the planted gain is the long-gap share of the test prefixes times 0.2, about six
 * points. A logistic regression cannot represent it (a class's gap weight would have to be positive after one
 * touchpoint and negative after another), boosted trees can: they must be chosen on validation, and their paired
 * gain over the best baseline must have an interval above 0 whose lower end does not exceed the planted gain. The
 * planted gain is what the true model gains over the best time-blind one; a fitted model gains that less its
 * estimation error, so the interval may lie wholly below it but, short of a leak, not above it.
 *
 * <p>Measured (seed 20240101): boosted trees chosen on validation (0.561 against markov_1's 0.528, early stopping at
 * 29 rounds), 0.580 on test against 0.535; paired gain 0.046 [0.027, 0.064], planted 0.048. About 3.5 minutes on 2
 * cores (every candidate fitted twice, and the bootstrap): under -Pproduction. Checked once on two other seeds: 7
 * (0.575 against 0.533; gain 0.043 [0.025, 0.061], planted 0.047) and 99 (0.574 against 0.545; gain 0.029 [0.013,
 * 0.045], planted 0.049: the fitted trees fall short of the true model there).
 */
@Tag("production")
class PlantedTimeDependenceTest extends SparkTestBase {

  private static final String[] RING = {"a", "b", "c", "d"};
  private static final long SEED = 20240101;

  @Test
  void boostedTreesAreChosenWithAGainIntervalAboveZero() {
    CleanEvents events = new CleanEvents();
    SplittableRandom rng = new SplittableRandom(SEED);
    Instant origin = Instant.parse("2024-01-01T08:00:00Z");
    for (int c = 0; c < 1200; c++) {
      String customer = String.format("t%04d", c);
      Instant t = origin.plus(Duration.ofMinutes(rng.nextInt(200 * 24 * 60)));
      int state = rng.nextInt(4);
      boolean longGap = false;
      int touches = 4 + rng.nextInt(5);
      for (int i = 0; i < touches; i++) {
        events.add(customer, t.toString(), RING[state], "interaction");
        double u = rng.nextDouble();
        double stay = longGap ? 0.3 : 0.6;
        double skip = longGap ? 0.5 : 0.2;
        int step = u < stay ? 1 : u < stay + skip ? 2 : u < stay + skip + 0.1 ? 3 : 0;
        state = (state + step) % 4;
        longGap = rng.nextDouble() < 0.3;
        t = t.plus(longGap ? Duration.ofMinutes(24 * 60 + rng.nextInt(48 * 60))
            : Duration.ofMinutes(10 + rng.nextInt(110)));
      }
    }
    ModelTestData.Tables tables = ModelTestData.tables(session(), events);
    ModelSettings settings = ModelSettings.from(JobConfig.load(null, List.of(), Map.of()).raw().getConfig("model"));
    NextTouchpointModel.Trained trained = new NextTouchpointModel(session(), settings).train(tables.journeys(),
        tables.events(), newTempDir("planted-time").toString(), LocalDate.parse("2024-12-31"), "test", "hash");

    Map<String, Double> top1 = new HashMap<>();
    for (String model : trained.models()) {
      top1.put(model, trained.evaluation().overall(model, ModelColumns.TOP1_ACCURACY));
    }
    String bestBaseline = trained.models().stream().filter(m -> MarkovBaseline.orderOf(m) >= 0)
        .max((x, y) -> Double.compare(top1.get(x), top1.get(y))).orElseThrow();
    System.out.printf("planted time dependence: %s; %s%n", top1, trained.selection());
    assertThat(trained.chosen()).as("chosen (%s)", trained.selection()).isEqualTo("boosted_trees");
    assertThat(top1.get("boosted_trees")).isGreaterThanOrEqualTo(top1.get(bestBaseline));

    // The planted gain over the test prefixes: long-gap share times 0.2 (prefixes of one touch follow no gap).
    Dataset<Row> test = JourneySplit.byStartTime(session(), tables.journeys(), settings.testFraction(),
        settings.seed()).test(PrefixExamples.build(tables.journeys(), tables.events(), 1, false)
        .filter(col(ModelColumns.LABEL).isNotNull()));
    long n = test.count();
    long longGaps = test.filter(col(ModelColumns.HOURS_SINCE_PREVIOUS).geq(24)).count();
    assertThat(n).isEqualTo(trained.testExamples());
    double plantedGain = 0.2 * longGaps / n;

    Map<String, Double> gain = new HashMap<>();
    for (Row r : trained.metrics().filter(col(ModelColumns.MODEL).equalTo("boosted_trees")
        .and(col(ModelColumns.TOUCHPOINT).equalTo(bestBaseline))).collectAsList()) {
      gain.put(r.getAs(ModelColumns.METRIC), r.getAs(ModelColumns.VALUE));
    }
    double low = gain.get(ModelColumns.TOP1_GAIN + ModelColumns.LOW_95);
    double high = gain.get(ModelColumns.TOP1_GAIN + ModelColumns.HIGH_95);
    System.out.printf("paired gain over %s: %.4f [%.4f, %.4f], planted %.4f%n", bestBaseline,
        gain.get(ModelColumns.TOP1_GAIN), low, high, plantedGain);
    assertThat(low).as("gain interval above 0").isGreaterThan(0.0);
    assertThat(low).as("gain interval's low end within the planted gain %.4f", plantedGain)
        .isLessThanOrEqualTo(plantedGain);
  }
}
