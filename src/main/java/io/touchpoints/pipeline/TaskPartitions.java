package io.touchpoints.pipeline;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Fewer partitions for small inputs of model fits. Every task of an MLlib fit deserializes the whole plan behind its
 * input (10-15 ms), and logistic regression runs one job per iteration: a small input spread over every shuffle
 * partition costs more in tasks than in work. Large inputs keep their partitioning.
 */
public final class TaskPartitions {

  /** Rows per task at most. */
  public static final long ROWS_PER_TASK = 50_000;

  private TaskPartitions() {}

  /** {@code rows} in one partition per {@link #ROWS_PER_TASK} of its {@code count} rows, never more than it has. */
  public static Dataset<Row> inTasks(Dataset<Row> rows, long count) {
    int partitions = rows.rdd().getNumPartitions();
    long wanted = Math.max(1, (count + ROWS_PER_TASK - 1) / ROWS_PER_TASK);
    return wanted < partitions ? rows.coalesce((int) wanted) : rows;
  }
}
