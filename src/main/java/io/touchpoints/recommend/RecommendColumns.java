package io.touchpoints.recommend;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Columns of {@code next_best_touchpoint} and {@code uplift_metrics} (public: the report reads the metrics). */
public final class RecommendColumns {
  // next_best_touchpoint: the top recommend.top_k candidates of every customer.
  static final String CUSTOMER_ID = "customer_id";
  /** 1 = the largest uplift. */
  static final String RANK = "rank";
  static final String TOUCHPOINT = "touchpoint";
  /** Change in P(the next journey converts within the horizon) if it includes the touchpoint rather than not. */
  static final String UPLIFT = "uplift";
  /** Interval of the uplift: the average effect's when the ranking fell back to it, else null (see README). */
  static final String UPLIFT_LOW = "uplift_low";
  static final String UPLIFT_HIGH = "uplift_high";
  /** P(the next journey converts within the horizon) without the touchpoint. */
  static final String BASELINE_PROBABILITY = "baseline_probability";

  // uplift_metrics: evaluation on the cross-fitted scores of the units.
  /** A candidate touchpoint, or a policy: {@link #RECOMMENDED}, {@code best_single:<touchpoint>}, {@link #NONE}. */
  public static final String CANDIDATE = "candidate";
  public static final String METRIC = "metric";
  public static final String VALUE = "value";
  public static final String LOW = "low";
  public static final String HIGH = "high";

  public static final String RECOMMENDED = "policy:recommended";
  public static final String BEST_SINGLE = "policy:best_single:";
  public static final String NONE = "policy:no_touchpoint";

  /** Doubly robust average effect of the candidate on conversion, with its clustered interval. */
  public static final String AVERAGE_EFFECT = "average_effect";
  /** Area between the (doubly robust) Qini curve and the random line, in conversions per journey. */
  public static final String QINI = "qini_coefficient";
  /** Doubly robust average effect among the top p% of journeys by predicted uplift. */
  public static final List<Integer> UPLIFT_AT = List.of(10, 20, 50);
  /** A policy's estimated conversion rate, and the recommended policy's gains over the others. */
  public static final String CONVERSION_RATE = "conversion_rate";
  public static final String GAIN_VS_BEST_SINGLE = "gain_vs_best_single";
  public static final String GAIN_VS_NONE = "gain_vs_no_touchpoint";

  /**
   * Points of the Qini curve: Q(p%), the summed doubly robust effect (psi) of the top p% of journeys by predicted
   * uplift divided by all the journeys, i.e. the conversions per journey of the whole population gained by targeting
   * only those; the random line is p% x Q(100%). The coefficient is the area between the two.
   */
  public static final List<Integer> QINI_AT = List.of(10, 20, 30, 40, 50, 60, 70, 80, 90, 100);

  public static String upliftAt(int percent) {
    return "uplift_at_" + percent;
  }

  public static String qiniAt(int percent) {
    return "qini_at_" + percent;
  }

  static final StructType NEXT_BEST = new StructType(new StructField[] {
      field(CUSTOMER_ID, DataTypes.StringType),
      field(RANK, DataTypes.IntegerType),
      field(TOUCHPOINT, DataTypes.StringType),
      field(UPLIFT, DataTypes.DoubleType),
      field(UPLIFT_LOW, DataTypes.DoubleType),
      field(UPLIFT_HIGH, DataTypes.DoubleType),
      field(BASELINE_PROBABILITY, DataTypes.DoubleType),
  });

  public static final StructType METRICS = new StructType(new StructField[] {
      field(CANDIDATE, DataTypes.StringType),
      field(METRIC, DataTypes.StringType),
      field(VALUE, DataTypes.DoubleType),
      field(LOW, DataTypes.DoubleType),
      field(HIGH, DataTypes.DoubleType),
  });

  private RecommendColumns() {}

  private static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }
}
