package io.touchpoints.generate;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One simulated customer's attributes, the rows of {@code customers.csv}. Drawn from a random stream of their own
 * (seeded from the seed, a fixed salt and the customer index), never from the stream of the customer's events, so
 * that writing attributes leaves the Markov-chain events exactly as they were.
 *
 * <ul>
 *   <li>plan: {@code premium} with probability {@value #PREMIUM_SHARE}, else {@code basic};</li>
 *   <li>region: north, south, east or west, uniform (no planted role: a covariate that does not matter);</li>
 *   <li>tenure_months: uniform 0..59;</li>
 *   <li>monthly_spend: log-normal, median 40 (basic) or 120 (premium), sigma 0.5, 2 decimals;</li>
 *   <li>engagement: uniform 0..1, 3 decimals.</li>
 * </ul>
 *
 * @param plan basic or premium
 * @param region one of {@link #REGIONS}
 * @param tenureMonths whole months as a customer
 * @param monthlySpend money, 2 decimals
 * @param engagement 0..1
 */
record SimulatedCustomer(String plan, String region, int tenureMonths, BigDecimal monthlySpend, double engagement)
    implements Serializable {

  static final String PLAN = "plan";
  static final String REGION = "region";
  static final String TENURE_MONTHS = "tenure_months";
  static final String MONTHLY_SPEND = "monthly_spend";
  static final String ENGAGEMENT = "engagement";

  static final String PLAN_BASIC = "basic";
  static final String PLAN_PREMIUM = "premium";
  static final double PREMIUM_SHARE = 0.3;
  static final String[] REGIONS = {"north", "south", "east", "west"};
  static final int MAX_TENURE_MONTHS = 59;

  /** Salt of the attribute stream: any constant other than 0 keeps it apart from the event stream. */
  private static final long ATTRIBUTE_STREAM_SALT = 0x6A09E667F3BCC909L;

  /** Columns of {@code customers.csv}, in file order. */
  static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("customer_id", DataTypes.StringType, false),
      DataTypes.createStructField(PLAN, DataTypes.StringType, false),
      DataTypes.createStructField(REGION, DataTypes.StringType, false),
      DataTypes.createStructField(TENURE_MONTHS, DataTypes.IntegerType, false),
      DataTypes.createStructField(MONTHLY_SPEND, DataTypes.createDecimalType(18, 2), false),
      DataTypes.createStructField(ENGAGEMENT, DataTypes.DoubleType, false),
  });

  /** Customer {@code index}'s attributes under {@code seed}. */
  static SimulatedCustomer draw(long seed, long index) {
    SplittableRandom rng = new SplittableRandom(CustomerSimulator.streamSeed(seed ^ ATTRIBUTE_STREAM_SALT, index));
    boolean premium = rng.nextDouble() < PREMIUM_SHARE;
    String region = REGIONS[rng.nextInt(REGIONS.length)];
    int tenure = rng.nextInt(MAX_TENURE_MONTHS + 1);
    double median = premium ? 120.0 : 40.0;
    BigDecimal spend = BigDecimal.valueOf(median * Math.exp(0.5 * rng.nextGaussian()))
        .setScale(2, RoundingMode.HALF_UP);
    double engagement = Math.round(rng.nextDouble() * 1000.0) / 1000.0;
    return new SimulatedCustomer(premium ? PLAN_PREMIUM : PLAN_BASIC, region, tenure, spend, engagement);
  }

  boolean premium() {
    return PLAN_PREMIUM.equals(plan);
  }

  Row toRow(String customerId) {
    return RowFactory.create(customerId, plan, region, tenureMonths, monthlySpend, engagement);
  }
}
