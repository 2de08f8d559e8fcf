package io.touchpoints.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The Qini figures from hand-worked buckets of journeys ranked by predicted uplift (no Spark). */
class PolicyEvaluationTest {

  /**
   * Ten buckets of ten journeys, largest predicted uplift first, with these sums of psi: the top journeys gain, the
   * bottom ones lose; 4 conversions gained over all 100 journeys.
   */
  private static double[][] buckets() {
    double[] psi = {5, 3, 2, 1, 0, 0, -1, -1, -2, -3};
    double[][] b = new double[psi.length][];
    for (int i = 0; i < psi.length; i++) {
      b[i] = new double[] {10, psi[i]};
    }
    return b;
  }

  @Test
  void qiniPointsAreTheCumulativeGainPerJourneyOfThePopulation() {
    double[][] b = buckets();
    // Q(p%) = (sum of psi over the top p buckets) / 100 journeys.
    double[] expected = {0.05, 0.08, 0.10, 0.11, 0.11, 0.11, 0.10, 0.09, 0.07, 0.04};
    for (int i = 0; i < RecommendColumns.QINI_AT.size(); i++) {
      int p = RecommendColumns.QINI_AT.get(i);
      assertThat(PolicyEvaluation.qiniAt(b, p)).as("Q(%d%%)", p).isCloseTo(expected[i], within(1e-12));
    }
    assertThat(RecommendColumns.qiniAt(30)).isEqualTo("qini_at_30");
    // Uplift at 20% is a mean over the targeted journeys only: 8 gained by 20 journeys.
    assertThat(PolicyEvaluation.upliftAt(b, 20)).isCloseTo(0.4, within(1e-12));
  }

  @Test
  void qiniCoefficientIsTheAreaBetweenThosePointsAndTheRandomLine() {
    double[][] b = buckets();
    // Gaps Q(f) - f Q(1) at f = 0.1 .. 1: .046 .072 .088 .094 .090 .086 .072 .058 .034 0; trapezoids of width 0.1
    // from a gap of 0 at f = 0: 0.1 x 0.64.
    assertThat(PolicyEvaluation.qini(b)).isCloseTo(0.064, within(1e-12));
    double area = 0;
    double previous = 0;
    for (int p : RecommendColumns.QINI_AT) {
      double q = PolicyEvaluation.qiniAt(b, p);
      area += 0.1 * (previous + q) / 2;
      previous = q;
    }
    double random = PolicyEvaluation.qiniAt(b, 100) / 2;
    assertThat(area - random).as("the stored points integrate to the coefficient")
        .isCloseTo(PolicyEvaluation.qini(b), within(1e-12));
  }

  @Test
  void noJourneysGiveNoFigures() {
    double[][] empty = new double[10][2];
    assertThat(PolicyEvaluation.qiniAt(empty, 50)).isNull();
    assertThat(PolicyEvaluation.qini(empty)).isNull();
  }
}
