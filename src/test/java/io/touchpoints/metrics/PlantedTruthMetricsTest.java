package io.touchpoints.metrics;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.config.JobConfig;
import io.touchpoints.generate.GeneratorSettings;
import io.touchpoints.generate.PlantedTruth;
import io.touchpoints.generate.SyntheticLogGenerator;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.TouchpointJob;
import io.touchpoints.testing.SparkTestBase;
import java.util.EnumSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics recover the generator's planted truth: each planted per-touchpoint conversion propensity (next-step
 * conversion rate), churn hazard (churn after journeys ending there) and CSAT mean lies inside its interval, and
 * touchpoints whose intervals separate are ranked as planted.
 *
 * <p>Thirty intervals are checked at once, so at 95% each about one and a half would miss by chance: every planted
 * value must lie inside its family-wise interval (Bonferroni: 1 − 0.05/30 each), and at least 90% inside their
 * plain 95% intervals.
 */
class PlantedTruthMetricsTest extends SparkTestBase {

  private static PlantedTruth truth;
  private static Map<String, Row> plain;
  private static Map<String, Row> familyWise;

  @BeforeEach
  void generateAndMeasureOnce() {
    if (truth != null) {
      return;
    }
    Path dir = newTempDir("planted");
    Map<String, Object> options = new HashMap<>();
    options.put("output.path", dir.resolve("out").toString());
    JobConfig base = JobConfig.load(null, List.of(), options);
    GeneratorSettings settings = GeneratorSettings.fromConfig(base.raw().getConfig("generate"), "parquet",
        dir.resolve("log").toString(), 4).withCustomers(6000).withSeed(7);
    truth = SyntheticLogGenerator.write(session(), settings);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    JobConfig config = base.with("input.path", dir.resolve("log").resolve("events").toString())
        .with("input.format", "parquet").withRunDate(settings.endDate());
    new TouchpointJob(session(), config, new StageReporter(quiet)).execute("test", EnumSet.of(PipelineStage.JOURNEYS));
    plain = touchpointRows(config, 0.95);
    familyWise = touchpointRows(config.with("metrics.confidence", 1 - 0.05 / 30), 1 - 0.05 / 30);
  }

  private Map<String, Row> touchpointRows(JobConfig config, double confidence) {
    DeltaTables tables = new DeltaTables(session(), config.outputPath());
    MetricsSettings settings = MetricsSettings.from(config.raw().getConfig("metrics"));
    List<Row> rows = new TouchpointMetrics(settings).compute(
            tables.readRunDate(TableNames.JOURNEYS, null).drop(TableNames.RUN_DATE),
            tables.readRunDate(TableNames.EVENTS, null).drop(TableNames.RUN_DATE))
        .filter(col(MetricColumns.DIMENSION).equalTo("touchpoint").and(col(MetricColumns.SEGMENT).isNull()))
        .collectAsList();
    Map<String, Row> byName = new HashMap<>();
    rows.forEach(r -> byName.put(r.<String>getAs(MetricColumns.NAME), r));
    assertThat(settings.confidence()).isEqualTo(confidence);
    return byName;
  }

  private record Check(String figure, ToDoubleFunction<PlantedTruth.TouchpointTruth> planted) {}

  private static final List<Check> CHECKS = List.of(
      new Check(MetricColumns.NEXT_STEP_CONVERSION_RATE, PlantedTruth.TouchpointTruth::conversionPropensity),
      new Check(MetricColumns.EXIT_CHURN_RATE, PlantedTruth.TouchpointTruth::churnHazard),
      new Check(MetricColumns.CSAT_MEAN, PlantedTruth.TouchpointTruth::csatMean));

  @Test
  void plantedValuesLieInsideTheirIntervals() {
    int inside95 = 0;
    int checked = 0;
    List<String> misses = new ArrayList<>();
    for (PlantedTruth.TouchpointTruth t : truth.touchpoints()) {
      for (Check check : CHECKS) {
        double planted = check.planted().applyAsDouble(t);
        Row fw = familyWise.get(t.name());
        Row p = plain.get(t.name());
        assertThat(fw).as("metrics row for " + t.name()).isNotNull();
        String what = check.figure() + " of " + t.name() + " (planted " + planted + ", estimate "
            + fw.getAs(check.figure()) + ")";
        assertThat(planted).as("family-wise interval of " + what)
            .isBetween(fw.<Double>getAs(check.figure() + "_low"), fw.<Double>getAs(check.figure() + "_high"));
        checked++;
        if (planted >= p.<Double>getAs(check.figure() + "_low") && planted <= p.<Double>getAs(check.figure() + "_high")) {
          inside95++;
        } else {
          misses.add(what);
        }
      }
    }
    assertThat(inside95).as("planted values inside their 95%% intervals; misses: %s", misses)
        .isGreaterThanOrEqualTo((int) Math.ceil(0.9 * checked));
  }

  @Test
  void touchpointsThatTheDataSeparatesAreRankedAsPlanted() {
    for (Check check : CHECKS) {
      for (PlantedTruth.TouchpointTruth a : truth.touchpoints()) {
        for (PlantedTruth.TouchpointTruth b : truth.touchpoints()) {
          Row ra = plain.get(a.name());
          Row rb = plain.get(b.name());
          boolean separated = ra.<Double>getAs(check.figure() + "_low") > rb.<Double>getAs(check.figure() + "_high");
          if (separated) {
            assertThat(check.planted().applyAsDouble(a)).as(check.figure() + ": " + a.name() + " above " + b.name())
                .isGreaterThan(check.planted().applyAsDouble(b));
          }
        }
      }
    }
  }

  @Test
  void churnBaselineIsOneRateSharedByAllTouchpoints() {
    // relative risk = churn rate / the rate of all customers from their first touch: one baseline, a proper rate.
    List<Double> baselines = new ArrayList<>();
    for (Row r : plain.values()) {
      baselines.add(r.<Double>getAs(MetricColumns.CHURN_RATE) / r.<Double>getAs(MetricColumns.CHURN_RELATIVE_RISK));
    }
    double base = baselines.get(0);
    assertThat(base).as("baseline churn rate").isStrictlyBetween(0.01, 0.9);
    baselines.forEach(b -> assertThat(b).as("same baseline for every touchpoint").isCloseTo(base,
        org.assertj.core.api.Assertions.within(1e-9)));
  }

  @Test
  void intervalsAreNarrowEnoughToRank() {
    // The test means something only if most touchpoint pairs are told apart.
    int pairs = 0;
    int separated = 0;
    List<PlantedTruth.TouchpointTruth> tps = truth.touchpoints();
    for (int i = 0; i < tps.size(); i++) {
      for (int j = i + 1; j < tps.size(); j++) {
        Row a = plain.get(tps.get(i).name());
        Row b = plain.get(tps.get(j).name());
        pairs++;
        String f = MetricColumns.NEXT_STEP_CONVERSION_RATE;
        if (a.<Double>getAs(f + "_low") > b.<Double>getAs(f + "_high")
            || b.<Double>getAs(f + "_low") > a.<Double>getAs(f + "_high")) {
          separated++;
        }
      }
    }
    assertThat(separated).as("pairs of touchpoints separated by next-step conversion").isGreaterThan(pairs * 2 / 3);
  }
}
