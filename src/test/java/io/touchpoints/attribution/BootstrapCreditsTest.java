package io.touchpoints.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The one-pass bootstrap against the plain computation it replaces: draw each replicate's paths with {@link
 * BootstrapPaths#replicate}, then solve each replicate's Markov chains and Shapley value from scratch.
 */
class BootstrapCreditsTest extends SparkTestBase {

  private static final int REPLICATES = 12;
  private static final long SEED = 41;
  private static final List<Integer> ORDERS = List.of(1, 2, 3);

  private static final List<AggregatedPath> PATHS = PathFixtures.MIXED;

  private Dataset<Row> paths() {
    return PathFixtures.frame(session(), PATHS);
  }

  private Map<AttributionModel, Map<Integer, Map<String, double[]>>> onePass(Dataset<Row> paths) {
    Map<Integer, TransitionCounts> chains = new TreeMap<>();
    for (int order : ORDERS) {
      chains.put(order, TransitionCounts.fromPaths(PATHS, order));
    }
    List<List<String>> sets = PATHS.stream().map(p -> List.copyOf(new TreeSet<>(p.touchpoints()))).distinct().toList();
    return new BootstrapCredits(session(), REPLICATES, SEED, 15, 1000).run(paths, chains, sets);
  }

  @Test
  void everyReplicateEqualsSolvingItsDrawnPathsFromScratch() {
    Map<AttributionModel, Map<Integer, Map<String, double[]>>> actual = onePass(paths().repartition(3));

    Map<Integer, List<AggregatedPath>> drawn = new TreeMap<>();
    for (Row r : BootstrapPaths.replicate(paths(), REPLICATES, SEED).collectAsList()) {
      drawn.computeIfAbsent(r.getInt(4), b -> new ArrayList<>()).add(new AggregatedPath(r.getList(0), r.getDouble(1),
          r.getDouble(2), r.getDouble(3)));
    }
    assertThat(drawn).as("replicates drawn").hasSize(REPLICATES);
    assertThat(actual.keySet()).as("models").containsExactly(AttributionModel.MARKOV_1, AttributionModel.MARKOV_2,
        AttributionModel.MARKOV_3, AttributionModel.SHAPLEY);
    int compared = 0;
    for (Map.Entry<Integer, List<AggregatedPath>> replicate : drawn.entrySet()) {
      int b = replicate.getKey();
      for (int order : ORDERS) {
        Map<String, double[]> got = actual.get(AttributionModel.markov(order)).get(b);
        for (MarkovAttribution.Credit c : new MarkovAttribution(order).attribute(replicate.getValue()).credits()) {
          double[] v = got.get(c.touchpoint());
          String what = "markov_" + order + " replicate " + b + " " + c.touchpoint();
          assertThat(v).as(what).isNotNull();
          assertThat(v[0]).as(what + " conversions").isCloseTo(c.conversions(), within(1e-9));
          assertThat(v[1]).as(what + " value").isCloseTo(c.value(), within(1e-9));
          assertThat(v[2]).as(what + " removal effect").isCloseTo(c.removalEffect(), within(1e-12));
          compared++;
        }
        double credited = got.values().stream().mapToDouble(v -> v[0]).sum();
        double conversions = replicate.getValue().stream().mapToDouble(AggregatedPath::conversions).sum();
        assertThat(credited).as("markov_" + order + " replicate " + b + " credits sum to its conversions")
            .isCloseTo(conversions, within(1e-9));
      }
      Map<String, double[]> got = actual.get(AttributionModel.SHAPLEY).get(b);
      for (ShapleyAttribution.Credit c : new ShapleyAttribution(15, 1000, SEED).attribute(replicate.getValue())
          .credits()) {
        String what = "shapley replicate " + b + " " + c.touchpoint();
        assertThat(got.get(c.touchpoint())[0]).as(what + " conversions").isCloseTo(c.conversions(), within(1e-9));
        assertThat(got.get(c.touchpoint())[1]).as(what + " value").isCloseTo(c.value(), within(1e-9));
        compared++;
      }
    }
    assertThat(compared).as("credits compared").isGreaterThan(REPLICATES * 10);
  }

  @Test
  void resultDoesNotDependOnPartitioning() {
    Map<AttributionModel, Map<Integer, Map<String, double[]>>> one = onePass(paths().coalesce(1));
    Map<AttributionModel, Map<Integer, Map<String, double[]>>> four = onePass(paths().repartition(4));
    assertThat(four.keySet()).isEqualTo(one.keySet());
    one.forEach((model, byReplicate) -> byReplicate.forEach((b, credits) -> credits.forEach((t, v) -> {
      double[] w = four.get(model).get(b).get(t);
      for (int k = 0; k < 2; k++) {
        assertThat(w[k]).as("model " + model + " replicate " + b + " " + t).isCloseTo(v[k], within(1e-9));
      }
    })));
  }
}
