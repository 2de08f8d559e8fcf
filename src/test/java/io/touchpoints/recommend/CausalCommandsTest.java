package io.touchpoints.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.cli.TouchpointsCli;
import io.touchpoints.config.JobConfig;
import io.touchpoints.effects.CustomerInput;
import io.touchpoints.effects.EffectColumns;
import io.touchpoints.generate.GeneratorSettings;
import io.touchpoints.generate.PlantedTruth;
import io.touchpoints.generate.SyntheticLogGenerator;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The effects and recommend stages through the command line, on one small generated log with planted causal effects
 * (800 customers, logistic regression with 2 folds, two touchpoints so that it stays quick):
 * {@code effects --input --customers} writes touchpoint_effects and the attribute kinds it inferred (and prints them),
 * and the randomised touchpoint's planted effect is inside its interval; {@code recommend} on the tables ranks the
 * candidates of every customer and writes the evaluation; a later night whose customers file changed a column's kind
 * is a bad input (exit 2) that writes nothing. The confounded effects and the heterogeneity need more customers
 * (TouchpointEffectsTest, RecommendPlantedTruthTest, with the production runs).
 */
class CausalCommandsTest extends SparkTestBase {

  private static final List<String> CANDIDATES = List.of("email", "product_page");
  private static final List<String> SMALL = List.of("--conf", "effects.model=logistic_regression",
      "--conf", "effects.folds=2", "--conf", "effects.min_group=20");

  private record Result(int code, String out, String err) {}

  private static Result cli(List<String> args) {
    StringWriter err = new StringWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = TouchpointsCli.execute(new PrintWriter(err, true), args.toArray(String[]::new));
    } finally {
      System.setOut(original);
    }
    // The stage lines, for whoever reads the test's output.
    System.out.print(out.toString(StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
  }

  private static List<String> args(String... first) {
    List<String> out = new ArrayList<>(List.of(first));
    out.addAll(SMALL);
    return out;
  }

  @Test
  void effectsAndRecommendWriteTheirTablesAndAChangedAttributeKindIsABadInputThatWritesNothing() throws IOException {
    Path dir = newTempDir("causal-commands");
    Map<String, Object> options = new HashMap<>();
    options.put("output.path", dir.resolve("out").toString());
    JobConfig base = JobConfig.load(null, List.of(), options);
    GeneratorSettings generator = GeneratorSettings.fromConfig(base.raw().getConfig("generate"), "parquet",
        dir.resolve("log").toString(), 1).withCustomers(800).withSeed(5).withCausal(true);
    PlantedTruth truth = SyntheticLogGenerator.write(session(), generator);
    Path customers = dir.resolve("log").resolve(SyntheticLogGenerator.CUSTOMERS_FILE);
    String out = dir.resolve("out").toString();
    String runDate = generator.endDate().toString();

    Result effects = cli(args("effects", "--input", dir.resolve("log").resolve("events").toString(),
        "--format", "parquet", "--output", out, "--customers", customers.toString(), "--run-date", runDate,
        "--conf", "effects.touchpoints=[email,web_visit]",
        // Four intervals are checked against the planted truth: each at 1 - 0.05 / 4, family-wise 95%.
        "--conf", "effects.confidence=0.9875"));
    assertThat(effects.code()).as("exit code; stderr: %s", effects.err()).isZero();
    assertThat(effects.out()).as("the inferred kinds are printed")
        .contains("plan categorical").contains("tenure_months numeric");
    DeltaTables tables = new DeltaTables(session(), out);
    List<Row> rows = tables.read(TableNames.TOUCHPOINT_EFFECTS).collectAsList();
    assertThat(rows).extracting(r -> r.<String>getAs(EffectColumns.TOUCHPOINT) + "/" + r.getAs(EffectColumns.OUTCOME))
        .as("one row per touchpoint and outcome").containsExactlyInAnyOrder("email/conversion", "email/churn",
            "web_visit/conversion", "web_visit/churn");
    for (Row r : rows) {
      assertThat(r.<String>getAs(EffectColumns.METHOD)).isEqualTo("aipw_logistic_regression_2_folds");
      if (r.getAs(EffectColumns.TOUCHPOINT).equals("web_visit")) {
        // Randomised (probability 0.5 for everyone): the naive and adjusted intervals cover the planted effect.
        double planted = truth.effect("web_visit", r.getAs(EffectColumns.OUTCOME)).average();
        assertThat(planted).as("adjusted effect on %s: %s", r.getAs(EffectColumns.OUTCOME), r)
            .isBetween(r.<Double>getAs(EffectColumns.EFFECT_LOW), r.<Double>getAs(EffectColumns.EFFECT_HIGH));
        assertThat(planted).as("naive effect on %s: %s", r.getAs(EffectColumns.OUTCOME), r)
            .isBetween(r.<Double>getAs(EffectColumns.NAIVE_EFFECT_LOW),
                r.<Double>getAs(EffectColumns.NAIVE_EFFECT_HIGH));
      }
    }
    Map<String, String> kinds = new HashMap<>();
    tables.read(TableNames.CUSTOMER_ATTRIBUTE_KINDS).collectAsList()
        .forEach(r -> kinds.put(r.getAs(CustomerInput.ATTRIBUTE), r.getAs(CustomerInput.KIND)));
    assertThat(kinds).containsEntry("plan", "categorical").containsEntry("tenure_months", "numeric");

    Result recommend = cli(args("recommend", "--output", out, "--customers", customers.toString(),
        "--conf", "recommend.candidates=[email,product_page]", "--conf", "recommend.top_k=2"));
    assertThat(recommend.code()).as("exit code; stderr: %s", recommend.err()).isZero();
    assertThat(recommend.out()).as("the stage line says how the ranking was made")
        .containsAnyOf("ranked by each customer's uplift", "ranked by the average effects");
    everyCustomerGetsTheCandidatesInUpliftOrder(tables);
    theEvaluationHasEveryCandidateAndPolicy(tables);

    // The next night's file has a tenure that is not a number: tenure_months would silently become categorical.
    List<String> lines = Files.readAllLines(customers, StandardCharsets.UTF_8);
    List<String> header = List.of(lines.get(0).split(","));
    String[] second = lines.get(1).split(",", -1);
    second[header.indexOf("tenure_months")] = "unknown";
    lines.set(1, String.join(",", second));
    Path changed = dir.resolve("customers-changed.csv");
    Files.write(changed, lines, StandardCharsets.UTF_8);
    Map<String, Long> versions = new HashMap<>();
    for (String table : List.of(TableNames.TOUCHPOINT_EFFECTS, TableNames.NEXT_BEST_TOUCHPOINT, TableNames.RUNS,
        TableNames.JOURNEYS, TableNames.CUSTOMER_ATTRIBUTE_KINDS)) {
      versions.put(table, tables.version(table));
    }
    Result bad = cli(args("run", "--input", dir.resolve("log").resolve("events").toString(), "--format", "parquet",
        "--output", out, "--customers", changed.toString(),
        "--run-date", generator.endDate().plusDays(1).toString()));
    assertThat(bad.code()).as("exit code; stderr: %s", bad.err()).isEqualTo(2);
    assertThat(bad.err()).contains("tenure_months was numeric, now categorical");
    versions.forEach((table, version) -> assertThat(tables.version(table)).as(table + " untouched")
        .isEqualTo(version));
  }

  private void everyCustomerGetsTheCandidatesInUpliftOrder(DeltaTables tables) {
    Set<String> known = tables.read(TableNames.JOURNEYS).select("customer_id").distinct().collectAsList().stream()
        .map(r -> r.getString(0)).collect(Collectors.toSet());
    Map<String, List<Row>> byCustomer = tables.read(TableNames.NEXT_BEST_TOUCHPOINT).collectAsList().stream()
        .collect(Collectors.groupingBy(r -> r.getAs(RecommendColumns.CUSTOMER_ID)));
    assertThat(byCustomer.keySet()).as("every customer known at the run date").isEqualTo(known);
    for (List<Row> rows : byCustomer.values()) {
      List<Row> sorted = new ArrayList<>(rows);
      sorted.sort((a, b) -> Integer.compare(a.getAs(RecommendColumns.RANK), b.getAs(RecommendColumns.RANK)));
      assertThat(sorted).extracting(r -> r.<Integer>getAs(RecommendColumns.RANK)).containsExactly(1, 2);
      assertThat(sorted).extracting(r -> r.<String>getAs(RecommendColumns.TOUCHPOINT))
          .containsExactlyInAnyOrderElementsOf(CANDIDATES);
      assertThat(sorted.get(0).<Double>getAs(RecommendColumns.UPLIFT)).as("rank 1 has the larger uplift")
          .isGreaterThanOrEqualTo(sorted.get(1).<Double>getAs(RecommendColumns.UPLIFT));
      assertThat(sorted.get(0).<Double>getAs(RecommendColumns.BASELINE_PROBABILITY)).isBetween(0.0, 1.0);
    }
  }

  private void theEvaluationHasEveryCandidateAndPolicy(DeltaTables tables) {
    Map<String, Row> metrics = new HashMap<>();
    for (Row r : tables.read(TableNames.UPLIFT_METRICS).collectAsList()) {
      metrics.put(r.<String>getAs(RecommendColumns.CANDIDATE) + "/" + r.<String>getAs(RecommendColumns.METRIC), r);
    }
    for (String candidate : CANDIDATES) {
      Row effect = metrics.get(candidate + "/" + RecommendColumns.AVERAGE_EFFECT);
      assertThat(effect.<Double>getAs(RecommendColumns.LOW)).as("interval of " + candidate)
          .isLessThan(effect.<Double>getAs(RecommendColumns.VALUE));
      assertThat(effect.<Double>getAs(RecommendColumns.VALUE)).isLessThan(effect.<Double>getAs(RecommendColumns.HIGH));
      assertThat(metrics).containsKeys(candidate + "/" + RecommendColumns.QINI,
          candidate + "/" + RecommendColumns.upliftAt(10), candidate + "/" + RecommendColumns.upliftAt(50));
      for (int p : RecommendColumns.QINI_AT) {
        assertThat(metrics).containsKey(candidate + "/" + RecommendColumns.qiniAt(p));
      }
      assertThat(metrics.get(candidate + "/" + RecommendColumns.qiniAt(100)).<Double>getAs(RecommendColumns.VALUE))
          .as("the Qini curve of %s ends at its average effect (everyone targeted)", candidate)
          .isCloseTo(effect.<Double>getAs(RecommendColumns.VALUE), Offset.offset(1e-9));
    }
    Row recommended = metrics.get(RecommendColumns.RECOMMENDED + "/" + RecommendColumns.CONVERSION_RATE);
    Row none = metrics.get(RecommendColumns.NONE + "/" + RecommendColumns.CONVERSION_RATE);
    Row gain = metrics.get(RecommendColumns.RECOMMENDED + "/" + RecommendColumns.GAIN_VS_NONE);
    assertThat(metrics.keySet()).as("the best single touchpoint's row")
        .anyMatch(k -> k.startsWith(RecommendColumns.BEST_SINGLE) && k.endsWith(RecommendColumns.CONVERSION_RATE));
    assertThat(gain.<Double>getAs(RecommendColumns.VALUE)).as("gain = difference of the two rates")
        .isCloseTo(recommended.<Double>getAs(RecommendColumns.VALUE) - none.<Double>getAs(RecommendColumns.VALUE),
            Offset.offset(1e-9));
  }
}
