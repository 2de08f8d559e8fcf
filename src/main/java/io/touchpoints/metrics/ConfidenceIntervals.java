package io.touchpoints.metrics;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * The interval formulas of every metric, in one place: each as a plain function (for the printed summary and for
 * tests) and as the same formula on Spark columns (for the tables). Counts in, bounds out; an empty sample gives
 * null (Column) or NaN (double).
 *
 * <ul>
 *   <li>Wilson score interval for a proportion k/n (well-behaved near 0 and 1 and for small n).</li>
 *   <li>Newcombe's hybrid score interval for a difference of two proportions, from their Wilson intervals.</li>
 *   <li>Normal interval for a mean: mean ± z·sd/√n (sample standard deviation).</li>
 *   <li>NPS = 100·(promoters − detractors)/n with variance 100²·(p + d − (p − d)²)/n (a difference of two shares of
 *       one multinomial sample).</li>
 * </ul>
 */
public final class ConfidenceIntervals {

  private ConfidenceIntervals() {}

  /** A lower and an upper bound. */
  public record Bounds(double low, double high) {}

  public static Bounds wilson(long successes, long n, double z) {
    if (n <= 0) {
      return new Bounds(Double.NaN, Double.NaN);
    }
    double p = (double) successes / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double center = (p + z2 / (2.0 * n)) / denominator;
    double half = z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new Bounds(Math.max(0, center - half), Math.min(1, center + half));
  }

  /** Newcombe's interval for p1 − p2, where p1 = k1/n1 and p2 = k2/n2. */
  public static Bounds difference(long k1, long n1, long k2, long n2, double z) {
    if (n1 <= 0 || n2 <= 0) {
      return new Bounds(Double.NaN, Double.NaN);
    }
    double p1 = (double) k1 / n1;
    double p2 = (double) k2 / n2;
    Bounds b1 = wilson(k1, n1, z);
    Bounds b2 = wilson(k2, n2, z);
    double d = p1 - p2;
    return new Bounds(
        d - Math.sqrt(square(p1 - b1.low()) + square(b2.high() - p2)),
        d + Math.sqrt(square(b1.high() - p1) + square(p2 - b2.low())));
  }

  public static Bounds mean(double mean, double sd, long n, double z) {
    if (n <= 1) {
      return new Bounds(Double.NaN, Double.NaN);
    }
    double half = z * sd / Math.sqrt(n);
    return new Bounds(mean - half, mean + half);
  }

  /** NPS on the −100..100 scale and its interval. */
  public static Bounds nps(long promoters, long detractors, long n, double z) {
    if (n <= 0) {
      return new Bounds(Double.NaN, Double.NaN);
    }
    double p = (double) promoters / n;
    double d = (double) detractors / n;
    double score = 100 * (p - d);
    double half = z * 100 * Math.sqrt((p + d - square(p - d)) / n);
    return new Bounds(Math.max(-100, score - half), Math.min(100, score + half));
  }

  public static double npsScore(long promoters, long detractors, long n) {
    return n <= 0 ? Double.NaN : 100.0 * (promoters - detractors) / n;
  }

  // ---- The same formulas on columns (counts as long columns, z as a literal). ----

  public static Column wilsonLow(Column successes, Column n, double z) {
    return wilsonBound(successes, n, z, -1);
  }

  public static Column wilsonHigh(Column successes, Column n, double z) {
    return wilsonBound(successes, n, z, 1);
  }

  private static Column wilsonBound(Column successes, Column n, double z, int sign) {
    Column nd = n.cast("double");
    Column p = successes.cast("double").divide(nd);
    double z2 = z * z;
    Column denominator = lit(1).plus(lit(z2).divide(nd));
    Column center = p.plus(lit(z2).divide(nd.multiply(2))).divide(denominator);
    Column half = lit(z).divide(denominator)
        .multiply(sqrt(p.multiply(lit(1).minus(p)).divide(nd).plus(lit(z2).divide(nd.multiply(nd).multiply(4)))));
    Column bound = sign < 0 ? greatest0(center.minus(half)) : least1(center.plus(half));
    return when(n.gt(0), bound);
  }

  /** Newcombe's interval bound for k1/n1 − k2/n2. */
  public static Column differenceBound(Column k1, Column n1, Column k2, Column n2, double z, boolean upper) {
    Column p1 = k1.cast("double").divide(n1.cast("double"));
    Column p2 = k2.cast("double").divide(n2.cast("double"));
    Column d = p1.minus(p2);
    Column result = upper
        ? d.plus(sqrt(sq(wilsonHigh(k1, n1, z).minus(p1)).plus(sq(p2.minus(wilsonLow(k2, n2, z))))))
        : d.minus(sqrt(sq(p1.minus(wilsonLow(k1, n1, z))).plus(sq(wilsonHigh(k2, n2, z).minus(p2)))));
    return when(n1.gt(0).and(n2.gt(0)), result);
  }

  public static Column meanBound(Column mean, Column sd, Column n, double z, boolean upper) {
    Column half = lit(z).multiply(sd).divide(sqrt(n.cast("double")));
    return when(n.gt(1), upper ? mean.plus(half) : mean.minus(half));
  }

  public static Column npsScore(Column promoters, Column detractors, Column n) {
    return when(n.gt(0), lit(100).multiply(promoters.minus(detractors).cast("double")).divide(n.cast("double")));
  }

  public static Column npsBound(Column promoters, Column detractors, Column n, double z, boolean upper) {
    Column nd = n.cast("double");
    Column p = promoters.cast("double").divide(nd);
    Column d = detractors.cast("double").divide(nd);
    Column score = lit(100).multiply(p.minus(d));
    Column half = lit(z * 100).multiply(sqrt(p.plus(d).minus(sq(p.minus(d))).divide(nd)));
    return when(n.gt(0), upper ? least(score.plus(half), 100) : greatest(score.minus(half), -100));
  }

  private static Column sq(Column c) {
    return c.multiply(c);
  }

  private static Column greatest0(Column c) {
    return greatest(c, 0);
  }

  private static Column least1(Column c) {
    return least(c, 1);
  }

  private static Column greatest(Column c, double floor) {
    return org.apache.spark.sql.functions.greatest(c, lit(floor));
  }

  private static Column least(Column c, double ceiling) {
    return org.apache.spark.sql.functions.least(c, lit(ceiling));
  }

  private static double square(double x) {
    return x * x;
  }
}
