package io.touchpoints.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Interval formulas against published and hand-computed values, and the column forms against the plain ones. */
class ConfidenceIntervalsTest extends SparkTestBase {

  private static final double Z95 = 1.959963984540054;

  @Test
  void wilsonMatchesPublishedValues() {
    // 8 of 10: 0.4902 to 0.9433 (Newcombe 1998, table I).
    ConfidenceIntervals.Bounds b = ConfidenceIntervals.wilson(8, 10, Z95);
    assertThat(b.low()).as("low").isCloseTo(0.49016, within(1e-5));
    assertThat(b.high()).as("high").isCloseTo(0.94332, within(1e-5));
    // 0 of 10: the lower bound is 0, not negative.
    assertThat(ConfidenceIntervals.wilson(0, 10, Z95).low()).isZero();
    assertThat(ConfidenceIntervals.wilson(0, 10, Z95).high()).isCloseTo(0.27753, within(1e-5));
    assertThat(ConfidenceIntervals.wilson(0, 0, Z95).low()).as("empty sample").isNaN();
  }

  @Test
  void newcombeDifferenceMatchesThePublishedExample() {
    // 56/70 − 48/80 = 0.2000, interval 0.0524 to 0.3339 (Newcombe 1998, method 10).
    ConfidenceIntervals.Bounds b = ConfidenceIntervals.difference(56, 70, 48, 80, Z95);
    assertThat(b.low()).isCloseTo(0.05243, within(1e-5));
    assertThat(b.high()).isCloseTo(0.33387, within(1e-5));
  }

  @Test
  void npsAndMeanIntervalsByHand() {
    // 50 promoters, 20 detractors of 100: NPS 30, variance (0.5 + 0.2 − 0.3²)/100.
    assertThat(ConfidenceIntervals.npsScore(50, 20, 100)).isEqualTo(30.0);
    ConfidenceIntervals.Bounds nps = ConfidenceIntervals.nps(50, 20, 100, Z95);
    assertThat(nps.low()).isCloseTo(14.6922, within(1e-4));
    assertThat(nps.high()).isCloseTo(45.3078, within(1e-4));
    // All promoters: no spread, clamped to 100.
    assertThat(ConfidenceIntervals.nps(10, 0, 10, Z95).high()).isEqualTo(100.0);
    ConfidenceIntervals.Bounds mean = ConfidenceIntervals.mean(4.0, 1.0, 25, Z95);
    assertThat(mean.low()).isCloseTo(3.60801, within(1e-5));
    assertThat(mean.high()).isCloseTo(4.39199, within(1e-5));
  }

  @Test
  void columnFormsEqualThePlainFormulas() {
    StructType schema = new StructType().add("k", DataTypes.LongType).add("n", DataTypes.LongType)
        .add("k2", DataTypes.LongType).add("n2", DataTypes.LongType);
    List<Row> rows = List.of(RowFactory.create(8L, 10L, 3L, 10L), RowFactory.create(56L, 70L, 48L, 80L),
        RowFactory.create(0L, 10L, 10L, 10L), RowFactory.create(1L, 1000L, 999L, 1000L));
    List<Row> out = session().createDataFrame(rows, schema).select(
        col("k"), col("n"), col("k2"), col("n2"),
        ConfidenceIntervals.wilsonLow(col("k"), col("n"), Z95),
        ConfidenceIntervals.wilsonHigh(col("k"), col("n"), Z95),
        ConfidenceIntervals.differenceBound(col("k"), col("n"), col("k2"), col("n2"), Z95, false),
        ConfidenceIntervals.differenceBound(col("k"), col("n"), col("k2"), col("n2"), Z95, true),
        ConfidenceIntervals.npsBound(col("k"), col("k2").minus(col("k2")).plus(lit(1)), col("n"), Z95, false),
        ConfidenceIntervals.npsBound(col("k"), col("k2").minus(col("k2")).plus(lit(1)), col("n"), Z95, true))
        .collectAsList();
    for (Row r : out) {
      long k = r.getLong(0);
      long n = r.getLong(1);
      long k2 = r.getLong(2);
      long n2 = r.getLong(3);
      String at = k + "/" + n + " vs " + k2 + "/" + n2;
      assertThat(r.getDouble(4)).as("wilson low " + at).isCloseTo(ConfidenceIntervals.wilson(k, n, Z95).low(),
          within(1e-12));
      assertThat(r.getDouble(5)).as("wilson high " + at).isCloseTo(ConfidenceIntervals.wilson(k, n, Z95).high(),
          within(1e-12));
      ConfidenceIntervals.Bounds d = ConfidenceIntervals.difference(k, n, k2, n2, Z95);
      assertThat(r.getDouble(6)).as("difference low " + at).isCloseTo(d.low(), within(1e-12));
      assertThat(r.getDouble(7)).as("difference high " + at).isCloseTo(d.high(), within(1e-12));
      ConfidenceIntervals.Bounds nps = ConfidenceIntervals.nps(k, 1, n, Z95);
      assertThat(r.getDouble(8)).as("nps low " + at).isCloseTo(nps.low(), within(1e-9));
      assertThat(r.getDouble(9)).as("nps high " + at).isCloseTo(nps.high(), within(1e-9));
    }
  }

  @Test
  void settingsRejectBadValuesShowingThem() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MetricsSettings(List.of("region"), false,
            java.time.Duration.ofDays(1), java.time.Duration.ofDays(1), java.time.Duration.ofDays(1),
            java.time.Duration.ofDays(1), 30, false, 0.95))
        .hasMessageContaining("[region]");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MetricsSettings(List.of("touchpoint"), false,
            java.time.Duration.ofDays(1), java.time.Duration.ofDays(1), java.time.Duration.ofDays(1),
            java.time.Duration.ofDays(1), 0, false, 0.95))
        .hasMessageContaining("min_cell must be at least 1, got 0");
    assertThat(new MetricsSettings(List.of("touchpoint"), false, java.time.Duration.ofDays(1),
        java.time.Duration.ofDays(1), java.time.Duration.ofDays(1), java.time.Duration.ofDays(1), 1, false, 0.95).z())
        .isCloseTo(Z95, within(1e-9));
  }
}
