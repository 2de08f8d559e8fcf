package io.touchpoints.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.config.JobConfig;
import io.touchpoints.generate.GeneratorSettings;
import io.touchpoints.generate.SyntheticLogGenerator;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.TouchpointJob;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The recommendations find the planted heterogeneity ({@code generate.causal}): email raises conversion by 8 points
 * for basic customers and not at all for premium ones, product_page by 4 and 20 points. The policy "email for basic,
 * product_page for premium" beats giving everyone product_page (the best single touchpoint) by about 0.7 x (8 - 4) x
 * (1 - share already exposed) points per journey; the learned policy must beat it with the gain's interval above 0,
 * which the fall-back to average effects (everyone gets the same touchpoint, gain 0) cannot. Where nothing is
 * planted to exploit (web_visit and chatbot have the same effect for everyone), the stage must fall back.
 */
// The planted gain is about 2.8 points; on 4,000 customers the gain's interval was +-1.9 points wide, too little power
// to show it, so 10,000 customers (+-1.2). Two recommend runs on them: minutes, so with the production runs.
@Tag("production")
class RecommendPlantedTruthTest extends SparkTestBase {

  private static Path dir;
  private static JobConfig config;
  private static GeneratorSettings generator;

  @BeforeEach
  void generateOnce() {
    if (config != null) {
      return;
    }
    dir = newTempDir("recommend-truth");
    Map<String, Object> options = new HashMap<>();
    options.put("output.path", dir.resolve("out").toString());
    JobConfig base = JobConfig.load(null, List.of("effects.model=logistic_regression", "effects.folds=2"), options);
    generator = GeneratorSettings.fromConfig(base.raw().getConfig("generate"), "parquet",
        dir.resolve("log").toString(), 2).withCustomers(10_000).withSeed(11).withCausal(true);
    SyntheticLogGenerator.write(session(), generator);
    config = base.with("input.path", dir.resolve("log").resolve("events").toString())
        .with("input.format", "parquet")
        .with("input.customers", dir.resolve("log").resolve(SyntheticLogGenerator.CUSTOMERS_FILE).toString())
        .withRunDate(generator.endDate());
    new TouchpointJob(session(), config, new StageReporter(quiet()))
        .execute("test", EnumSet.of(PipelineStage.JOURNEYS));
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  /** Runs recommend over {@code candidates}; returns its printed lines. */
  private String recommend(List<String> candidates) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    new TouchpointJob(session(), config.with("recommend.candidates", candidates),
        new StageReporter(new PrintStream(printed, true, StandardCharsets.UTF_8)))
        .execute("test", EnumSet.of(PipelineStage.RECOMMEND));
    String lines = printed.toString(StandardCharsets.UTF_8);
    System.out.println(lines);
    return lines;
  }

  private Map<String, Row> metrics() {
    Map<String, Row> out = new HashMap<>();
    for (Row r : new DeltaTables(session(), config.outputPath()).read(TableNames.UPLIFT_METRICS).collectAsList()) {
      out.put(r.<String>getAs(RecommendColumns.CANDIDATE) + "/" + r.<String>getAs(RecommendColumns.METRIC), r);
    }
    return out;
  }

  // Measured (seed 11): gain +1.9 points [+0.5, +3.3]; the second stage kept 4 (email) and 6 (product_page) of 21
  // covariates. With least squares in the second stage: +1.4 [+0.0, +2.8], email first for 66% of basic customers.
  @Test
  void learnedPolicyBeatsTheBestSingleTouchpointWhereHeterogeneityIsPlanted() throws Exception {
    String line = recommend(List.of("email", "product_page"));
    Row gain = metrics().get(RecommendColumns.RECOMMENDED + "/" + RecommendColumns.GAIN_VS_BEST_SINGLE);
    assertThat(gain.<Double>getAs(RecommendColumns.LOW)).as("gain over the best single touchpoint: %s", gain)
        .isGreaterThan(0.0);
    assertThat(line).contains("best single touchpoint (product_page)").contains("ranked by each customer's uplift");

    // The ranking follows the planted plan: product_page first for premium customers, email for basic ones.
    Map<String, String> plans = new HashMap<>();
    List<String> lines = Files.readAllLines(dir.resolve("log").resolve(SyntheticLogGenerator.CUSTOMERS_FILE));
    int plan = List.of(lines.get(0).split(",")).indexOf("plan");
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      plans.put(f[0], f[plan]);
    }
    int[] agree = new int[2];
    int[] total = new int[2];
    for (Row r : new DeltaTables(session(), config.outputPath()).read(TableNames.NEXT_BEST_TOUCHPOINT)
        .filter(RecommendColumns.RANK + " = 1").collectAsList()) {
      String p = plans.get(r.<String>getAs(RecommendColumns.CUSTOMER_ID));
      if (p == null) {
        continue;
      }
      int i = p.equals("premium") ? 1 : 0;
      total[i]++;
      if (r.<String>getAs(RecommendColumns.TOUCHPOINT).equals(i == 1 ? "product_page" : "email")) {
        agree[i]++;
      }
    }
    assertThat((double) agree[0] / total[0]).as("basic customers with email first").isGreaterThan(0.8);
    assertThat((double) agree[1] / total[1]).as("premium customers with product_page first").isGreaterThan(0.8);
  }

  @Test
  void withoutPlantedHeterogeneityTheRankingFallsBackToTheAverageEffects() {
    String line = recommend(List.of("web_visit", "chatbot"));
    Row gain = metrics().get(RecommendColumns.RECOMMENDED + "/" + RecommendColumns.GAIN_VS_BEST_SINGLE);
    assertThat(gain.<Double>getAs(RecommendColumns.LOW)).as("gain: %s", gain).isLessThanOrEqualTo(0.0);
    assertThat(line).contains("ranked by the average effects");
    List<Row> first = new DeltaTables(session(), config.outputPath()).read(TableNames.NEXT_BEST_TOUCHPOINT)
        .filter(RecommendColumns.RANK + " = 1").select(RecommendColumns.TOUCHPOINT).distinct().collectAsList();
    assertThat(first).as("everyone gets the same first touchpoint").hasSize(1);
    assertThat(first.get(0).getString(0)).as("web_visit: planted +6 points, chatbot 0").isEqualTo("web_visit");
  }
}
