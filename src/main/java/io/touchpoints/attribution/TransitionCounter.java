package io.touchpoints.attribution;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Counts the transitions of the order-k Markov chain over aggregated paths, in Spark: a path a &gt; b &gt; c with k = 2
 * walks (start) → [a] → [a, b] → [b, c] and then to (conversion), weighted by its conversions, and to (null),
 * weighted by its non-converting journeys; every inner step is weighted by both. States are arrays of the last k
 * touchpoints; {@link #START}, {@link #CONVERSION} and {@link #NULL} are one-element arrays.
 *
 * <p>Output: {@code from_state, to_state, count}, grouped (a shuffle on the state pair, after map-side partial
 * aggregation): the rows number at most the distinct transitions, small by construction, and are what reaches the
 * driver.
 */
public final class TransitionCounter {

  public static final String START = "(start)";
  public static final String CONVERSION = "(conversion)";
  public static final String NULL = "(null)";
  public static final String FROM = "from_state";
  public static final String TO = "to_state";
  public static final String COUNT = "count";

  private TransitionCounter() {}

  /** Column of the output: the chain's order. */
  public static final String ORDER = "order";

  /**
   * Counts the transitions of several orders in one pass (one shuffle).
   *
   * @param paths aggregated paths ({@link PathColumns}), possibly with extra grouping columns (e.g. a bootstrap
   *     replicate) that are kept as keys
   * @param orders the orders k, each 1..4
   * @param keys extra grouping columns of {@code paths}
   * @return {@code keys..., order, from_state, to_state, count}
   */
  public static Dataset<Row> count(Dataset<Row> paths, List<Integer> orders, List<String> keys) {
    for (int order : orders) {
      if (order < 1 || order > 4) {
        throw new IllegalArgumentException("Markov order must be 1 to 4, got " + order);
      }
    }
    Column[] orderValues = orders.stream().map(o -> lit(o)).toArray(Column[]::new);
    Dataset<Row> byOrder = paths.withColumn(ORDER, explode(array(orderValues)));
    List<String> withOrder = new java.util.ArrayList<>(keys);
    withOrder.add(ORDER);
    return countAt(byOrder, col(ORDER), withOrder);
  }

  private static Dataset<Row> countAt(Dataset<Row> paths, Column order, List<String> keys) {
    Column tp = col(PathColumns.TOUCHPOINTS);
    Column n = size(tp);
    Column both = col(PathColumns.CONVERSIONS).plus(col(PathColumns.NULLS));
    // Inner steps i = 1..n: from the state after touch i-1 (or start) to the state after touch i.
    Column inner = transform(sequence(lit(1), n), i -> struct(
        when(i.equalTo(1), array(lit(START))).otherwise(state(tp, i.minus(1), order)).as(FROM),
        state(tp, i, order).as(TO),
        both.as(COUNT)));
    Column last = state(tp, n, order);
    Column ends = array(
        struct(last.as(FROM), array(lit(CONVERSION)).as(TO), col(PathColumns.CONVERSIONS).as(COUNT)),
        struct(last.as(FROM), array(lit(NULL)).as(TO), col(PathColumns.NULLS).as(COUNT)));
    Column[] keep = keys.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    Column[] selected = new Column[keep.length + 1];
    System.arraycopy(keep, 0, selected, 0, keep.length);
    selected[keep.length] = explode(org.apache.spark.sql.functions.concat(inner, ends)).as("_t");
    Column[] group = new Column[keep.length + 2];
    System.arraycopy(keep, 0, group, 0, keep.length);
    group[keep.length] = col("_t." + FROM).as(FROM);
    group[keep.length + 1] = col("_t." + TO).as(TO);
    return paths.filter(n.gt(0)).select(selected)
        .filter(col("_t." + COUNT).gt(0))
        .groupBy(group)
        .agg(sum(col("_t." + COUNT)).as(COUNT));
  }

  /** The last min(i, k) touchpoints up to the i-th (1-based). */
  private static Column state(Column touchpoints, Column i, Column order) {
    Column start = greatest(lit(1), i.minus(order).plus(1));
    return slice(touchpoints, start, least(i, order));
  }
}
