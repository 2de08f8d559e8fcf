package io.touchpoints.attribution;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Bootstrap replicates of aggregated paths, resampling journeys: in replicate b, a path with c conversions and u
 * non-converting journeys gets Poisson(c) conversions and Poisson(u) non-conversions (the Poisson bootstrap, which
 * approximates resampling all journeys with replacement), and its value scales with its conversions. Each draw is
 * seeded from (seed, replicate, path), so the replicates do not depend on partitioning. Narrow: no shuffle.
 */
final class BootstrapPaths {

  public static final String REPLICATE = "replicate";
  public static final StructType SCHEMA = PathColumns.SCHEMA.add(REPLICATE, DataTypes.IntegerType, false);

  private BootstrapPaths() {}

  public static Dataset<Row> replicate(Dataset<Row> paths, int replicates, long seed) {
    if (replicates < 1) {
      throw new IllegalArgumentException("bootstrap replicates must be at least 1, got " + replicates);
    }
    return paths.select(PathColumns.TOUCHPOINTS, PathColumns.CONVERSIONS, PathColumns.VALUE, PathColumns.NULLS)
        .flatMap((FlatMapFunction<Row, Row>) row -> draws(row, replicates, seed), Encoders.row(SCHEMA));
  }

  private static Iterator<Row> draws(Row row, int replicates, long seed) {
    // Kept as Spark gave it (a Scala sequence) so that the row encoder takes it back unchanged.
    Object touchpointsValue = row.get(0);
    List<String> touchpoints = row.getList(0);
    double conversions = row.getDouble(1);
    double value = row.getDouble(2);
    double nulls = row.getDouble(3);
    long pathHash = pathHash(touchpoints);
    List<Row> out = new ArrayList<>(replicates);
    double[] draw = new double[2];
    for (int b = 1; b <= replicates; b++) {
      draw(pathHash, conversions, nulls, b, seed, draw);
      double c = draw[0];
      double u = draw[1];
      if (c > 0 || u > 0) {
        out.add(RowFactory.create(touchpointsValue, c, conversions > 0 ? value * c / conversions : 0.0, u, b));
      }
    }
    return out.iterator();
  }

  /** The seed part that identifies a path. */
  static long pathHash(List<String> touchpoints) {
    return String.join("\u0001", touchpoints).hashCode();
  }

  /**
   * Replicate b's draw for one path: {@code out[0]} conversions, {@code out[1]} non-converting journeys (its value
   * scales with the conversions). Seeded from (seed, replicate, path) alone.
   */
  static void draw(long pathHash, double conversions, double nulls, int replicate, long seed, double[] out) {
    SplittableRandom random = new SplittableRandom(seed ^ (pathHash * 0x9E3779B97F4A7C15L)
        ^ (replicate * 0xBF58476D1CE4E5B9L));
    out[0] = poisson(conversions, random);
    out[1] = poisson(nulls, random);
  }

  /**
   * A Poisson draw: Knuth's product of uniforms for small means, Hörmann's transformed rejection (PTRS, 1993) for
   * means of 10 and more; both exact.
   */
  static double poisson(double mean, SplittableRandom random) {
    if (mean <= 0) {
      return 0;
    }
    if (mean < 10) {
      double limit = Math.exp(-mean);
      double product = random.nextDouble();
      int k = 0;
      while (product > limit) {
        product *= random.nextDouble();
        k++;
      }
      return k;
    }
    double slam = Math.sqrt(mean);
    double logLam = Math.log(mean);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2);
    while (true) {
      double u = random.nextDouble() - 0.5;
      double v = random.nextDouble();
      double us = 0.5 - Math.abs(u);
      long k = (long) Math.floor((2 * a / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) {
        return k;
      }
      if (k < 0 || (us < 0.013 && v > us)) {
        continue;
      }
      if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b)
          <= -mean + k * logLam - logFactorial(k)) {
        return k;
      }
    }
  }

  private static double logFactorial(long k) {
    return org.apache.commons.math3.special.Gamma.logGamma(k + 1.0);
  }
}
