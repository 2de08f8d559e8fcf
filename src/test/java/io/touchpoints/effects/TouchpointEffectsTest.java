package io.touchpoints.effects;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.config.JobConfig;
import io.touchpoints.generate.GeneratorSettings;
import io.touchpoints.generate.PlantedTruth;
import io.touchpoints.generate.SyntheticLogGenerator;
import io.touchpoints.input.CustomerAttributes;
import io.touchpoints.input.CustomerMapping;
import io.touchpoints.input.CustomerReader;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.TouchpointJob;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The effects recover the generator's planted causal truth ({@code generate.causal}: exposure confounded by customer
 * attributes, known additive effects on conversion and churn). One data set, logistic regression with 2 folds.
 *
 * <p>Ten effects are checked at once, so each interval is family-wise (Bonferroni: 1 - 0.05/10).
 */
// 4,000 generated customers through the journeys stage and cross-fitted models: minutes, so with the production runs.
@Tag("production")
class TouchpointEffectsTest extends SparkTestBase {

  private static final List<String> TREATMENTS =
      List.of("email", "web_visit", "product_page", "chatbot", "support_ticket");
  private static final int FAMILY = 2 * TREATMENTS.size();
  private static final double FAMILY_CONFIDENCE = 1 - 0.05 / FAMILY;
  /** Planted propensities lie in [0.10, 0.80]: the inverse weights are at most 1/0.10 and 1/(1 - 0.80). */
  private static final double MIN_PROPENSITY = 0.10;
  private static final double MAX_PROPENSITY = 0.80;

  private static PlantedTruth truth;
  private static EffectsResult result;
  private static Map<String, Row> rows;

  @BeforeEach
  void generateAndEstimateOnce() {
    if (truth != null) {
      return;
    }
    Path dir = newTempDir("causal");
    Map<String, Object> options = new HashMap<>();
    options.put("output.path", dir.resolve("out").toString());
    JobConfig base = JobConfig.load(null, List.of(), options);
    GeneratorSettings generator = GeneratorSettings.fromConfig(base.raw().getConfig("generate"), "parquet",
        dir.resolve("log").toString(), 2).withCustomers(4000).withSeed(11).withCausal(true);
    truth = SyntheticLogGenerator.write(session(), generator);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    JobConfig config = base.with("input.path", dir.resolve("log").resolve("events").toString())
        .with("input.format", "parquet").withRunDate(generator.endDate());
    new TouchpointJob(session(), config, new StageReporter(quiet))
        .execute("test", EnumSet.of(PipelineStage.JOURNEYS));
    DeltaTables tables = new DeltaTables(session(), config.outputPath());
    CustomerAttributes customers = new CustomerReader(session())
        .read(dir.resolve("log").resolve(SyntheticLogGenerator.CUSTOMERS_FILE).toString(), CustomerMapping.none());

    EffectsSettings settings = EffectsSettings.from(config.raw())
        .withModel(EffectsSettings.LOGISTIC_REGRESSION, 2)
        .withConfidence(FAMILY_CONFIDENCE)
        .withTouchpoints(TREATMENTS);
    result = new TouchpointEffects(settings).compute(session(),
        tables.readRunDate(TableNames.JOURNEYS, null).drop(TableNames.RUN_DATE),
        tables.readRunDate(TableNames.EVENTS, null).drop(TableNames.RUN_DATE),
        customers.rows());
    rows = new HashMap<>();
    for (Row r : result.effects().collectAsList()) {
      rows.put(r.<String>getAs(EffectColumns.TOUCHPOINT) + "/" + r.<String>getAs(EffectColumns.OUTCOME), r);
    }
    // The figures behind the assertions, for whoever reads the test's output.
    System.out.println(result.summary());
    for (PlantedTruth.EffectTruth planted : truth.effects()) {
      System.out.println(describe(row(planted.touchpoint(), planted.outcome()), planted.average()));
    }
  }

  private static Row row(String touchpoint, String outcome) {
    Row r = rows.get(touchpoint + "/" + outcome);
    assertThat(r).as("row for %s on %s", touchpoint, outcome).isNotNull();
    return r;
  }

  private static String describe(Row r, double planted) {
    return String.format("%s on %s: planted %.3f, effect %.3f [%.3f, %.3f], naive %.3f [%.3f, %.3f], note %s",
        r.getAs(EffectColumns.TOUCHPOINT), r.getAs(EffectColumns.OUTCOME), planted,
        r.<Double>getAs(EffectColumns.EFFECT), r.<Double>getAs(EffectColumns.EFFECT_LOW),
        r.<Double>getAs(EffectColumns.EFFECT_HIGH), r.<Double>getAs(EffectColumns.NAIVE_EFFECT),
        r.<Double>getAs(EffectColumns.NAIVE_EFFECT_LOW), r.<Double>getAs(EffectColumns.NAIVE_EFFECT_HIGH),
        r.getAs(EffectColumns.NOTE));
  }

  @Test
  void everyPlantedEffectLiesInsideItsFamilyWiseIntervalWhichIsNarrowerThanItsBound() {
    double z = new NormalDistribution().inverseCumulativeProbability(1 - (1 - FAMILY_CONFIDENCE) / 2);
    List<String> report = new ArrayList<>();
    for (PlantedTruth.EffectTruth planted : truth.effects()) {
      Row r = row(planted.touchpoint(), planted.outcome());
      report.add(describe(r, planted.average()));
    }
    for (PlantedTruth.EffectTruth planted : truth.effects()) {
      Row r = row(planted.touchpoint(), planted.outcome());
      String what = describe(r, planted.average()) + "\nall: " + String.join("\n", report);
      assertThat(r.<Double>getAs(EffectColumns.EFFECT)).as("effect of " + what).isNotNull();
      assertThat(planted.average()).as(what)
          .isBetween(r.<Double>getAs(EffectColumns.EFFECT_LOW), r.<Double>getAs(EffectColumns.EFFECT_HIGH));
      // Var(psi) <= E[Var(Y|x,1)/e + Var(Y|x,0)/(1-e)] + Var(tau(x)) <= 1/4 (1/e_min + 1/(1-e_max)) + 1/4 per journey;
      // a customer's journeys may be correlated, so the variance of the mean is at most that times the mean number
      // of journeys per customer over n.
      long n = r.<Long>getAs(EffectColumns.TREATED) + r.<Long>getAs(EffectColumns.CONTROL);
      double perCustomer = (double) n / r.<Long>getAs(EffectColumns.CUSTOMERS);
      double varianceBound = 0.25 * (1 / MIN_PROPENSITY + 1 / (1 - MAX_PROPENSITY)) + 0.25;
      double bound = z * Math.sqrt(varianceBound * perCustomer / n);
      double halfWidth = (r.<Double>getAs(EffectColumns.EFFECT_HIGH) - r.<Double>getAs(EffectColumns.EFFECT_LOW)) / 2;
      assertThat(halfWidth).as("half-width of " + what).isLessThan(bound);
    }
  }

  @Test
  void naiveDifferenceLiesOutsideTheAdjustedIntervalWherePlantedConfoundingBiasesIt() {
    for (PlantedTruth.EffectTruth planted : truth.effects()) {
      if (!planted.confounded() || !planted.outcome().equals(EffectColumns.CONVERSION)) {
        continue;
      }
      Row r = row(planted.touchpoint(), planted.outcome());
      assertThat(outside(r.getAs(EffectColumns.NAIVE_EFFECT), r.getAs(EffectColumns.EFFECT_LOW),
          r.getAs(EffectColumns.EFFECT_HIGH))).as("naive outside the adjusted interval: " + describe(r,
          planted.average())).isTrue();
    }
  }

  @Test
  void touchpointWithoutPlantedEffectHasIntervalsCoveringZero() {
    Row chatbot = row("chatbot", EffectColumns.CONVERSION);
    assertThat(truth.effect("chatbot", EffectColumns.CONVERSION).average()).isZero();
    assertThat(0.0).as(describe(chatbot, 0))
        .isBetween(chatbot.<Double>getAs(EffectColumns.EFFECT_LOW), chatbot.<Double>getAs(EffectColumns.EFFECT_HIGH));
    assertThat(outside(0.0, chatbot.getAs(EffectColumns.NAIVE_EFFECT_LOW),
        chatbot.getAs(EffectColumns.NAIVE_EFFECT_HIGH)))
        .as("naive interval of a confounded null effect excludes 0: " + describe(chatbot, 0)).isTrue();
  }

  private static boolean outside(double value, double low, double high) {
    return value < low || value > high;
  }

  @Test
  void randomisedExperimentAdjustedAndNaiveAgree() {
    PlantedTruth.EffectTruth planted = truth.effect("web_visit", EffectColumns.CONVERSION);
    assertThat(planted.confounded()).as("web_visit is assigned at random").isFalse();
    Row r = row("web_visit", EffectColumns.CONVERSION);
    double naive = r.getAs(EffectColumns.NAIVE_EFFECT);
    assertThat(naive).as("naive inside the adjusted interval: " + describe(r, planted.average()))
        .isBetween(r.<Double>getAs(EffectColumns.EFFECT_LOW), r.<Double>getAs(EffectColumns.EFFECT_HIGH));
    assertThat(planted.average()).as("planted inside the naive interval: " + describe(r, planted.average()))
        .isBetween(r.<Double>getAs(EffectColumns.NAIVE_EFFECT_LOW), r.<Double>getAs(EffectColumns.NAIVE_EFFECT_HIGH));
  }

  @Test
  void rowsCarryMethodDiagnosticsAndCounts() {
    assertThat(rows).as("one row per (touchpoint, outcome)").hasSize(FAMILY);
    for (Row r : rows.values()) {
      assertThat(r.<String>getAs(EffectColumns.METHOD)).isEqualTo("aipw_logistic_regression_2_folds");
      assertThat(r.<Double>getAs(EffectColumns.OUTSIDE_CLIP_SHARE)).as("outside clip share").isBetween(0.0, 0.01);
      // Overlap is measured on all units of the touchpoint: the conversion row counts them all.
      Row all = row(r.getAs(EffectColumns.TOUCHPOINT), EffectColumns.CONVERSION);
      assertThat(r.<Double>getAs(EffectColumns.EFFECTIVE_TREATED)).as("effective treated")
          .isBetween(50.0, (double) all.<Long>getAs(EffectColumns.TREATED));
      assertThat(r.<Double>getAs(EffectColumns.EFFECTIVE_CONTROL)).as("effective control")
          .isBetween(50.0, (double) all.<Long>getAs(EffectColumns.CONTROL));
      assertThat(r.<String>getAs(EffectColumns.NOTE)).as("note").isNull();
    }
    assertThat(result.pastDataEnd()).as("journeys whose horizon runs past the data's end").isPositive();
    assertThat(result.churnUnknown()).as("journeys whose churn is not known yet").isPositive();
    assertThat(row("email", EffectColumns.CHURN).<Long>getAs(EffectColumns.TREATED))
        .as("churn rows count only journeys with a known churn outcome")
        .isLessThan(row("email", EffectColumns.CONVERSION).<Long>getAs(EffectColumns.TREATED));
    assertThat(result.summary()).contains("10 effects estimated, 0 skipped");
  }
}
