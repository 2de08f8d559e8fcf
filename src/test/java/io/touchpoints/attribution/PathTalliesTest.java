package io.touchpoints.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoints.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The one-pass tallies against the same counts made path by path on the driver. */
class PathTalliesTest extends SparkTestBase {

  private static final List<Integer> ORDERS = List.of(1, 2, 3);
  private static final double HOLDOUT = 0.3;
  private static final long SEED = 9;

  /** The shared paths, and one without journeys: it has a touchpoint set but no transitions. */
  private static final List<AggregatedPath> PATHS = java.util.stream.Stream.concat(PathFixtures.MIXED.stream(),
      java.util.stream.Stream.of(AggregatedPath.of(0, 0, 0, "f", "a"))).toList();

  private Dataset<Row> paths() {
    return PathFixtures.frame(session(), PATHS);
  }

  @Test
  void tallyEqualsCountingEachPathOnTheDriver() {
    PathTallies.Result result = PathTallies.tally(paths().repartition(3), ORDERS, ORDERS, HOLDOUT, SEED);

    assertThat(result.conversions()).as("total conversions").isEqualTo(71.0);
    assertThat(result.value()).as("total value").isEqualTo(655.0);
    List<AggregatedPath> train = new ArrayList<>();
    List<AggregatedPath> heldOut = new ArrayList<>();
    for (AggregatedPath p : PATHS) {
      double[] f = HeldOutSplit.fold(p.touchpoints(), p.conversions(), p.value(), p.nulls(), HOLDOUT, SEED);
      train.add(new AggregatedPath(p.touchpoints(), f[0], f[1], f[2]));
      heldOut.add(new AggregatedPath(p.touchpoints(), f[3], f[4], f[5]));
    }
    assertThat(heldOut.stream().mapToDouble(AggregatedPath::journeys).sum()).as("journeys held out")
        .isGreaterThan(0).isLessThan(PATHS.stream().mapToDouble(AggregatedPath::journeys).sum() / 2);
    for (int order : ORDERS) {
      assertThat(result.transitions().get(order).counts()).as("order " + order + " transitions")
          .isEqualTo(TransitionCounts.fromPaths(PATHS, order).counts());
      assertThat(result.train().get(order).counts()).as("order " + order + " training fold")
          .isEqualTo(TransitionCounts.fromPaths(train, order).counts());
      assertThat(result.heldOut().get(order).counts()).as("order " + order + " held-out fold")
          .isEqualTo(TransitionCounts.fromPaths(heldOut, order).counts());
    }
    assertThat(result.transitions().get(2).count(MarkovState.of("a", "b"), MarkovState.CONVERSION))
        .as("conversions from state a > b at order 2: 40 (path a > b) + 5 (path d > b > a > b)")
        .isEqualTo(45.0);

    Map<List<String>, double[]> sets = new TreeMap<>(AggregatedPath::compareSequences);
    for (AggregatedPath p : PATHS) {
      double[] s = sets.computeIfAbsent(List.copyOf(new TreeSet<>(p.touchpoints())), k -> new double[3]);
      s[0] += p.conversions();
      s[1] += p.value();
      s[2] += p.nulls();
    }
    assertThat(result.sets()).as("touchpoint sets").hasSize(sets.size());
    for (AggregatedPath set : result.sets()) {
      assertThat(new double[] {set.conversions(), set.value(), set.nulls()}).as("set " + set.touchpoints())
          .containsExactly(sets.get(set.touchpoints()));
    }
  }

  @Test
  void resultDoesNotDependOnPartitioningAndBadSettingsAreRefused() {
    PathTallies.Result one = PathTallies.tally(paths().coalesce(1), ORDERS, List.of(1, 2), HOLDOUT, SEED);
    PathTallies.Result four = PathTallies.tally(paths().repartition(4), ORDERS, List.of(1, 2), HOLDOUT, SEED);
    for (int order : ORDERS) {
      assertThat(four.transitions().get(order).counts()).isEqualTo(one.transitions().get(order).counts());
    }
    for (int order : List.of(1, 2)) {
      assertThat(four.heldOut().get(order).counts()).isEqualTo(one.heldOut().get(order).counts());
    }
    assertThat(four.sets()).isEqualTo(one.sets());
    assertThat(PathTallies.tally(paths(), List.of(1), List.of(), 0, SEED).train()).as("no fit, no folds").isEmpty();
    assertThatThrownBy(() -> PathTallies.tally(paths(), List.of(5), List.of(), 0, SEED))
        .hasMessageContaining("got 5");
    assertThatThrownBy(() -> PathTallies.tally(paths(), List.of(1), List.of(1), 1.0, SEED))
        .hasMessageContaining("got 1.0");
  }
}
