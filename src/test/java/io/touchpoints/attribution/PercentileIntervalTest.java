package io.touchpoints.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Percentile bounds by hand, with linear interpolation between order statistics. */
class PercentileIntervalTest {

  @Test
  void hundredAndOneReplicates() {
    // 1..101 shuffled, 90%: h = 100 · 0.05 = 5 → 6th smallest = 6; h = 95 → 96.
    double[] replicates = new double[101];
    for (int i = 0; i < 101; i++) {
      replicates[i] = (i * 37) % 101 + 1;
    }
    PercentileInterval interval = PercentileInterval.of(replicates, 0.9);
    assertThat(interval.low()).as("low").isCloseTo(6, within(1e-12));
    assertThat(interval.high()).as("high").isCloseTo(96, within(1e-12));
  }

  @Test
  void interpolatesBetweenOrderStatistics() {
    // {1, 2, 3, 4}, 50%: h = 3 · 0.25 = 0.75 → 1 + 0.75 = 1.75; h = 2.25 → 3 + 0.25 = 3.25.
    PercentileInterval interval = PercentileInterval.of(new double[] {4, 1, 3, 2}, 0.5);
    assertThat(interval.low()).as("low").isCloseTo(1.75, within(1e-12));
    assertThat(interval.high()).as("high").isCloseTo(3.25, within(1e-12));
    assertThat(PercentileInterval.of(new double[] {7}, 0.95)).as("one replicate")
        .isEqualTo(new PercentileInterval(7, 7));
    assertThat(PercentileInterval.of(new double[0], 0.95).low()).as("no replicates").isNaN();
  }

  @Test
  void badArgumentsShowTheValue() {
    assertThatThrownBy(() -> PercentileInterval.of(new double[] {1}, 1.0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 1.0");
    assertThatThrownBy(() -> PercentileInterval.of(new double[] {1, Double.NaN}, 0.9)).hasMessageContaining("NaN");
  }
}
