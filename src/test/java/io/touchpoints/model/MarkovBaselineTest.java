package io.touchpoints.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.testing.SparkTestBase;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The baselines on a hand-made chain, probabilities worked out by hand. Training prefixes: [a]→b, [a]→b, [a]→c,
 * [a,b]→c, [b]→a; vocabulary (b, c, a); smoothing 1.
 *
 * <pre>
 * order 0: counts b 2, c 2, a 1 of 5; add-one over 3 labels: (3/8, 3/8, 2/8)
 * order 1: [a] seen 3 times (b 2, c 1): ((2 + .375)/4, (1 + .375)/4, (0 + .25)/4) = (.59375, .34375, .0625)
 *          [b] seen twice (c 1, a 1):   ((0 + .375)/3, (1 + .375)/3, (1 + .25)/3) = (.125, .458333, .416667)
 * order 2: [a,b] seen once (c 1), shorter context [b]: ((0 + .125)/2, (1 + .458333)/2, (0 + .416667)/2)
 *          = (.0625, .729167, .208333)
 * </pre>
 */
class MarkovBaselineTest extends SparkTestBase {

  private static final List<String> VOCABULARY = List.of("b", "c", "a");
  private static final StructType EXAMPLES = new StructType()
      .add(ModelColumns.PREFIX, DataTypes.createArrayType(DataTypes.StringType))
      .add(ModelColumns.LABEL, DataTypes.StringType);

  private static final double[] P0 = {3.0 / 8, 3.0 / 8, 2.0 / 8};
  private static final double[] P1_A = {0.59375, 0.34375, 0.0625};
  private static final double[] P1_B = {0.125, 1.375 / 3, 1.25 / 3};
  private static final double[] P2_AB = {0.0625, (1 + 1.375 / 3) / 2, (1.25 / 3) / 2};

  private Dataset<Row> examples(Row... rows) {
    return session().createDataFrame(List.of(rows), EXAMPLES);
  }

  private MarkovBaseline fitted() {
    Dataset<Row> train = examples(
        RowFactory.create(List.of("a"), "b"),
        RowFactory.create(List.of("a"), "b"),
        RowFactory.create(List.of("a"), "c"),
        RowFactory.create(List.of("a", "b"), "c"),
        RowFactory.create(List.of("b"), "a"));
    return MarkovBaseline.fit(train, VOCABULARY, 3, 1.0);
  }

  @Test
  void smoothedProbabilitiesWithBackOff() {
    MarkovBaseline baseline = fitted();
    assertThat(baseline.probabilities(List.of("a", "b"), 0)).containsExactly(P0, within(1e-12));
    assertThat(baseline.probabilities(List.of("a"), 1)).containsExactly(P1_A, within(1e-12));
    assertThat(baseline.probabilities(List.of("a", "b"), 1)).containsExactly(P1_B, within(1e-12));
    assertThat(baseline.probabilities(List.of("a", "b"), 2)).containsExactly(P2_AB, within(1e-12));
    assertThat(baseline.probabilities(List.of("a", "b"), 3)).as("no order-3 context: backs off to 2")
        .containsExactly(P2_AB, within(1e-12));
    assertThat(baseline.probabilities(List.of("c", "a"), 2)).as("[c,a] unseen: backs off to [a]")
        .containsExactly(P1_A, within(1e-12));
    assertThat(baseline.probabilities(List.of("c"), 1)).as("[c] unseen: backs off to the frequencies")
        .containsExactly(P0, within(1e-12));
    for (double[] p : List.of(P0, P1_A, P1_B, P2_AB)) {
      assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, within(1e-12));
    }
  }

  @Test
  void sparkScoringMatchesTheTables() {
    Dataset<Row> test = examples(
        RowFactory.create(List.of("a", "b"), "c"),
        RowFactory.create(List.of("c"), "a"));
    Map<String, List<Row>> byModel = fitted().score(session(), test).collectAsList().stream()
        .collect(Collectors.groupingBy(r -> r.<String>getAs(ModelColumns.MODEL)));
    assertThat(byModel.keySet()).containsExactlyInAnyOrder("most_frequent", "markov_1", "markov_2", "markov_3");
    assertThat(probabilities(byModel.get("markov_2"), "c")).containsExactly(P2_AB, within(1e-12));
    assertThat(probabilities(byModel.get("markov_3"), "c")).containsExactly(P2_AB, within(1e-12));
    assertThat(probabilities(byModel.get("markov_1"), "c")).containsExactly(P1_B, within(1e-12));
    assertThat(probabilities(byModel.get("most_frequent"), "c")).containsExactly(P0, within(1e-12));
    assertThat(probabilities(byModel.get("markov_3"), "a")).as("unseen [c]").containsExactly(P0, within(1e-12));
  }

  private static double[] probabilities(List<Row> rows, String label) {
    Row row = rows.stream().filter(r -> label.equals(r.getAs(ModelColumns.LABEL))).findFirst().orElseThrow();
    return row.<Double>getList(row.fieldIndex(ModelColumns.PROBABILITIES)).stream().mapToDouble(Double::doubleValue)
        .toArray();
  }
}
