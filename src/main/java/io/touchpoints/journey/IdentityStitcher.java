package io.touchpoints.journey;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;

import io.touchpoints.input.EventColumns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Identity stitching: an event that carries only an {@code anonymous_id} joins the customer that the same
 * anonymous id is seen with on another event (the earliest such event wins, so the result does not depend on
 * partitioning). An anonymous id never seen with a customer becomes its own customer, {@code anon:<id>}.
 *
 * <p>Input: clean events. Output: the same rows with customer_id resolved and {@link JourneyColumns#STITCHED}.
 * Shuffles once, on anonymous_id, to build the (small) link table, which is broadcast when it fits
 * {@code spark.sql.autoBroadcastJoinThreshold}.
 */
public final class IdentityStitcher {

  /** Prefix of customer ids made from an anonymous id that no customer claims. */
  public static final String ANONYMOUS_PREFIX = "anon:";

  private IdentityStitcher() {}

  public static Dataset<Row> stitch(Dataset<Row> events, boolean enabled) {
    return stitch(events, events, enabled);
  }

  /**
   * Stitches {@code events} with the links seen in {@code linkSource} (a superset of them: incremental runs stitch
   * a few customers' events with the links of every stored and new event).
   */
  public static Dataset<Row> stitch(Dataset<Row> events, Dataset<Row> linkSource, boolean enabled) {
    Dataset<Row> known = events.filter(col(EventColumns.CUSTOMER_ID).isNotNull())
        .withColumn(JourneyColumns.STITCHED, lit(false));
    Dataset<Row> anonymous = events.filter(col(EventColumns.CUSTOMER_ID).isNull());
    if (!enabled) {
      return known.unionByName(anonymous
          .withColumn(EventColumns.CUSTOMER_ID, concat(lit(ANONYMOUS_PREFIX), col(EventColumns.ANONYMOUS_ID)))
          .withColumn(JourneyColumns.STITCHED, lit(false)));
    }
    Dataset<Row> links = linkSource
        .filter(col(EventColumns.CUSTOMER_ID).isNotNull().and(col(EventColumns.ANONYMOUS_ID).isNotNull()))
        .groupBy(col(EventColumns.ANONYMOUS_ID).as("_anon"))
        .agg(min_by(col(EventColumns.CUSTOMER_ID),
            struct(col(EventColumns.EVENT_TIME), col(EventColumns.CUSTOMER_ID))).as("_linked"));
    Dataset<Row> resolved = anonymous
        .join(links, anonymous.col(EventColumns.ANONYMOUS_ID).equalTo(col("_anon")), "left")
        .withColumn(JourneyColumns.STITCHED, col("_linked").isNotNull())
        .withColumn(EventColumns.CUSTOMER_ID,
            coalesce(col("_linked"), concat(lit(ANONYMOUS_PREFIX), col(EventColumns.ANONYMOUS_ID))))
        .drop("_anon", "_linked");
    return known.unionByName(resolved);
  }
}
