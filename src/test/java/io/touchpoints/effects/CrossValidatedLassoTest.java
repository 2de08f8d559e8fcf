package io.touchpoints.effects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The second stage of recommend's DR-learner: moments in one pass, then a lasso whose penalty cross-validation picks. */
class CrossValidatedLassoTest extends SparkTestBase {

  private static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("fold", DataTypes.IntegerType, false),
      DataTypes.createStructField("x", SQLDataTypes.VectorType(), false),
      DataTypes.createStructField("y", DataTypes.DoubleType, true)});

  private CrossValidatedLasso.Moments[] moments(List<Row> rows, int folds, int p) {
    Dataset<Row> data = session().createDataFrame(rows, SCHEMA).repartition(3);
    return CrossValidatedLasso.moments(data, "fold", "x", "y", folds, p);
  }

  @Test
  void momentsAreTheFoldsSumsAndLeaveOutRowsWithoutALabel() {
    List<Row> rows = List.of(
        RowFactory.create(0, Vectors.dense(1, 2), 3.0),
        RowFactory.create(0, Vectors.dense(-1, 0), 1.0),
        RowFactory.create(1, Vectors.dense(2, 5), -1.0),
        RowFactory.create(1, Vectors.dense(7, 7), null));
    CrossValidatedLasso.Moments[] m = moments(rows, 2, 2);
    // Fold 0 by hand: n 2; sum x (0, 2); sum y 4; sum y^2 10; x x' [[2, 2], [2, 4]]; x y (2, 6).
    assertThat(m[0].n()).isEqualTo(2);
    assertThat(m[0].sx()).containsExactly(0, 2);
    assertThat(m[0].sy()).isEqualTo(4);
    assertThat(m[0].syy()).isEqualTo(10);
    assertThat(m[0].sxx()).containsExactly(2, 2, 2, 4);
    assertThat(m[0].sxy()).containsExactly(2, 6);
    assertThat(m[1].n()).as("the row without a label is left out").isEqualTo(1);
    assertThat(m[1].sxx()).containsExactly(4, 10, 10, 25);
  }

  @Test
  void anExactLinearLabelIsRecoveredAtTheSmallestPenalty() {
    Random random = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      double a = random.nextGaussian();
      double b = random.nextDouble() * 10;
      rows.add(RowFactory.create(i % 2, Vectors.dense(a, b, 1.0), 1 + 2 * a - 0.3 * b));
    }
    // One set of moments: a round-robin repartition sums in a varying order, so a second pass may differ in the last bit.
    CrossValidatedLasso.Moments[] m = moments(rows, 2, 3);
    CrossValidatedLasso.Result result = CrossValidatedLasso.crossValidate(m);
    double[] penalties = CrossValidatedLasso.penalties(CrossValidatedLasso.Moments.empty(3).plus(m[0]).plus(m[1]));
    assertThat(result.chosenPenalty()).isEqualTo(penalties[penalties.length - 1]);
    for (CrossValidatedLasso.Fit fit : result.perFold()) {
      // The smallest penalty shrinks each standardized coefficient by at most max|r| / 2^13.
      assertThat(fit.coefficients()[0]).isCloseTo(2.0, within(0.01));
      assertThat(fit.coefficients()[1]).isCloseTo(-0.3, within(0.01));
      assertThat(fit.coefficients()[2]).as("a constant column").isZero();
      assertThat(fit.intercept()).isCloseTo(1.0, within(0.05));
    }
  }

  /**
   * Planted: the label is 0.5 x the first covariate plus noise of standard deviation 3 (the doubly robust scores'
   * situation: a small signal in large noise), beside eight covariates without signal. The lasso keeps the signal and
   * predicts the planted effect better than least squares does, which spreads the noise over every covariate.
   */
  @Test
  void aSmallSignalInLargeNoiseKeepsItsCovariateAndPredictsBetterThanLeastSquares() {
    Random random = new Random(17);
    int p = 9;
    List<Row> rows = new ArrayList<>();
    List<double[]> test = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      double[] x = new double[p];
      for (int j = 0; j < p; j++) {
        x[j] = random.nextGaussian();
      }
      rows.add(RowFactory.create(i % 2, Vectors.dense(x), 0.5 * x[0] + 3 * random.nextGaussian()));
      if (i < 2_000) {
        test.add(x);
      }
    }
    CrossValidatedLasso.Moments[] m = moments(rows, 2, p);
    CrossValidatedLasso.Result lasso = CrossValidatedLasso.crossValidate(m);
    // Fold 0's fit saw fold 1's rows only: least squares on the same rows.
    CrossValidatedLasso.Fit leastSquares = CrossValidatedLasso.fit(m[1], 0, new double[p]);
    for (CrossValidatedLasso.Fit fit : lasso.perFold()) {
      // Least squares' standard error on 10,000 rows is 3 / 100 = 0.03: 0.5 +- 0.15 is 5 of them (minus shrinkage).
      assertThat(fit.coefficients()[0]).isBetween(0.3, 0.6);
    }
    assertThat(error(lasso.perFold()[0], test)).as("lasso against least squares, mean squared error on the effect")
        .isLessThan(error(leastSquares, test));
  }

  private static double error(CrossValidatedLasso.Fit fit, List<double[]> xs) {
    double sum = 0;
    for (double[] x : xs) {
      double predicted = fit.intercept();
      for (int j = 0; j < x.length; j++) {
        predicted += fit.coefficients()[j] * x[j];
      }
      sum += Math.pow(predicted - 0.5 * x[0], 2);
    }
    return sum / xs.size();
  }
}
