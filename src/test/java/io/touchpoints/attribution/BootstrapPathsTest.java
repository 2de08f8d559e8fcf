package io.touchpoints.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.testing.SparkTestBase;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class BootstrapPathsTest extends SparkTestBase {

  @Test
  void poissonDrawsHaveTheRightMeanAndVariance() {
    for (double mean : new double[] {0.5, 5, 9.9, 10, 50, 5000}) {
      SplittableRandom random = new SplittableRandom(11);
      int n = 40_000;
      double sum = 0;
      double squares = 0;
      for (int i = 0; i < n; i++) {
        double x = BootstrapPaths.poisson(mean, random);
        assertThat(x).as("draw for mean " + mean).isGreaterThanOrEqualTo(0).isEqualTo(Math.rint(x));
        sum += x;
        squares += x * x;
      }
      double m = sum / n;
      double variance = squares / n - m * m;
      // Poisson: variance = mean; standard error of the sample mean = sqrt(mean / n).
      assertThat(m).as("sample mean for " + mean).isCloseTo(mean, within(5 * Math.sqrt(mean / n)));
      assertThat(variance / mean).as("variance / mean for " + mean).isCloseTo(1.0, within(0.05));
    }
  }

  @Test
  void replicatesDoNotDependOnPartitioningAndKeepValuePerConversion() {
    Dataset<Row> paths = session().createDataFrame(List.of(
        RowFactory.create(new String[] {"a", "b"}, 40.0, 400.0, 60.0),
        RowFactory.create(new String[] {"b"}, 3.0, 30.0, 0.0),
        RowFactory.create(new String[] {"c", "a"}, 0.0, 0.0, 7.0)), PathColumns.SCHEMA);
    List<Row> one = BootstrapPaths.replicate(paths.coalesce(1), 30, 5).collectAsList();
    List<Row> three = BootstrapPaths.replicate(paths.repartition(3), 30, 5).collectAsList();
    assertDataFrameNoOrderEquals(session().createDataFrame(one, BootstrapPaths.SCHEMA),
        session().createDataFrame(three, BootstrapPaths.SCHEMA));
    for (Row r : one) {
      double conversions = r.getDouble(1);
      if (conversions > 0) {
        assertThat(r.getDouble(2) / conversions).as("value per conversion").isCloseTo(10.0, within(1e-9));
      }
    }
    assertThat(one.stream().map(r -> r.getInt(4)).distinct().count()).as("replicates").isEqualTo(30);
  }
}
