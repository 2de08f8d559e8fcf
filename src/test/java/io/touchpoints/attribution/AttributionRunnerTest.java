package io.touchpoints.attribution;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.pipeline.InputException;
import io.touchpoints.testing.SharedData;
import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The runner on the published toy example and on the 10,000-path example file. */
class AttributionRunnerTest extends SparkTestBase {

  private static AttributionSettings settings(List<Integer> orders, int replicates) {
    return new AttributionSettings(orders, List.of("direct"), 0.4, 0.4, 7, 15, 2000, replicates, 42);
  }

  /** model -> touchpoint -> attribution row. */
  private static Map<String, Map<String, Row>> byModel(List<Row> rows) {
    Map<String, Map<String, Row>> out = new HashMap<>();
    rows.forEach(r -> out.computeIfAbsent(r.getAs(AttributionColumns.MODEL), m -> new HashMap<>())
        .put(r.getAs(AttributionColumns.TOUCHPOINT), r));
    return out;
  }

  /** A model's credit to a touchpoint; a touchpoint the model never credits has no row. */
  private static double credit(Map<String, Map<String, Row>> m, String model, String touchpoint) {
    Row r = m.get(model).get(touchpoint);
    return r == null ? 0 : conversions(r);
  }

  private static double conversions(Row r) {
    return r.<Double>getAs(AttributionColumns.CONVERSIONS);
  }

  @Test
  void toyExampleMatchesThePublishedAnswer() {
    Path toy = SharedData.require("channelattribution/toy-paths.csv");
    AttributionRunner.Output out = new AttributionRunner(session(), settings(List.of(1, 2), 20))
        .run(PathSource.fromPathFile(session(), toy.toString(), ";"), null);
    Map<String, Map<String, Row>> m = byModel(out.attribution().collectAsList());

    // Published: first-order Markov A = 2, B = 1; removal effects A = 1, B = 0.5; first and last touch A = 3.
    assertThat(conversions(m.get("markov_1").get("A"))).as("markov_1 A").isCloseTo(2.0, within(1e-12));
    assertThat(conversions(m.get("markov_1").get("B"))).as("markov_1 B").isCloseTo(1.0, within(1e-12));
    Map<String, Double> removal = new HashMap<>();
    out.removalEffects().filter(col(AttributionColumns.ORDER).equalTo(1)).collectAsList()
        .forEach(r -> removal.put(r.getAs(AttributionColumns.TOUCHPOINT), r.getAs(AttributionColumns.REMOVAL_EFFECT)));
    assertThat(removal).as("removal effects").containsEntry("A", 1.0).containsEntry("B", 0.5);
    assertThat(conversions(m.get("first_touch").get("A"))).as("first touch A").isEqualTo(3.0);
    assertThat(conversions(m.get("last_touch").get("A"))).as("last touch A").isEqualTo(3.0);
    assertThat(out.notes()).as("notes").anyMatch(n -> n.contains("time_decay"));
    // Every model's credits add up to the 3 conversions.
    m.forEach((model, credits) -> assertThat(credits.values().stream().mapToDouble(AttributionRunnerTest::conversions)
        .sum()).as(model + " total").isCloseTo(3.0, within(1e-9)));
    // Bootstrap intervals on Markov and Shapley credits, none on heuristics.
    Row a = m.get("markov_1").get("A");
    assertThat(a.<Double>getAs(AttributionColumns.CONVERSIONS_LOW)).as("markov_1 A low")
        .isLessThanOrEqualTo(a.<Double>getAs(AttributionColumns.CONVERSIONS_HIGH));
    assertThat(m.get("shapley").get("A").isNullAt(m.get("shapley").get("A").fieldIndex(
        AttributionColumns.CONVERSIONS_LOW))).as("shapley has an interval").isFalse();
    assertThat(m.get("linear").get("A").isNullAt(m.get("linear").get("A").fieldIndex(
        AttributionColumns.CONVERSIONS_LOW))).as("linear has none").isTrue();
    // Seeded: a second run gives the same intervals.
    Map<String, Map<String, Row>> again = byModel(new AttributionRunner(session(), settings(List.of(1, 2), 20))
        .run(PathSource.fromPathFile(session(), toy.toString(), ";"), null).attribution().collectAsList());
    for (String model : List.of("markov_1", "markov_2", "shapley")) {
      assertThat(again.get(model).get("B").<Double>getAs(AttributionColumns.CONVERSIONS_HIGH))
          .as(model + " B interval, second run").isEqualTo(m.get(model).get("B").<Double>getAs(
              AttributionColumns.CONVERSIONS_HIGH));
    }
  }

  @Test
  void tenThousandPathsEveryModelExactAndStable() throws IOException {
    Path file = SharedData.require("channelattribution/paths.csv");
    // Independent arithmetic over the raw lines: first-touch, last-touch and linear credits, and the totals.
    Map<String, double[]> expected = new HashMap<>();
    double totalConversions = 0;
    double totalValue = 0;
    List<AggregatedPath> paths = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(";");
      String[] touches = f[0].split(" > ");
      double c = Double.parseDouble(f[1]);
      double v = Double.parseDouble(f[2]);
      totalConversions += c;
      totalValue += v;
      paths.add(new AggregatedPath(List.of(touches), c, v, Double.parseDouble(f[3])));
      expected.computeIfAbsent(touches[0], t -> new double[3])[0] += c;
      expected.computeIfAbsent(touches[touches.length - 1], t -> new double[3])[1] += c;
      for (String t : touches) {
        expected.computeIfAbsent(t, x -> new double[3])[2] += c / touches.length;
      }
    }
    assertThat(totalConversions).as("published total conversions").isEqualTo(19785.0);

    AttributionRunner runner = new AttributionRunner(session(), new AttributionSettings(List.of(1, 2, 3, 4),
        List.of("direct"), 0.4, 0.4, 7, 15, 2000, 0, 42, 0.2, 1.0));
    AttributionRunner.Output out = runner.run(PathSource.fromPathFile(session(), file.toString(), ";"), null);
    List<Row> first = out.attribution().collectAsList();
    // Held-out choice of order: every order scored on the steps of about a fifth of the 88,387 journeys.
    List<Row> fit = out.orderFit().orderBy(AttributionColumns.ORDER).collectAsList();
    assertThat(fit).as("orders scored").extracting(r -> r.<Integer>getAs(AttributionColumns.ORDER))
        .containsExactly(1, 2, 3, 4);
    assertThat(fit).as("exactly one order chosen").filteredOn(r -> r.<Boolean>getAs(AttributionColumns.SELECTED))
        .hasSize(1);
    fit.forEach(r -> assertThat(r.<Double>getAs(AttributionColumns.PERPLEXITY)).as("perplexity of " + r)
        .isGreaterThan(1.0).isLessThan(14.0));
    assertThat(out.notes()).as("notes").anyMatch(n -> n.startsWith("held-out fit prefers markov_"));
    Map<String, Map<String, Row>> m = byModel(first);
    for (String model : List.of("first_touch", "last_touch", "last_non_direct", "linear", "position_based",
        "markov_1", "markov_2", "markov_3", "markov_4", "shapley")) {
      assertThat(m).as("models").containsKey(model);
      double sum = m.get(model).values().stream().mapToDouble(AttributionRunnerTest::conversions).sum();
      double value = m.get(model).values().stream().mapToDouble(r -> r.<Double>getAs(AttributionColumns.REVENUE))
          .sum();
      assertThat(sum).as(model + " conversions sum").isCloseTo(totalConversions, within(1e-6));
      assertThat(value).as(model + " revenue sum").isCloseTo(totalValue, within(1e-6));
    }
    expected.forEach((touchpoint, e) -> {
      assertThat(credit(m, "first_touch", touchpoint)).as("first_touch " + touchpoint).isCloseTo(e[0], within(1e-9));
      assertThat(credit(m, "last_touch", touchpoint)).as("last_touch " + touchpoint).isCloseTo(e[1], within(1e-9));
      assertThat(credit(m, "linear", touchpoint)).as("linear " + touchpoint).isCloseTo(e[2], within(1e-9));
    });

    // First-order Markov: the same to the last digit on a second run, and equal to the chain counted on the driver.
    Map<String, Map<String, Row>> again = byModel(runner.run(PathSource.fromPathFile(session(), file.toString(), ";"),
        null).attribution().collectAsList());
    MarkovAttribution.Result driver = new MarkovAttribution(1).attribute(paths);
    for (MarkovAttribution.Credit c : driver.credits()) {
      double spark = conversions(m.get("markov_1").get(c.touchpoint()));
      assertThat(conversions(again.get("markov_1").get(c.touchpoint()))).as("rerun " + c.touchpoint())
          .isEqualTo(spark);
      assertThat(spark).as("driver-counted chain " + c.touchpoint()).isEqualTo(c.conversions());
    }
  }

  @Test
  void badPathFilesAreRejectedWithTheReason() throws IOException {
    Path dir = newTempDir("paths");
    Path missing = dir.resolve("a.csv");
    Files.writeString(missing, "path;conversions\nA > B;1\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> PathSource.fromPathFile(session(), missing.toString(), ";"))
        .isInstanceOf(InputException.class).hasMessageContaining("no column 'total_conversions'");
    Path badNumber = dir.resolve("b.csv");
    Files.writeString(badNumber, "path;total_conversions\nA > B;one\nC;2\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> PathSource.fromPathFile(session(), badNumber.toString(), ";"))
        .isInstanceOf(InputException.class).hasMessageContaining("1 row(s)").hasMessageContaining("A > B");
    Path wrongSep = dir.resolve("c.csv");
    Files.writeString(wrongSep, "path;total_conversions\nA > B;1\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> PathSource.fromPathFile(session(), wrongSep.toString(), ","))
        .isInstanceOf(InputException.class).hasMessageContaining("see --sep");
  }
}
