package io.touchpoints.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Metrics on hand-worked numbers. Vocabulary (a, b, c, e); model m scores six prefixes:
 *
 * <pre>
 * actual  probabilities (a, b, c, e)   predicted  rank of actual  -ln max(p, 1e-15)
 * a       .5   .3   .1    .1           a          1               .693147
 * b       .6   .3   .05   .05          a          2               1.203973
 * c       .2   .8   0     0            b          3 (tie with e)  34.538776
 * e       .2   .8   0     0            b          4               34.538776
 * d       .4   .4   .1    .1           a (tie)    - (unknown)     34.538776
 * b       .25  .5   .125  .125         b          1               .693147
 * </pre>
 * top-1 = 2/6, top-3 = 4/6, log loss = 106.206595 / 6. Per touchpoint (precision, recall, F1): a (1/3, 1, .5),
 * b (1/3, 1/2, .4), c, d, e (0, 0, 0); macro-F1 = .9 / 5 = .18.
 */
class ModelEvaluationTest extends SparkTestBase {

  private static final StructType SCORED = new StructType()
      .add(ModelColumns.MODEL, DataTypes.StringType)
      .add(ModelColumns.LABEL, DataTypes.StringType)
      .add(ModelColumns.PROBABILITIES, DataTypes.createArrayType(DataTypes.DoubleType));

  private static Row row(String model, String label, Double... p) {
    return RowFactory.create(model, label, List.of(p));
  }

  @Test
  void metricsOnHandWorkedNumbers() {
    List<Row> rows = List.of(
        row("m", "a", 0.5, 0.3, 0.1, 0.1),
        row("m", "b", 0.6, 0.3, 0.05, 0.05),
        row("m", "c", 0.2, 0.8, 0.0, 0.0),
        row("m", "e", 0.2, 0.8, 0.0, 0.0),
        row("m", "d", 0.4, 0.4, 0.1, 0.1),
        row("m", "b", 0.25, 0.5, 0.125, 0.125),
        row("n", "a", 1.0, 0.0, 0.0, 0.0));
    ModelEvaluation.Result result = ModelEvaluation.evaluate(session(), session().createDataFrame(rows, SCORED),
        List.of("a", "b", "c", "e"), List.of("m", "n"), 1e-15);

    assertThat(result.overall("m", ModelColumns.TOP1_ACCURACY)).isCloseTo(2.0 / 6, within(1e-12));
    assertThat(result.overall("m", ModelColumns.TOP3_ACCURACY)).isCloseTo(4.0 / 6, within(1e-12));
    double loss = (2 * -Math.log(0.5) - Math.log(0.3) - 3 * Math.log(1e-15)) / 6;
    assertThat(result.overall("m", ModelColumns.LOG_LOSS)).isCloseTo(loss, within(1e-9));
    assertThat(loss).isCloseTo(17.701099, within(1e-6));
    assertThat(result.overall("m", ModelColumns.MACRO_F1)).isCloseTo(0.18, within(1e-12));
    assertThat(perTouchpoint(result, "m", ModelColumns.PRECISION, "a")).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(perTouchpoint(result, "m", ModelColumns.RECALL, "b")).isCloseTo(0.5, within(1e-12));
    assertThat(perTouchpoint(result, "m", ModelColumns.SUPPORT, "b")).isEqualTo(2.0);
    assertThat(perTouchpoint(result, "m", ModelColumns.PRECISION, "c")).as("never predicted").isZero();
    assertThat(perTouchpoint(result, "m", ModelColumns.RECALL, "d")).as("unknown label").isZero();

    assertThat(result.overall("n", ModelColumns.TOP1_ACCURACY)).isEqualTo(1.0);
    assertThat(result.overall("n", ModelColumns.LOG_LOSS)).isCloseTo(0.0, within(1e-12));
    assertThat(result.overall("n", ModelColumns.MACRO_F1)).isEqualTo(1.0);

    List<Row> confusion = result.confusion().filter("model = 'm'").orderBy("actual", "predicted").collectAsList();
    assertThat(confusion).extracting(r -> r.getString(1) + ">" + r.getString(2) + "=" + r.getLong(3))
        .containsExactly("a>a=1", "b>a=1", "b>b=1", "c>b=1", "d>a=1", "e>b=1");
  }

  private static double perTouchpoint(ModelEvaluation.Result result, String model, String metric, String touchpoint) {
    return result.metrics().stream()
        .filter(m -> m.model().equals(model) && m.metric().equals(metric) && touchpoint.equals(m.touchpoint()))
        .mapToDouble(ModelEvaluation.MetricRow::value).findFirst().orElseThrow();
  }
}
