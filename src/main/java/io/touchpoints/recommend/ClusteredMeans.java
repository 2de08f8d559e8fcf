package io.touchpoints.recommend;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Means of per-journey values with standard errors clustered by customer (one customer's journeys are not
 * independent): for a value with customer sums S_c over n_c journeys and mean m = sum S / sum n, the variance of m is
 * sum (S_c - m n_c)^2 / (sum n)^2 times G / (G - 1) for G customers, the estimator of the effects' intervals. Two
 * aggregations (per customer, then per group); one row per group reaches the driver.
 */
final class ClusteredMeans {

  /** @param value the mean; @param standardError clustered; @param customers G */
  record Mean(double value, double standardError, long customers) {
    double low(double z) {
      return value - z * standardError;
    }

    double high(double z) {
      return value + z * standardError;
    }
  }

  private ClusteredMeans() {}

  /**
   * @param group column to group by (null: one group, keyed "")
   * @param values name to per-journey value (nulls are left out of that value's mean)
   */
  static Map<String, Map<String, Mean>> of(Dataset<Row> rows, String customer, String group,
      Map<String, Column> values) {
    List<Column> keys = new ArrayList<>();
    keys.add(group == null ? lit("").as("_g") : col(group).as("_g"));
    List<Column> perCustomer = new ArrayList<>();
    List<String> names = new ArrayList<>(values.keySet());
    for (int i = 0; i < names.size(); i++) {
      Column v = values.get(names.get(i));
      perCustomer.add(sum(v).as("s" + i));
      perCustomer.add(count(v).cast("double").as("n" + i));
    }
    Dataset<Row> customers = rows.groupBy(keys.get(0), col(customer))
        .agg(perCustomer.get(0), perCustomer.subList(1, perCustomer.size()).toArray(Column[]::new));
    List<Column> overall = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      Column s = col("s" + i);
      Column n = col("n" + i);
      overall.add(sum(s));
      overall.add(sum(n));
      overall.add(sum(s.multiply(s)));
      overall.add(sum(s.multiply(n)));
      overall.add(sum(n.multiply(n)));
      overall.add(sum(when(n.gt(0), 1L).otherwise(0L)));
    }
    Map<String, Map<String, Mean>> out = new LinkedHashMap<>();
    // One row per group: small by construction (candidates).
    for (Row r : customers.groupBy(col("_g"))
        .agg(overall.get(0), overall.subList(1, overall.size()).toArray(Column[]::new)).collectAsList()) {
      Map<String, Mean> means = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        int b = 1 + 6 * i;
        double sumS = at(r, b);
        double sumN = at(r, b + 1);
        if (sumN == 0) {
          continue;
        }
        double m = sumS / sumN;
        long g = r.isNullAt(b + 5) ? 0 : r.getLong(b + 5);
        double squares = at(r, b + 2) - 2 * m * at(r, b + 3) + m * m * at(r, b + 4);
        double variance = Math.max(0, squares) / (sumN * sumN) * g / Math.max(1, g - 1);
        means.put(names.get(i), new Mean(m, Math.sqrt(variance), g));
      }
      out.put(r.getString(0), means);
    }
    return out;
  }

  private static double at(Row r, int i) {
    return r.isNullAt(i) ? 0.0 : ((Number) r.get(i)).doubleValue();
  }
}
