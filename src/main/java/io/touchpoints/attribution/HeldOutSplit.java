package io.touchpoints.attribution;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Splits aggregated paths into a training and a held-out part by journey, for choosing the Markov order: a path
 * with c conversions and u non-converting journeys sends Binomial(c, f) of its conversions and Binomial(u, f) of
 * the others to the held-out part ({@link #FOLD} = 1) and the rest to training (0); value follows conversions. Each
 * draw is seeded from (seed, path), so the split does not depend on partitioning. Counts that are not whole numbers
 * (a path file may carry weights) are split in proportion instead. Narrow: no shuffle.
 */
final class HeldOutSplit {

  public static final String FOLD = "fold";
  public static final int TRAIN = 0;
  public static final int HELD_OUT = 1;
  public static final StructType SCHEMA = PathColumns.SCHEMA.add(FOLD, DataTypes.IntegerType, false);

  private HeldOutSplit() {}

  /**
   * @param fraction the share of journeys held out, in (0, 1)
   * @return the paths with a {@link #FOLD} column; a path appears once per fold it has journeys in
   */
  public static Dataset<Row> split(Dataset<Row> paths, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("held-out fraction must be between 0 and 1 (exclusive), got " + fraction);
    }
    return paths.select(PathColumns.TOUCHPOINTS, PathColumns.CONVERSIONS, PathColumns.VALUE, PathColumns.NULLS)
        .flatMap((FlatMapFunction<Row, Row>) row -> folds(row, fraction, seed), Encoders.row(SCHEMA));
  }

  private static Iterator<Row> folds(Row row, double fraction, long seed) {
    Object touchpointsValue = row.get(0);
    double[] f = fold(row.getList(0), row.getDouble(1), row.getDouble(2), row.getDouble(3), fraction, seed);
    List<Row> out = new ArrayList<>(2);
    if (f[0] > 0 || f[2] > 0) {
      out.add(RowFactory.create(touchpointsValue, f[0], f[1], f[2], TRAIN));
    }
    if (f[3] > 0 || f[5] > 0) {
      out.add(RowFactory.create(touchpointsValue, f[3], f[4], f[5], HELD_OUT));
    }
    return out.iterator();
  }

  /**
   * One path's split: {training conversions, value, nulls, held-out conversions, value, nulls}, seeded from (seed,
   * path) alone.
   */
  static double[] fold(List<String> touchpoints, double conversions, double value, double nulls, double fraction,
      long seed) {
    long pathHash = String.join("\u0001", touchpoints).hashCode();
    Well19937c random = new Well19937c(new int[] {(int) seed, (int) (seed >>> 32), (int) pathHash});
    double heldConversions = draw(conversions, fraction, random);
    double heldNulls = draw(nulls, fraction, random);
    double heldValue = conversions > 0 ? value * heldConversions / conversions : 0.0;
    return new double[] {conversions - heldConversions, value - heldValue, nulls - heldNulls, heldConversions,
        heldValue, heldNulls};
  }

  /** Binomial(n, p) for a whole n, else n·p. */
  static double draw(double n, double p, Well19937c random) {
    if (n <= 0) {
      return 0;
    }
    if (n != Math.rint(n) || n > Integer.MAX_VALUE) {
      return n * p;
    }
    return new BinomialDistribution(random, (int) n, p).sample();
  }
}
