package io.touchpoints.attribution;

import java.util.Arrays;

/**
 * The percentile bootstrap interval: the (1 − c)/2 and (1 + c)/2 quantiles of the replicates, for confidence c.
 * Quantiles interpolate linearly between order statistics (Hyndman–Fan type 7, R's and NumPy's default): the
 * p-quantile of sorted x_0..x_{B−1} is x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋) with h = (B − 1)p. No replicates give NaN
 * bounds; one gives that value twice. O(B log B). Public: the model stage bootstraps its accuracies with it too.
 *
 * @param low lower bound
 * @param high upper bound
 */
public record PercentileInterval(double low, double high) {

  public static PercentileInterval of(double[] replicates, double confidence) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be between 0 and 1, got " + confidence);
    }
    for (double r : replicates) {
      if (Double.isNaN(r)) {
        throw new IllegalArgumentException("bootstrap replicates must be numbers, got NaN among "
            + replicates.length);
      }
    }
    if (replicates.length == 0) {
      return new PercentileInterval(Double.NaN, Double.NaN);
    }
    double[] sorted = replicates.clone();
    Arrays.sort(sorted);
    double tail = (1 - confidence) / 2;
    return new PercentileInterval(quantile(sorted, tail), quantile(sorted, 1 - tail));
  }

  private static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int below = (int) Math.floor(h);
    if (below >= sorted.length - 1) {
      return sorted[sorted.length - 1];
    }
    return sorted[below] + (h - below) * (sorted[below + 1] - sorted[below]);
  }
}
